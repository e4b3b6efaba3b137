/**
 * Adaptive pooling: the output size is given, and the windows follow from it (PyTorch's rule): along a
 * dimension of length `in`, output `i` of `out` covers `[floor(i·in/out), ceil((i+1)·in/out))`. Windows may
 * overlap and, when `out > in`, repeat elements; none is empty and no padding is involved. The windows feed
 * the same primitives as sliding-window pooling (pool-prims.ts).
 */
import { ArgumentError, NDArray } from '@lucid-ts/ndarray';
import type { PoolWithIndices } from './pool.js';
import {
  adaptiveWindows,
  flag,
  poolInput,
  poolSelect,
  selectParams,
  windowArgmax,
  windowMean,
} from './pool-prims.js';
import { reshape } from './reshape.js';

/** Output size: an int for every spatial dimension, or one entry per dimension (`null` keeps that size). */
export type OutputSize = number | readonly (number | null)[];

export interface AdaptivePoolOptions {
  outputSize: OutputSize;
}

export interface AdaptiveMaxPoolOptions extends AdaptivePoolOptions {
  /** Also return the argmax indices (int32, in-plane row-major, as PyTorch). Default false. */
  returnIndices?: boolean;
}

function outputSizes(fn: string, o: AdaptivePoolOptions | undefined, spatial: readonly number[]): number[] {
  if (o === null || typeof o !== 'object') {
    throw new ArgumentError(`${fn}: options must be an object with outputSize, got ${JSON.stringify(o)}`);
  }
  const v = o.outputSize;
  const d = spatial.length;
  const list = typeof v === 'number' ? new Array<number>(d).fill(v) : Array.isArray(v) ? v.slice() : null;
  if (list === null || list.length !== d) {
    throw new ArgumentError(
      `${fn}: outputSize must be an integer or ${d} entr${d > 1 ? 'ies' : 'y'} (integers or null), got ${JSON.stringify(v)}`,
    );
  }
  return list.map((n, i) => {
    if (n === null) return spatial[i];
    if (!Number.isInteger(n) || n < 0) {
      throw new ArgumentError(`${fn}: outputSize must hold integers >= 0 or null, got ${JSON.stringify(v)}`);
    }
    return n;
  });
}

function adaptiveNd(fn: string, d: number, x: NDArray, o: AdaptiveMaxPoolOptions, max: boolean) {
  const { x: xb, unbatched } = poolInput(fn, x, d);
  const spatial = xb.shape.slice(2);
  const out = outputSizes(fn, o, spatial);
  const withIndices = max ? flag(fn, 'returnIndices', o.returnIndices, false) : false;
  const dims = spatial.map((n, i) => adaptiveWindows(n, out[i]));
  const unbatch = (y: NDArray) => (unbatched ? reshape(y, y.shape.slice(1)) : y);
  if (!max) return unbatch(windowMean(xb, { dims, divisorOverride: null }));
  const params = selectParams(dims);
  const values = unbatch(poolSelect(xb, xb, params));
  if (!withIndices) return values;
  return [values, new NDArray(windowArgmax(xb, params), values.shape)] as PoolWithIndices;
}

/**
 * 1-D adaptive average pooling to `outputSize`: `y[n, c, i] = mean(x[n, c, floor(i·L/out) .. ceil((i+1)·L/out) - 1])`.
 * PyTorch `F.adaptive_avg_pool1d`; Keras-style global average pooling is `outputSize: 1`.
 * @example adaptiveAvgPool1d(array([[[1, 2, 3, 4, 5]]], { dtype: 'float32' }), { outputSize: 2 }) // [[[2, 4]]]
 */
export function adaptiveAvgPool1d(x: NDArray, options: AdaptivePoolOptions): NDArray {
  return adaptiveNd('adaptiveAvgPool1d', 1, x, options, false) as NDArray;
}

/**
 * 2-D adaptive average pooling: windows as {@link adaptiveAvgPool1d} along H and W.
 * PyTorch `F.adaptive_avg_pool2d` (`null` entries keep the input size, as PyTorch's `None`).
 * @example adaptiveAvgPool2d(x, { outputSize: [1, 1] }) // global average pooling: [N, C, 1, 1]
 */
