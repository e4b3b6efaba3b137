/**
 * Pooling layers: `maxPool1d/2d/3d`, `avgPool1d/2d/3d`, `adaptiveAvgPool1d/2d/3d`, `adaptiveMaxPool1d/2d/3d`,
 * PyTorch's `nn.MaxPoolNd`, `nn.AvgPoolNd`, `nn.AdaptiveAvgPoolNd`, `nn.AdaptiveMaxPoolNd`. They have no
 * params (`init` returns `{}`); the config is the op's options, checked when the layer is made.
 */
import { ArgumentError, type NDArray } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { type Layer, statelessLayer } from '../layer.js';
import {
  checkChannelsFirst,
  checkConfig,
  layerName,
  type SpatialArg,
  spatialList,
  within,
} from './common.js';

/** Params of a layer without any: `{}`. */
export type NoParams = Record<string, never>;

/** Config of `maxPool1d/2d/3d` (PyTorch's `nn.MaxPoolNd` arguments in camelCase, without `returnIndices`). */
export interface MaxPoolConfig {
  kernelSize: SpatialArg;
  /** Default (also `null`): `kernelSize`. */
  stride?: SpatialArg | null;
  /** -inf padding on both sides, at most half the kernel (default 0). */
  padding?: SpatialArg;
  /** Default 1. */
  dilation?: SpatialArg;
  /** Keep a last partial window (default false). */
  ceilMode?: boolean;
}

/** Config of `avgPool1d/2d/3d` (PyTorch's `nn.AvgPoolNd` arguments in camelCase). */
export interface AvgPoolConfig {
  kernelSize: SpatialArg;
  /** Default (also `null`): `kernelSize`. */
  stride?: SpatialArg | null;
  /** Zero padding on both sides, at most half the kernel (default 0). */
  padding?: SpatialArg;
  /** Keep a last partial window (default false). */
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead (default null). */
  divisorOverride?: number | null;
}

/** Config of the adaptive pools: the output's spatial size (`null` entries keep the input's). */
export interface AdaptivePoolConfig {
  outputSize: ops.OutputSize;
}

type Pool<O> = (x: NDArray, options: O) => NDArray;

function checkPoolConfig(fn: string, d: number, c: MaxPoolConfig | AvgPoolConfig): void {
  checkConfig(fn, c, 'kernelSize');
  const k = spatialList(fn, 'kernelSize', c.kernelSize, d, 1);
  if (c.stride !== undefined && c.stride !== null) spatialList(fn, 'stride', c.stride, d, 1);
  const p = spatialList(fn, 'padding', c.padding ?? 0, d, 0);
  if (p.some((v, i) => 2 * v > k[i])) {
    throw new ArgumentError(
      `${fn}: padding must be at most half the kernel size, got padding ${JSON.stringify(c.padding)} for kernelSize ${JSON.stringify(c.kernelSize)}`,
    );
  }
  if ('dilation' in c && c.dilation !== undefined) spatialList(fn, 'dilation', c.dilation, d, 1);
}

function poolLayer<O>(name: string, d: number, op: Pool<O>, options: O): Layer<NoParams, null> {
  return statelessLayer<NoParams>(
    name,
    () => ({}),
    (_params, x) => {
      const input = checkChannelsFirst(name, x, d, null);
      return within(name, () => op(input, options));
    },
  );
}

function maxPoolNd(
  fn: string,
  d: number,
  op: Pool<ops.MaxPoolOptions & { returnIndices?: false }>,
  c: MaxPoolConfig,
): Layer<NoParams, null> {
  checkPoolConfig(fn, d, c);
  const name = layerName(fn, [
    ['k', c.kernelSize],
    ['stride', c.stride ?? c.kernelSize, c.kernelSize],
    ['padding', c.padding, 0],
    ['dilation', c.dilation, 1],
    ['ceilMode', c.ceilMode, false],
  ]);
  const { kernelSize, stride, padding, dilation, ceilMode } = c;
  return poolLayer(name, d, op, { kernelSize, stride, padding, dilation, ceilMode, returnIndices: false });
}

