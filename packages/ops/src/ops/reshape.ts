/** `reshape`: a view whenever the strides allow it (see @lucid-ts/ndarray). */
import { inferShape, type NDArray, shapesEqual } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, registerTracerViewOps } from '../core/tracer.js';
import { type ArrayOrScalar, asArray } from './convert.js';

const reshapePrim = definePrimitive<{ shape: number[] }>({
  name: 'reshape',
  impl: ([x], { shape }) => x.reshape(shape),
  // Reshaping is a relabelling of the same elements: the cotangent is reshaped back.
  vjp: (ct, { inputs: [x] }) => [reshape(ct, x.shape)],
});

/**
 * Same elements in row-major order, new shape; one `-1` is inferred. PyTorch `reshape`, NumPy `reshape`.
 * @example reshape(arange(6), [2, -1]) // shape [2, 3]
 */
export function reshape(x: ArrayOrScalar, shape: readonly number[]): NDArray {
  const a = asArray(x);
  const target = inferShape('reshape', a.size, shape);
  return shapesEqual(target, a.shape) ? a : bind(reshapePrim, [a], { shape: target });
}

registerTracerViewOps({ reshape });