export function adaptiveAvgPool2d(x: NDArray, options: AdaptivePoolOptions): NDArray {
  return adaptiveNd('adaptiveAvgPool2d', 2, x, options, false) as NDArray;
}

/**
 * 3-D adaptive average pooling: windows as {@link adaptiveAvgPool1d} along D, H and W.
 * PyTorch `F.adaptive_avg_pool3d`.
 * @example adaptiveAvgPool3d(x, { outputSize: [2, null, 3] }) // x [N, C, 8, 5, 9] -> [N, C, 2, 5, 3]
 */
export function adaptiveAvgPool3d(x: NDArray, options: AdaptivePoolOptions): NDArray {
  return adaptiveNd('adaptiveAvgPool3d', 3, x, options, false) as NDArray;
}

/**
 * 1-D adaptive max pooling: the maximum over the windows of {@link adaptiveAvgPool1d}; the gradient goes to
 * the first maximal element of each window. PyTorch `F.adaptive_max_pool1d` (with `return_indices`).
 * @example adaptiveMaxPool1d(array([[[1, 5, 3, 4, 2]]], { dtype: 'float32' }), { outputSize: 2 }) // [[[5, 4]]]
 */
export function adaptiveMaxPool1d(
  x: NDArray,
  options: AdaptiveMaxPoolOptions & { returnIndices: true },
): PoolWithIndices;
export function adaptiveMaxPool1d(
  x: NDArray,
  options: AdaptiveMaxPoolOptions & { returnIndices?: false },
): NDArray;
export function adaptiveMaxPool1d(x: NDArray, options: AdaptiveMaxPoolOptions): NDArray | PoolWithIndices;
export function adaptiveMaxPool1d(x: NDArray, options: AdaptiveMaxPoolOptions): NDArray | PoolWithIndices {
  return adaptiveNd('adaptiveMaxPool1d', 1, x, options, true);
}

/**
 * 2-D adaptive max pooling (windows as {@link adaptiveAvgPool2d}); indices are `h·W + w`.
 * PyTorch `F.adaptive_max_pool2d`.
 * @example adaptiveMaxPool2d(x, { outputSize: 1 }) // global max pooling: [N, C, 1, 1]
 */
export function adaptiveMaxPool2d(
  x: NDArray,
  options: AdaptiveMaxPoolOptions & { returnIndices: true },
): PoolWithIndices;
export function adaptiveMaxPool2d(
  x: NDArray,
  options: AdaptiveMaxPoolOptions & { returnIndices?: false },
): NDArray;
export function adaptiveMaxPool2d(x: NDArray, options: AdaptiveMaxPoolOptions): NDArray | PoolWithIndices;
export function adaptiveMaxPool2d(x: NDArray, options: AdaptiveMaxPoolOptions): NDArray | PoolWithIndices {
  return adaptiveNd('adaptiveMaxPool2d', 2, x, options, true);
}

/**
 * 3-D adaptive max pooling (windows as {@link adaptiveAvgPool3d}); indices are `(d·H + h)·W + w`.
 * PyTorch `F.adaptive_max_pool3d`.
 * @example adaptiveMaxPool3d(x, { outputSize: [2, 2, 2] })
 */
export function adaptiveMaxPool3d(
  x: NDArray,
  options: AdaptiveMaxPoolOptions & { returnIndices: true },
): PoolWithIndices;
export function adaptiveMaxPool3d(
  x: NDArray,
  options: AdaptiveMaxPoolOptions & { returnIndices?: false },
): NDArray;
export function adaptiveMaxPool3d(x: NDArray, options: AdaptiveMaxPoolOptions): NDArray | PoolWithIndices;
export function adaptiveMaxPool3d(x: NDArray, options: AdaptiveMaxPoolOptions): NDArray | PoolWithIndices {
  return adaptiveNd('adaptiveMaxPool3d', 3, x, options, true);
}