function avgPoolNd(
  fn: string,
  d: number,
  op: Pool<ops.AvgPoolOptions>,
  c: AvgPoolConfig,
): Layer<NoParams, null> {
  checkPoolConfig(fn, d, c);
  const name = layerName(fn, [
    ['k', c.kernelSize],
    ['stride', c.stride ?? c.kernelSize, c.kernelSize],
    ['padding', c.padding, 0],
    ['ceilMode', c.ceilMode, false],
    ['countIncludePad', c.countIncludePad, true],
    ['divisorOverride', c.divisorOverride ?? undefined],
  ]);
  const { kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride } = c;
  return poolLayer(name, d, op, { kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride });
}

function adaptiveNd(
  fn: string,
  d: number,
  op: Pool<ops.AdaptivePoolOptions>,
  c: AdaptivePoolConfig,
): Layer<NoParams, null> {
  const size = c?.outputSize;
  const list = typeof size === 'number' ? [size] : Array.isArray(size) ? size : null;
  if (
    list === null ||
    (typeof size !== 'number' && list.length !== d) ||
    list.some((n) => n !== null && !(Number.isInteger(n) && n >= 0))
  ) {
    throw new ArgumentError(
      `${fn}: outputSize must be an integer >= 0 or ${d} entries (integers >= 0 or null), got ${JSON.stringify(size)}`,
    );
  }
  return poolLayer(layerName(fn, [['outputSize', size]]), d, op, { outputSize: size });
}

/**
 * 1-D max pooling layer over `[N, C, L]` (or `[C, L]`): `y[n, c, i] = max_j x[n, c, i·stride − padding +
 * j·dilation]`, stride defaulting to kernelSize. PyTorch `nn.MaxPool1d`.
 * @example maxPool1d({ kernelSize: 2 }).apply({}, x) // x [8, 4, 100] -> [8, 4, 50]
 */
export function maxPool1d(config: MaxPoolConfig): Layer<NoParams, null> {
  return maxPoolNd('maxPool1d', 1, ops.maxPool1d, config);
}

/**
 * 2-D max pooling layer over `[N, C, H, W]` (or `[C, H, W]`), windows as {@link maxPool1d} per dimension.
 * PyTorch `nn.MaxPool2d`.
 * @example maxPool2d({ kernelSize: 2, stride: 2 }).apply({}, x) // x [1, 1, 4, 4] -> [1, 1, 2, 2]
 */
export function maxPool2d(config: MaxPoolConfig): Layer<NoParams, null> {
  return maxPoolNd('maxPool2d', 2, ops.maxPool2d, config);
}

/**
 * 3-D max pooling layer over `[N, C, D, H, W]` (or `[C, D, H, W]`). PyTorch `nn.MaxPool3d`.
 * @example maxPool3d({ kernelSize: 2 }).apply({}, x) // x [1, 16, 8, 8, 8] -> [1, 16, 4, 4, 4]
 */
export function maxPool3d(config: MaxPoolConfig): Layer<NoParams, null> {
  return maxPoolNd('maxPool3d', 3, ops.maxPool3d, config);
}

/**
 * 1-D average pooling layer over `[N, C, L]` (or `[C, L]`): `y[n, c, i] = Σ_j x[n, c, i·stride − padding + j]
 * / divisor`, the divisor being kernelSize (countIncludePad), the in-input count, or divisorOverride.
 * PyTorch `nn.AvgPool1d`.
 * @example avgPool1d({ kernelSize: 2 }).apply({}, array([[[1, 2, 3, 4]]])) // [[[1.5, 3.5]]]
 */
export function avgPool1d(config: AvgPoolConfig): Layer<NoParams, null> {
  return avgPoolNd('avgPool1d', 1, ops.avgPool1d, config);
}

/**
 * 2-D average pooling layer over `[N, C, H, W]` (or `[C, H, W]`). PyTorch `nn.AvgPool2d`.
 * @example avgPool2d({ kernelSize: 3, stride: 1, padding: 1 }).apply({}, x) // same H and W
 */
