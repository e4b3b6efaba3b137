/**
 * Normalisation layers (functional, training-mode statistics): `layerNorm batchNorm groupNorm`.
 * Each is `(x - mean) / sqrt(var + eps)` over some axes (biased variance, two-pass in float64), then an
 * optional per-element or per-channel affine map. They are compositions of differentiable ops, so their
 * Hessians come for free; the checks up front turn shape mistakes into errors that show the shapes.
 */
import { ArgumentError, fmtShape, type NDArray, ShapeError, shapesEqual } from '@lucid-ts/ndarray';
import { add, floatDType, mul, sub } from './arith.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { mean, variance } from './reduce.js';
import { reshape } from './reshape.js';
import { rsqrt } from './unary.js';

/** An optional affine parameter: an array, or null/undefined for none. */
export type OptionalArray = NDArray | null | undefined;

export interface LayerNormOptions {
  /** The trailing dimensions of `x` that are normalised together (an int means one dimension). */
  normalizedShape: number | readonly number[];
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

export interface BatchNormOptions {
  eps?: number;
}

export interface GroupNormOptions {
  /** Channels are split into this many contiguous groups; it must divide the channel count. */
  numGroups: number;
  eps?: number;
}

function checkEps(fn: string, eps: number | undefined): number {
  const e = eps ?? 1e-5;
  if (typeof e !== 'number' || !(e >= 0) || !Number.isFinite(e)) {
    throw new ArgumentError(`${fn}: eps must be a non-negative number, got ${String(e)}`);
  }
  return e;
}

function checkParam(
  fn: string,
  name: string,
  p: OptionalArray,
  shape: readonly number[],
  what: string,
): void {
  if (p === null || p === undefined) return;
  if (!shapesEqual(p.shape, shape)) {
    throw new ShapeError(
      `${fn}: ${name} must have shape ${fmtShape(shape)} (${what}), got ${fmtShape(p.shape)}`,
    );
  }
}

/** `(x - mean) / sqrt(var + eps)` over `axes` (biased variance). */
function standardize(x: NDArray, axes: readonly number[], eps: number): NDArray {
  const mu = mean(x, { axis: axes, keepdims: true });
  const v = variance(x, { axis: axes, keepdims: true, correction: 0 });
  return mul(sub(x, mu), rsqrt(add(v, eps)));
}

/** `y * weight + bias`, each skipped when absent; `shape` is the parameters' broadcastable shape. */
function affine(y: NDArray, weight: OptionalArray, bias: OptionalArray, shape: readonly number[]): NDArray {
  if (weight) y = mul(y, reshape(weight, shape));
  if (bias) y = add(y, reshape(bias, shape));
  return y;
}

/** x as a float array of rank ≥ 2 ([N, C, ...]). */
function channelsInput(fn: string, x: ArrayOrScalar): NDArray {
  const a = asArray(x, floatDType(x));
  if (a.ndim < 2)
    throw new ShapeError(`${fn}: x must have shape [N, C, ...] (rank >= 2), got ${fmtShape(a.shape)}`);
  return a;
}

/**
 * Layer normalisation: statistics over the trailing `normalizedShape` dimensions of `x`, for each leading
 * index: `(x - mean) / sqrt(var + eps) * weight + bias`, `weight`/`bias` of shape `normalizedShape` (or
 * null). PyTorch `F.layer_norm(x, normalized_shape, weight, bias, eps)`.
 * @example layerNorm(array([[1, 2, 3]]), null, null, { normalizedShape: [3] }) // [[-1.2247, 0, 1.2247]]
 */
export function layerNorm(
  x: ArrayOrScalar,
  weight: OptionalArray,
  bias: OptionalArray,
  options: LayerNormOptions,
): NDArray {
  const eps = checkEps('layerNorm', options.eps);
  const ns =
    typeof options.normalizedShape === 'number'
      ? [options.normalizedShape]
      : [...(options.normalizedShape ?? [])];
  const a = asArray(x, floatDType(x));
  const k = ns.length;
  if (k === 0 || k > a.ndim || !shapesEqual(a.shape.slice(a.ndim - k), ns)) {
    throw new ShapeError(
      `layerNorm: normalizedShape must be non-empty and match the trailing dimensions of x, got normalizedShape ${fmtShape(ns)} and x shape ${fmtShape(a.shape)}`,
    );
  }
  checkParam('layerNorm', 'weight', weight, ns, 'normalizedShape');
  checkParam('layerNorm', 'bias', bias, ns, 'normalizedShape');
  const axes = ns.map((_, i) => a.ndim - k + i);
  return affine(standardize(a, axes, eps), weight, bias, ns);
}

/**
 * Batch normalisation in training mode: for each channel (axis 1), mean and biased variance over all
 * other axes (N and the spatial ones); `weight`/`bias` per channel (or null). No running statistics:
 * keep those outside (nn layers do). x is [N, C, ...] with more than one value per channel.
 * PyTorch `F.batch_norm(x, None, None, weight, bias, training=True, eps=eps)`.
 * @example batchNorm(array([[1, 10], [3, 30]]), null, null) // [[-1, -1], [1, 1]] (nearly: eps)
 */
export function batchNorm(
  x: ArrayOrScalar,
  weight: OptionalArray,
  bias: OptionalArray,
  options: BatchNormOptions = {},
): NDArray {
  const eps = checkEps('batchNorm', options.eps);
  const a = channelsInput('batchNorm', x);
  const c = a.shape[1];
  if (a.size / c <= 1 || c === 0) {
    throw new ShapeError(
      `batchNorm: training needs more than 1 value per channel, got x shape ${fmtShape(a.shape)}`,
    );
  }
  checkParam('batchNorm', 'weight', weight, [c], 'one per channel');
  checkParam('batchNorm', 'bias', bias, [c], 'one per channel');
  const axes = a.shape.map((_, i) => i).filter((i) => i !== 1);
  return affine(standardize(a, axes, eps), weight, bias, [c, ...axes.slice(1).map(() => 1)]);
}

/**
 * Group normalisation: the C channels are split into `numGroups` contiguous groups; mean and biased
 * variance per (sample, group) over the group's channels and all spatial positions; `weight`/`bias` per
 * channel (or null). PyTorch `F.group_norm(x, num_groups, weight, bias, eps)`.
 * @example groupNorm(array([[1, 3, 10, 30]]), null, null, { numGroups: 2 }) // [[-1, 1, -1, 1]] (nearly: eps)
 */
export function groupNorm(
  x: ArrayOrScalar,
  weight: OptionalArray,
  bias: OptionalArray,
  options: GroupNormOptions,
): NDArray {
  const eps = checkEps('groupNorm', options.eps);
  const a = channelsInput('groupNorm', x);
  const g = options.numGroups;
  const c = a.shape[1];
  if (!Number.isInteger(g) || g < 1) {
    throw new ArgumentError(`groupNorm: numGroups must be a positive integer, got ${String(g)}`);
  }
  if (c % g !== 0) {
    throw new ShapeError(
      `groupNorm: channels must be divisible by numGroups, got x shape ${fmtShape(a.shape)} and numGroups=${g}`,
    );
  }
  checkParam('groupNorm', 'weight', weight, [c], 'one per channel');
  checkParam('groupNorm', 'bias', bias, [c], 'one per channel');
  const n = a.shape[0];
  const grouped = reshape(a, [n, g, n === 0 ? 0 : a.size / (n * g)]);
  const y = reshape(standardize(grouped, [2], eps), a.shape);
  return affine(y, weight, bias, [c, ...a.shape.slice(2).map(() => 1)]);
}
