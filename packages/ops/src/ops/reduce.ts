/**
 * Reductions over axes: `mean prod max min variance (var) std logsumexp` (`sum` lives in sum.ts; index,
 * logical and scan reductions in reduce-extra.ts). Each is one primitive whose kernel accumulates in
 * float64 (kernels/reduce.ts) and whose VJP is written with ops, so that it differentiates again.
 *
 * Options are NumPy/JAX `{ axis, keepdims }`; `axis` omitted or `null` reduces every axis.
 */
import { ArgumentError, fmtShape, isFloat, type NDArray, normalizeAxes, ShapeError } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, concreteOf } from '../core/tracer.js';
import { fromAcc, logsumexpAcc, reduceAcc, reducedCount, varianceAcc } from '../kernels/reduce.js';
import { div, floatDType, mul, sub } from './arith.js';
import { broadcastTo } from './broadcast.js';
import { equal } from './compare.js';
import { type ArrayOrScalar, asArray, astype } from './convert.js';
import { exclusiveProd } from './reduce-extra.js';
import { reshape } from './reshape.js';
import { keptShape, type ReduceAxisOptions, sum } from './sum.js';
import { exp } from './unary.js';

/** Options of `variance` and `std`. */
export interface VarianceOptions extends ReduceAxisOptions {
  /** Subtracted from the count in the divisor: 1 (default, PyTorch's unbiased estimate) or 0 (population). */
  correction?: number;
}

interface AxesParams {
  axes: number[];
  keepdims: boolean;
}

function outShape(shape: readonly number[], { axes, keepdims }: AxesParams): number[] {
  return keepdims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/** A reduced result (or its cotangent) stretched back over the reduced axes of `x`. */
function expand(r: NDArray, x: NDArray, { axes, keepdims }: AxesParams): NDArray {
  return broadcastTo(keepdims ? r : reshape(r, keptShape(x.shape, axes)), x.shape);
}

function params(fn: string, a: NDArray, options: ReduceAxisOptions): AxesParams {
  return { axes: normalizeAxes(fn, options.axis, a.ndim), keepdims: options.keepdims ?? false };
}

const meanPrim = definePrimitive<AxesParams>({
  name: 'mean',
  impl: ([x], p) => {
    const acc = reduceAcc(x, p.axes, 'sum');
    const n = reducedCount(x.shape, p.axes);
    for (let k = 0; k < acc.length; k++) acc[k] /= n;
    return fromAcc(acc, x.dtype, outShape(x.shape, p));
  },
  // d(mean x) = sum(dx) / n
  vjp: (ct, { inputs: [x], params: p }) => [div(expand(ct, x, p), reducedCount(x.shape, p.axes))],
});

/**
 * Arithmetic mean over `axis`: `sum(x) / n`, accumulated in float64. Integer and bool inputs give
 * float32; the mean of nothing is NaN (as in PyTorch and NumPy).
 * PyTorch `x.mean(dim, keepdim)`, NumPy `np.mean(x, axis, keepdims)`.
 * @example mean(array([[1, 2], [3, 4]]), { axis: 1 }) // [1.5, 3.5]
 */
export function mean(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  const a = asArray(x, floatDType(x));
  return bind(meanPrim, [a], params('mean', a, options));
}

const prodPrim = definePrimitive<AxesParams>({
  name: 'prod',
  impl: ([x], p) =>
    fromAcc(reduceAcc(x, p.axes, 'prod'), x.dtype === 'bool' ? 'int32' : x.dtype, outShape(x.shape, p)),
  // d(∏ x) = Σ_i (∏_{j≠i} x_j) dx_i. Without zeros that is (∏ x) / x_i, as an identity that holds near x,
  // so its derivatives are right too; with zeros, exclusive products (as PyTorch's prod_backward).
  vjp: (ct, { inputs: [x], output, params: p }) => {
    if (!isFloat(x.dtype)) return [null];
    const hasZero = reduceAcc(concreteOf(x), [...x.shape.keys()], 'all')[0] === 0;
    return [mul(expand(ct, x, p), hasZero ? exclusiveOver(x, p.axes) : div(expand(output, x, p), x))];
  },
});

/**
 * `∏_{j≠i} x_j` over the block of `axes` containing i. Peels one axis at a time: the product over the
 * block without i is (product of the other slices along the first axis) × (the rest of i's own slice).
 */
function exclusiveOver(x: NDArray, axes: readonly number[]): NDArray {
  if (axes.length === 0) return broadcastTo(asArray(1, x.dtype), x.shape);
  const [first, ...rest] = axes;
  const slices = rest.length > 0 ? prod(x, { axis: rest, keepdims: true }) : x;
  const outer = broadcastTo(exclusiveProd(slices, first), x.shape);
  return rest.length > 0 ? mul(outer, exclusiveOver(x, rest)) : outer;
}

/**
 * Product over `axis` (1 for nothing), accumulated in float64; bool gives int32. The gradient is exact
 * also where inputs are zero (it uses products of the other elements, not a division).
 * PyTorch `x.prod(dim, keepdim)`, NumPy `np.prod(x, axis, keepdims)`.
 * @example prod(array([[1, 2], [3, 4]]), { axis: 0 }) // [3, 8]
 */
export function prod(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  const a = asArray(x);
  return bind(prodPrim, [a], params('prod', a, options));
}

const extremePrim = definePrimitive<AxesParams & { kind: 'max' | 'min' }>({
  name: 'max',
  impl: ([x], p) => fromAcc(reduceAcc(x, p.axes, p.kind), x.dtype, outShape(x.shape, p)),
  // d(max x) = mean of dx over the maximal elements: ties share the cotangent equally (JAX, torch.amax).
  vjp: (ct, { inputs: [x], output, params: p }) => {
    const mask = astype(equal(x, expand(output, x, p)), x.dtype);
    return [mul(expand(ct, x, p), div(mask, sum(mask, { axis: p.axes, keepdims: true })))];
  },
});

function extreme(kind: 'max' | 'min', x: ArrayOrScalar, options: ReduceAxisOptions): NDArray {
  const a = asArray(x);
  const p = params(kind, a, options);
  if (reducedCount(a.shape, p.axes) === 0) {
    throw new ShapeError(
      `${kind}: reduced axes must not be empty (there is no identity), got shape ${fmtShape(a.shape)} and axis ${JSON.stringify(options.axis ?? null)}`,
    );
  }
  return bind(extremePrim, [a], { ...p, kind });
}

/**
 * Largest element over `axis`; NaN propagates. Tied maxima share the gradient equally (JAX `jnp.max`,
 * PyTorch `torch.amax`; `torch.max(dim)` instead sends it all to one index). Reducing an empty axis
 * throws `ShapeError`. PyTorch `torch.amax(x, dim, keepdim)`, NumPy `np.max(x, axis, keepdims)`.
 * @example max(array([[1, 5], [7, 2]]), { axis: 1 }) // [5, 7]
 */
export function max(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  return extreme('max', x, options);
}

/**
 * Smallest element over `axis`; NaN propagates; tied minima share the gradient equally. Reducing an empty
 * axis throws `ShapeError`. PyTorch `torch.amin(x, dim, keepdim)`, NumPy `np.min(x, axis, keepdims)`.
 * @example min(array([[1, 5], [7, 2]]), { axis: 1 }) // [1, 2]
 */
export function min(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  return extreme('min', x, options);
}

interface VarParams extends AxesParams {
  correction: number;
  /** 'std' takes the square root. */
  root: boolean;
}

/** max(0, n - correction), as PyTorch (a non-positive count divides by 0: inf or NaN, never an error). */
function divisor(x: NDArray, p: VarParams): number {
  return Math.max(0, reducedCount(x.shape, p.axes) - p.correction);
}

const variancePrim = definePrimitive<VarParams>({
  name: 'variance',
  impl: ([x], p) => {
    const acc = varianceAcc(x, p.axes, p.correction);
    if (p.root) for (let k = 0; k < acc.length; k++) acc[k] = Math.sqrt(acc[k]);
    return fromAcc(acc, x.dtype, outShape(x.shape, p));
  },
  // d var = 2 (x - mean) dx / (n - c);  d std = d var / (2 std) = (x - mean) dx / ((n - c) std)
  vjp: (ct, { inputs: [x], output, params: p }) => {
    const dev = sub(x, mean(x, { axis: p.axes, keepdims: true }));
    const scale = p.root ? mul(expand(output, x, p), divisor(x, p)) : asArray(divisor(x, p) / 2, x.dtype);
    return [div(mul(expand(ct, x, p), dev), scale)];
  },
});

function spread(fn: string, x: ArrayOrScalar, options: VarianceOptions, root: boolean): NDArray {
  const a = asArray(x, floatDType(x));
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    throw new ArgumentError(`${fn}: correction must be a non-negative number, got ${String(correction)}`);
  }
  return bind(variancePrim, [a], { ...params(fn, a, options), correction, root });
}

