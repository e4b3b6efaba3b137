/** `sum`, the reduction every other VJP rule leans on (un-broadcasting, means, norms). */
import { type NDArray, normalizeAxes, reduce } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { broadcastTo } from './broadcast.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { reshape } from './reshape.js';

/** Options of every reduction: NumPy/JAX `axis` and `keepdims`. */
export interface ReduceAxisOptions {
  /** One axis, several, or (default, `null`) all. Negative axes count from the end. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes with size 1. */
  keepdims?: boolean;
}

interface SumParams {
  axes: number[];
  keepdims: boolean;
}

/** The shape `x` has after reducing `axes` with keepdims: reduced axes become 1. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

const sumPrim = definePrimitive<SumParams>({
  name: 'sum',
  impl: ([x], { axes, keepdims }) =>
    reduce(x, (s, v) => s + v, 0, { axis: axes, keepdims, dtype: x.dtype === 'bool' ? 'int32' : x.dtype }),
  // d(sum x) = sum(dx): the cotangent is broadcast back over the reduced axes.
  vjp: (ct, { inputs: [x], params: { axes, keepdims } }) => [
    broadcastTo(keepdims ? ct : reshape(ct, keptShape(x.shape, axes)), x.shape),
  ],
});

/**
 * Sum over `axis` (default: all axes). bool sums to int32; floats accumulate in float64.
 * PyTorch `x.sum(dim, keepdim)`, NumPy `np.sum(x, axis, keepdims)`.
 * @example sum(array([[1, 2], [3, 4]]), { axis: 0 }) // [4, 6]
 */
export function sum(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  const a = asArray(x);
  const axes = normalizeAxes('sum', options.axis, a.ndim);
  return bind(sumPrim, [a], { axes, keepdims: options.keepdims ?? false });
}

/**
 * Sums `x` down to `shape` (the reverse of broadcasting `shape` to `x.shape`): over leading axes and over
 * axes where `shape` has 1. Where every broadcast's VJP goes, so un-broadcasting lives in one place.
 */
export function sumToShape(x: NDArray, shape: readonly number[]): NDArray {
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  if (axes.length === 0) return x.ndim === shape.length ? x : reshape(x, shape);
  return reshape(sum(x, { axis: axes, keepdims: true }), shape);
}
