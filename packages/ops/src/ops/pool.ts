/**
 * Max and average pooling over 1, 2 or 3 spatial dimensions, with PyTorch's semantics: `stride` defaults to
 * `kernelSize`; padding is at most half the (undilated) kernel; max pooling pads with -inf and average
 * pooling with zeros; ceil mode adds a last partial window only if it starts inside the input or the left
 * padding. Inputs are `[N, C, *S]` or unbatched `[C, *S]`, float32 or float64.
 *
 * Arguments are checked here, before anything is computed; the primitives live in pool-prims.ts.
 */
import { ArgumentError, fmtShape, NDArray, ShapeError } from '@lucid-ts/ndarray';
import {
  flag,
  pooledSize,
  poolInput,
  poolSelect,
  selectParams,
  slidingWindows,
  type WindowDim,
  windowArgmax,
  windowMean,
} from './pool-prims.js';
import { reshape } from './reshape.js';
import { spatialArg } from './spatial.js';

/** An int for every spatial dimension, or one int per dimension. */
export type PoolSpatialArg = number | readonly number[];

/** Options of `maxPool1d/2d/3d` (PyTorch's `MaxPoolNd` arguments in camelCase). */
export interface MaxPoolOptions {
  kernelSize: PoolSpatialArg;
  /** Default (also for `null`): `kernelSize`. */
  stride?: PoolSpatialArg | null;
  /** Implicit -inf padding on both sides, at most half the kernel size. Default 0. */
  padding?: PoolSpatialArg;
  /** Spacing between window elements. Default 1. */
  dilation?: PoolSpatialArg;
  /** Add a last partial window (if it starts inside the input or the left padding). Default false. */
  ceilMode?: boolean;
  /** Also return the argmax indices. Default false. */
  returnIndices?: boolean;
}

/** Options of `avgPool1d/2d/3d` (PyTorch's `AvgPoolNd` arguments in camelCase). */
export interface AvgPoolOptions {
  kernelSize: PoolSpatialArg;
  /** Default (also for `null`): `kernelSize`. */
  stride?: PoolSpatialArg | null;
  /** Implicit zero padding on both sides, at most half the kernel size. Default 0. */
  padding?: PoolSpatialArg;
  /** Add a last partial window (if it starts inside the input or the left padding). Default false. */
  ceilMode?: boolean;
  /** Count padded positions in the divisor. Default true. */
  countIncludePad?: boolean;
  /** A positive integer that replaces every window's divisor, or null. Default null. */
  divisorOverride?: number | null;
}

/** Result of max pooling with `returnIndices: true`: values and int32 in-plane argmax indices. */
export type PoolWithIndices = [NDArray, NDArray];

function options<T extends object>(fn: string, o: T | undefined): T {
  if (o === null || typeof o !== 'object') {
    throw new ArgumentError(`${fn}: options must be an object with kernelSize, got ${JSON.stringify(o)}`);
  }
  return o;
}

/** Checks the sliding-window arguments against `x` ([N, C, *S]) and builds the windows of each dimension. */
function windows(
  fn: string,
  x: NDArray,
  o: MaxPoolOptions | AvgPoolOptions,
  d: number,
  countIncludePad: boolean,
): WindowDim[] {
  const k = spatialArg(fn, 'kernelSize', o.kernelSize, d, 1);
  const s = o.stride === undefined || o.stride === null ? k : spatialArg(fn, 'stride', o.stride, d, 1);
  const p = spatialArg(fn, 'padding', o.padding ?? 0, d, 0);
  const dil = spatialArg(fn, 'dilation', ('dilation' in o ? o.dilation : undefined) ?? 1, d, 1);
  const ceil = flag(fn, 'ceilMode', o.ceilMode, false);
  if (p.some((v, i) => 2 * v > k[i])) {
    throw new ArgumentError(
      `${fn}: padding must be at most half the kernel size, got padding ${fmtShape(p)} for kernel ${fmtShape(k)}`,
    );
  }
  const spatial = x.shape.slice(2);
  const args = `kernelSize ${fmtShape(k)}, stride ${fmtShape(s)}, padding ${fmtShape(p)}, dilation ${fmtShape(dil)}`;
  const out = spatial.map((n, i) => pooledSize(n, k[i], s[i], p[i], dil[i], ceil));
  if (out.some((v) => v < 1)) {
    throw new ShapeError(
      `${fn}: output size must be at least 1 in every dimension, got ${fmtShape(out)} for input shape ${fmtShape(x.shape)} with ${args}`,
    );
  }
  const dims = spatial.map((n, i) => slidingWindows(n, k[i], s[i], p[i], dil[i], ceil, countIncludePad));
  // Only dilation can leave a window with nothing but padding (PyTorch would return -inf there).
  dims.forEach((w, i) => {
    const empty = w.count.indexOf(0);
    if (empty >= 0) {
      throw new ShapeError(
        `${fn}: every window must contain an input element, got window ${empty} of spatial dimension ${i} in the padding only, for input shape ${fmtShape(x.shape)} with ${args}`,
      );
    }
  });
  return dims;
}

function maxPoolNd(fn: string, d: number, x: NDArray, opts: MaxPoolOptions): NDArray | PoolWithIndices {
  const o = options(fn, opts);
  const { x: xb, unbatched } = poolInput(fn, x, d);
  const dims = windows(fn, xb, o, d, true);
  const withIndices = flag(fn, 'returnIndices', o.returnIndices, false);
  const params = selectParams(dims);
  const y = poolSelect(xb, xb, params);
  const values = unbatched ? reshape(y, y.shape.slice(1)) : y;
  if (!withIndices) return values;
  return [values, new NDArray(windowArgmax(xb, params), values.shape)];
}