/**
 * Variance over `axis`: `sum((x - mean)^2) / (n - correction)`, by a two-pass algorithm in float64.
 * `correction` defaults to 1 (Bessel's correction, PyTorch's default; NumPy's default is 0); when
 * `n <= correction` the divisor is 0 and the result inf or NaN, as in PyTorch. Also exported as `var`.
 * PyTorch `torch.var(x, dim, correction=, keepdim=)`, NumPy `np.var(x, axis, ddof=)`.
 * @example variance(array([1, 2, 3, 4]), { correction: 0 }) // 1.25
 */
export function variance(x: ArrayOrScalar, options: VarianceOptions = {}): NDArray {
  return spread('var', x, options, false);
}

export { variance as var };

/**
 * Standard deviation over `axis`: `sqrt(variance(x, options))`, same `correction` (default 1).
 * PyTorch `torch.std(x, dim, correction=, keepdim=)`, NumPy `np.std(x, axis, ddof=)`.
 * @example std(array([1, 2, 3, 4]), { correction: 0 }) // 1.118…
 */
export function std(x: ArrayOrScalar, options: VarianceOptions = {}): NDArray {
  return spread('std', x, options, true);
}

const logsumexpPrim = definePrimitive<AxesParams>({
  name: 'logsumexp',
  impl: ([x], p) => fromAcc(logsumexpAcc(x, p.axes), x.dtype, outShape(x.shape, p)),
  // d lse = Σ softmax(x) dx, with softmax(x) = exp(x - lse)
  vjp: (ct, { inputs: [x], output, params: p }) => [mul(expand(ct, x, p), exp(sub(x, expand(output, x, p))))],
});

/**
 * `log(sum(exp(x)))` over `axis`, computed as `m + log(sum(exp(x - m)))` with `m` the maximum, so it
 * neither overflows nor underflows; `-inf` for an empty reduction. Its gradient is the softmax.
 * PyTorch `torch.logsumexp(x, dim, keepdim)`, JAX `jax.nn.logsumexp`.
 * @example logsumexp(array([1000, 1000])) // 1000.693…
 */
export function logsumexp(x: ArrayOrScalar, options: ReduceAxisOptions = {}): NDArray {
  const a = asArray(x, floatDType(x));
  return bind(logsumexpPrim, [a], params('logsumexp', a, options));
}
