/**
 * Index and logical reductions and scans: `argmax argmin all any cumsum cumprod`, and the differentiable
 * `shift` behind the prefix products that `cumprod` and the VJP of `prod` are built from.
 */
import { fmtShape, type NDArray, normalizeAxes, normalizeAxis, ShapeError } from '@lucid-ts/ndarray';
import { definePrimitive, notDifferentiable } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { argExtremeKernel, cumsumKernel, fromAcc, reduceAcc, shiftKernel } from '../kernels/reduce.js';
import { mul } from './arith.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { reshape } from './reshape.js';
import { keptShape, type ReduceAxisOptions } from './sum.js';

/** Options of the single-axis reductions: `axis` omitted or `null` means the flattened array. */
export interface ArgReduceOptions {
  axis?: number | null;
  keepdims?: boolean;
}

const argPrim = definePrimitive<{ axis: number; shape: number[]; isMax: boolean }>({
  name: 'argmax',
  impl: ([x], { axis, shape, isMax }) => argExtremeKernel(x, axis, shape, isMax),
  vjp: notDifferentiable, // an integer index has no derivative
});

function argExtreme(fn: string, x: ArrayOrScalar, options: ArgReduceOptions, isMax: boolean): NDArray {
  let a = asArray(x);
  const keepdims = options.keepdims ?? false;
  let shape: number[];
  let axis: number;
  if (options.axis === undefined || options.axis === null) {
    if (a.size === 0) throw new ShapeError(`${fn}: array must not be empty, got shape ${fmtShape(a.shape)}`);
    shape = keepdims ? a.shape.map(() => 1) : [];
    a = reshape(a, [-1]);
    axis = 0;
  } else {
    axis = normalizeAxis(fn, options.axis, a.ndim);
    if (a.shape[axis] === 0) {
      throw new ShapeError(`${fn}: axis ${axis} must not be empty, got shape ${fmtShape(a.shape)}`);
    }
    shape = keepdims ? keptShape(a.shape, [axis]) : a.shape.filter((_, i) => i !== axis);
  }
  return bind(argPrim, [a], { axis, shape, isMax });
}

/**
 * Index of the largest element along `axis` (of the flattened array when `axis` is omitted); the first
 * one on ties, and NaN counts as largest (as in NumPy). int32. Empty axes throw `ShapeError`.
 * PyTorch `torch.argmax(x, dim, keepdim)`, NumPy `np.argmax`.
 * @example argmax(array([[1, 5], [7, 2]]), { axis: 1 }) // [1, 0]
 */
export function argmax(x: ArrayOrScalar, options: ArgReduceOptions = {}): NDArray {
  return argExtreme('argmax', x, options, true);
}

/**
 * Index of the smallest element along `axis` (flattened when omitted); first on ties, NaN counts as
 * smallest. int32. PyTorch `torch.argmin`, NumPy `np.argmin`.
 * @example argmin(array([3, 1, 1])) // 1
 */
export function argmin(x: ArrayOrScalar, options: ArgReduceOptions = {}): NDArray {
  return argExtreme('argmin', x, options, false);
}

const logicalPrim = definePrimitive<{ axes: number[]; keepdims: boolean; kind: 'all' | 'any' }>({
  name: 'all',
  impl: ([x], { axes, keepdims, kind }) =>
    fromAcc(
      reduceAcc(x, axes, kind),
      'bool',
      keepdims ? keptShape(x.shape, axes) : x.shape.filter((_, i) => !axes.includes(i)),
    ),
  vjp: notDifferentiable, // a truth value has no derivative
});

function logical(kind: 'all' | 'any', x: ArrayOrScalar, options: ReduceAxisOptions): NDArray {
  const a = asArray(x);
  const axes = normalizeAxes(kind, options.axis, a.ndim);
  return bind(logicalPrim, [a], { axes, keepdims: options.keepdims ?? false, kind });
}

/**
 * True where every element over `axis` is nonzero (NaN counts as true); bool. `all` of nothing is true.
 * PyTorch `torch.all`, NumPy `np.all`.
 * @example all(array([[1, 0], [2, 3]]), { axis: 1 }) // [false, true]
 */
export function all(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  return logical('all', x, options);
}