export function avgPool2d(config: AvgPoolConfig): Layer<NoParams, null> {
  return avgPoolNd('avgPool2d', 2, ops.avgPool2d, config);
}

/**
 * 3-D average pooling layer over `[N, C, D, H, W]` (or `[C, D, H, W]`). PyTorch `nn.AvgPool3d`.
 * @example avgPool3d({ kernelSize: 2, stride: 2 }).apply({}, x) // x [1, 2, 4, 4, 4] -> [1, 2, 2, 2, 2]
 */
export function avgPool3d(config: AvgPoolConfig): Layer<NoParams, null> {
  return avgPoolNd('avgPool3d', 3, ops.avgPool3d, config);
}

/**
 * 1-D adaptive average pooling layer: output `i` of `outputSize` averages `x[..., ⌊i·L/out⌋ .. ⌈(i+1)·L/out⌉)`.
 * PyTorch `nn.AdaptiveAvgPool1d`.
 * @example adaptiveAvgPool1d({ outputSize: 1 }).apply({}, x) // global average: [N, C, L] -> [N, C, 1]
 */
export function adaptiveAvgPool1d(config: AdaptivePoolConfig): Layer<NoParams, null> {
  return adaptiveNd('adaptiveAvgPool1d', 1, ops.adaptiveAvgPool1d, config);
}

/**
 * 2-D adaptive average pooling layer (windows as {@link adaptiveAvgPool1d} along H and W).
 * PyTorch `nn.AdaptiveAvgPool2d`.
 * @example adaptiveAvgPool2d({ outputSize: [1, 1] }).apply({}, x) // ResNet's head: [N, C, 7, 7] -> [N, C, 1, 1]
 */
export function adaptiveAvgPool2d(config: AdaptivePoolConfig): Layer<NoParams, null> {
  return adaptiveNd('adaptiveAvgPool2d', 2, ops.adaptiveAvgPool2d, config);
}

/**
 * 3-D adaptive average pooling layer. PyTorch `nn.AdaptiveAvgPool3d`.
 * @example adaptiveAvgPool3d({ outputSize: [2, null, 3] }).apply({}, x) // [N, C, 8, 5, 9] -> [N, C, 2, 5, 3]
 */
export function adaptiveAvgPool3d(config: AdaptivePoolConfig): Layer<NoParams, null> {
  return adaptiveNd('adaptiveAvgPool3d', 3, ops.adaptiveAvgPool3d, config);
}

/**
 * 1-D adaptive max pooling layer: the maximum over the windows of {@link adaptiveAvgPool1d}.
 * PyTorch `nn.AdaptiveMaxPool1d`.
 * @example adaptiveMaxPool1d({ outputSize: 2 }).apply({}, array([[[1, 5, 3, 4, 2]]])) // [[[5, 4]]]
 */
export function adaptiveMaxPool1d(config: AdaptivePoolConfig): Layer<NoParams, null> {
  return adaptiveNd('adaptiveMaxPool1d', 1, ops.adaptiveMaxPool1d, config);
}

/**
 * 2-D adaptive max pooling layer. PyTorch `nn.AdaptiveMaxPool2d`.
 * @example adaptiveMaxPool2d({ outputSize: 1 }).apply({}, x) // global max: [N, C, H, W] -> [N, C, 1, 1]
 */
export function adaptiveMaxPool2d(config: AdaptivePoolConfig): Layer<NoParams, null> {
  return adaptiveNd('adaptiveMaxPool2d', 2, ops.adaptiveMaxPool2d, config);
}

/**
 * 3-D adaptive max pooling layer. PyTorch `nn.AdaptiveMaxPool3d`.
 * @example adaptiveMaxPool3d({ outputSize: 2 }).apply({}, x) // [N, C, D, H, W] -> [N, C, 2, 2, 2]
 */
export function adaptiveMaxPool3d(config: AdaptivePoolConfig): Layer<NoParams, null> {
  return adaptiveNd('adaptiveMaxPool3d', 3, ops.adaptiveMaxPool3d, config);
}
