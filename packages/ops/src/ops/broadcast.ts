/** `broadcastTo`: the only place where broadcasting happens; its VJP is the one un-broadcasting sum. */
import { type NDArray, shapesEqual } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, registerTracerViewOps } from '../core/tracer.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { sumToShape } from './sum.js';

const broadcastPrim = definePrimitive<{ shape: number[] }>({
  name: 'broadcastTo',
  impl: ([x], { shape }) => x.broadcastTo(shape),
  // Each input element was copied to several outputs: their cotangents add up.
  vjp: (ct, { inputs: [x] }) => [sumToShape(ct, x.shape)],
});

/**
 * NumPy broadcasting of `x` to `shape` (new leading axes, size-1 axes stretched); a zero-copy view.
 * PyTorch `expand`/`broadcast_to`, NumPy `broadcast_to`.
 * @example broadcastTo(array([1, 2]), [3, 2])
 */
export function broadcastTo(x: ArrayOrScalar, shape: readonly number[]): NDArray {
  const a = asArray(x);
  if (shapesEqual(a.shape, shape)) return a;
  return bind(broadcastPrim, [a], { shape: shape.slice() });
}

registerTracerViewOps({ broadcastTo });