/**
 * True where some element over `axis` is nonzero (NaN counts as true); bool. `any` of nothing is false.
 * PyTorch `torch.any`, NumPy `np.any`.
 * @example any(array([[1, 0], [0, 0]]), { axis: 1 }) // [true, false]
 */
export function any(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  return logical('any', x, options);
}

const cumsumPrim = definePrimitive<{ axis: number; reverse: boolean }>({
  name: 'cumsum',
  impl: ([x], { axis, reverse }) => cumsumKernel(x, axis, reverse, x.dtype === 'bool' ? 'int32' : x.dtype),
  // y_i = Σ_{j≤i} x_j, so x̄_j = Σ_{i≥j} ȳ_i: the cumulative sum taken from the other end.
  vjp: (ct, { params: { axis, reverse } }) => [scanSum(ct, axis, !reverse)],
});

function scanSum(x: NDArray, axis: number, reverse: boolean): NDArray {
  return bind(cumsumPrim, [x], { axis, reverse });
}

/** The axis of a scan, flattening `x` first when it is omitted (NumPy). */
function scanAxis(fn: string, x: ArrayOrScalar, axis: number | null | undefined): [NDArray, number] {
  const a = asArray(x);
  if (axis === undefined || axis === null) return [reshape(a, [-1]), 0];
  return [a, normalizeAxis(fn, axis, a.ndim)];
}

/**
 * Inclusive cumulative sum along `axis` (of the flattened array when omitted, as NumPy); floats
 * accumulate in float64, bool sums to int32. PyTorch `torch.cumsum(x, dim)`, NumPy `np.cumsum`.
 * @example cumsum(array([[1, 2], [3, 4]]), { axis: 1 }) // [[1, 3], [3, 7]]
 */
export function cumsum(x: ArrayOrScalar, options: { axis?: number | null } = {}): NDArray {
  const [a, axis] = scanAxis('cumsum', x, options.axis);
  return scanSum(a, axis, false);
}

const shiftPrim = definePrimitive<{ axis: number; k: number; fill: number }>({
  name: 'shift',
  impl: ([x], { axis, k, fill }) => shiftKernel(x, axis, k, fill),
  // y_i = x_{i-k}: each x_j lands at j + k, so its cotangent is ȳ shifted back by k (zeros past the ends).
  vjp: (ct, { params: { axis, k } }) => [shift(ct, axis, -k, 0)],
});

/** `y[..., i, ...] = x[..., i - k, ...]` along `axis`, `fill` where `i - k` is outside; differentiable. */
export function shift(x: NDArray, axis: number, k: number, fill: number): NDArray {
  return bind(shiftPrim, [x], { axis, k, fill });
}

/**
 * Inclusive prefix products along `axis` (suffix products when `reverse`), by Hillis–Steele doubling:
 * ⌈log2 n⌉ rounds of `y *= shift(y, 2^r)`. Made of `mul` and `shift` only, so every derivative of it is
 * exact even where `x` has zeros (no division by `x` anywhere).
 */
export function scanProd(x: NDArray, axis: number, reverse = false): NDArray {
  let y = x;
  for (let k = 1; k < x.shape[axis]; k *= 2) y = mul(y, shift(y, axis, reverse ? -k : k, 1));
  return y;
}

/** `∏_{j≠i} x_j` along `axis`: exclusive prefix times exclusive suffix products; exact with zeros. */
export function exclusiveProd(x: NDArray, axis: number): NDArray {
  return mul(shift(scanProd(x, axis), axis, 1, 1), shift(scanProd(x, axis, true), axis, -1, 1));
}

/**
 * Inclusive cumulative product along `axis` (flattened when omitted). Computed by prefix doubling in
 * O(n log n) so that its gradients stay exact when `x` contains zeros. PyTorch `torch.cumprod(x, dim)`,
 * NumPy `np.cumprod`.
 * @example cumprod(array([1, 2, 3, 4])) // [1, 2, 6, 24]
 */
export function cumprod(x: ArrayOrScalar, options: { axis?: number | null } = {}): NDArray {
  const [a, axis] = scanAxis('cumprod', x, options.axis);
  return scanProd(a.dtype === 'bool' ? asArray(a, 'int32') : a, axis);
}