function avgPoolNd(fn: string, d: number, x: NDArray, opts: AvgPoolOptions): NDArray {
  const o = options(fn, opts);
  const { x: xb, unbatched } = poolInput(fn, x, d);
  const dilation = (o as { dilation?: unknown }).dilation;
  if (
    dilation !== undefined &&
    dilation !== 1 &&
    !(Array.isArray(dilation) && dilation.every((v) => v === 1))
  ) {
    throw new ArgumentError(
      `${fn}: dilation must be 1 (average pooling has none), got ${JSON.stringify(dilation)}`,
    );
  }
  const dims = windows(fn, xb, o, d, flag(fn, 'countIncludePad', o.countIncludePad, true));
  const div = o.divisorOverride ?? null;
  if (div !== null && !(Number.isInteger(div) && div > 0)) {
    throw new ArgumentError(
      `${fn}: divisorOverride must be a positive integer or null, got ${JSON.stringify(div)}`,
    );
  }
  const y = windowMean(xb, { dims, divisorOverride: div });
  return unbatched ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 1-D max pooling: `y[n, c, o] = max_j x[n, c, o·s - p + j·d]` over `j < k`, padding never winning.
 * The gradient of each output goes to the first maximal element of its window (row-major kernel order,
 * i.e. the smallest index); overlapping windows add up. Second derivatives work.
 * PyTorch `F.max_pool1d` (with `return_indices`); JAX `lax.reduce_window(x, -inf, lax.max, ...)`.
 * @example maxPool1d(array([[[1, 3, 2, 5]]], { dtype: 'float32' }), { kernelSize: 2 }) // [[[3, 5]]]
 */
export function maxPool1d(x: NDArray, options: MaxPoolOptions & { returnIndices: true }): PoolWithIndices;
export function maxPool1d(x: NDArray, options: MaxPoolOptions & { returnIndices?: false }): NDArray;
export function maxPool1d(x: NDArray, options: MaxPoolOptions): NDArray | PoolWithIndices;
export function maxPool1d(x: NDArray, options: MaxPoolOptions): NDArray | PoolWithIndices {
  return maxPoolNd('maxPool1d', 1, x, options);
}

/**
 * 2-D max pooling: `y[n, c, i, j] = max x[n, c, i·s0 - p0 + a·d0, j·s1 - p1 + b·d1]` over the `k0 × k1`
 * window, padding never winning; indices are `h·W + w` within each (n, c) plane. Gradient as
 * {@link maxPool1d}. PyTorch `F.max_pool2d`; JAX `lax.reduce_window`.
 * @example maxPool2d(x, { kernelSize: 2, stride: 2 }) // x [8, 64, 64, 64] -> [8, 64, 32, 32]
 */
export function maxPool2d(x: NDArray, options: MaxPoolOptions & { returnIndices: true }): PoolWithIndices;
export function maxPool2d(x: NDArray, options: MaxPoolOptions & { returnIndices?: false }): NDArray;
export function maxPool2d(x: NDArray, options: MaxPoolOptions): NDArray | PoolWithIndices;
export function maxPool2d(x: NDArray, options: MaxPoolOptions): NDArray | PoolWithIndices {
  return maxPoolNd('maxPool2d', 2, x, options);
}

/**
 * 3-D max pooling over `[N, C, D, H, W]`, as {@link maxPool2d} with a depth axis; indices are
 * `(d·H + h)·W + w`. PyTorch `F.max_pool3d`; JAX `lax.reduce_window`.
 * @example maxPool3d(x, { kernelSize: 2 }) // x [4, 16, 16, 32, 32] -> [4, 16, 8, 16, 16]
 */
export function maxPool3d(x: NDArray, options: MaxPoolOptions & { returnIndices: true }): PoolWithIndices;
export function maxPool3d(x: NDArray, options: MaxPoolOptions & { returnIndices?: false }): NDArray;
export function maxPool3d(x: NDArray, options: MaxPoolOptions): NDArray | PoolWithIndices;
export function maxPool3d(x: NDArray, options: MaxPoolOptions): NDArray | PoolWithIndices {
  return maxPoolNd('maxPool3d', 3, x, options);
}

/**
 * 1-D average pooling: `y[n, c, o] = Σ_j x[n, c, o·s - p + j] / divisor` (padding adds 0). The divisor is
 * `divisorOverride` if given, else the number of window positions inside the padded input
 * (`countIncludePad`, default) or inside the input. PyTorch `F.avg_pool1d` (which has no
 * `divisor_override`; here it is accepted as in 2-D and 3-D); JAX `lax.reduce_window` + division.
 * @example avgPool1d(array([[[1, 2, 3, 4]]], { dtype: 'float32' }), { kernelSize: 2 }) // [[[1.5, 3.5]]]
 */
export function avgPool1d(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolNd('avgPool1d', 1, x, options);
}

/**
 * 2-D average pooling, as {@link avgPool1d} over `k0 × k1` windows. PyTorch `F.avg_pool2d`.
 * @example avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false })
 */
export function avgPool2d(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolNd('avgPool2d', 2, x, options);
}

/**
 * 3-D average pooling, as {@link avgPool1d} over `k0 × k1 × k2` windows. PyTorch `F.avg_pool3d`.
 * @example avgPool3d(x, { kernelSize: 3, stride: 2, padding: 1 }) // x [4, 16, 16, 32, 32] -> [4, 16, 8, 16, 16]
 */
export function avgPool3d(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolNd('avgPool3d', 3, x, options);
}
