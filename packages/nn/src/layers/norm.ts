/**
 * Normalisation layers: `batchNorm1d/2d/3d` (with running statistics as explicit state), `layerNorm`,
 * `groupNorm` — PyTorch's `nn.BatchNormNd`, `nn.LayerNorm`, `nn.GroupNorm`. Affine weights start at 1 and
 * biases at 0, as in PyTorch.
 */
import {
  ArgumentError,
  fmtShape,
  type NDArray,
  ShapeError,
  shapesEqual,
  zeros as zerosArray,
} from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { ones, zeros } from '../init.js';
import { defineLayer, type Layer, statelessLayer } from '../layer.js';
import {
  checkChannels,
  checkConfig,
  checkInput,
  type FloatDType,
  floatDTypeOption,
  layerName,
  numberIn,
  param,
  positiveInt,
  within,
} from './common.js';

/** Affine params of a norm layer: `{ weight, bias }`, or `{}` without affine (and `bias` may be off). */
export type NormParams = { weight?: NDArray; bias?: NDArray };

/**
 * Running statistics of a batch norm layer (`null` with `trackRunningStats: false`): per-channel mean and
 * unbiased variance, and the number of training batches seen (int32, shape []).
 */
export type BatchNormState = { runningMean: NDArray; runningVar: NDArray; numBatchesTracked: NDArray } | null;

/** Config of `batchNorm1d/2d/3d` (PyTorch's `nn.BatchNormNd` arguments in camelCase). */
export interface BatchNormConfig {
  /** C, the size of axis 1. */
  numFeatures: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running averages (default 0.1); `null` for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them, evaluation uses batch statistics. */
  trackRunningStats?: boolean;
  /** dtype of params and state (default float32). */
  dtype?: FloatDType;
}

function flagOption(fn: string, name: string, v: unknown, dflt: boolean): boolean {
  const b = v ?? dflt;
  if (typeof b !== 'boolean')
    throw new ArgumentError(`${fn}: ${name} must be a boolean, got ${JSON.stringify(v)}`);
  return b;
}

function epsOption(fn: string, eps: unknown): number {
  return numberIn(fn, 'eps', eps ?? 1e-5, 0, Number.MAX_VALUE);
}

function affineParams(shape: number[], weight: boolean, bias: boolean, dtype: FloatDType) {
  return (): NormParams => ({
    ...(weight ? { weight: ones(null, shape, { dtype }) } : {}),
    ...(bias ? { bias: zeros(null, shape, { dtype }) } : {}),
  });
}

function batchNormNd(
  fn: string,
  ranks: readonly number[],
  form: string,
  config: BatchNormConfig,
): Layer<NormParams, BatchNormState> {
  checkConfig(fn, config, 'numFeatures');
  const c = positiveInt(fn, 'numFeatures', config.numFeatures);
  const eps = epsOption(fn, config.eps);
  const momentum = config.momentum === null ? null : numberIn(fn, 'momentum', config.momentum ?? 0.1, 0, 1);
  const affine = flagOption(fn, 'affine', config.affine, true);
  const track = flagOption(fn, 'trackRunningStats', config.trackRunningStats, true);
  const dtype = floatDTypeOption(fn, config.dtype);
  const name = layerName(fn, [
    ['features', c],
    ['eps', eps, 1e-5],
    ['momentum', momentum, 0.1],
    ['affine', affine, true],
    ['trackRunningStats', track, true],
    ['dtype', dtype, 'float32'],
  ]);
  return defineLayer<NormParams, BatchNormState>({
    name,
    init: affineParams([c], affine, affine, dtype),
    initState: () =>
      track
        ? {
            runningMean: zeros(null, [c], { dtype }),
            runningVar: ones(null, [c], { dtype }),
            numBatchesTracked: zerosArray([], { dtype: 'int32' }),
          }
        : null,
    forward: (params, state, x, options) => {
      const input = checkInput(name, x);
      if (!ranks.includes(input.ndim)) {
        throw new ShapeError(
          `${name}: input must be ${form.replaceAll('C', String(c))}, got input shape ${fmtShape(input.shape)}`,
        );
      }
      checkChannels(name, input, 1, c);
      const weight = affine ? param(name, params, 'weight', [c]) : null;
      const bias = affine ? param(name, params, 'bias', [c]) : null;
      if (!track) return [within(name, () => ops.batchNorm(input, weight, bias, { eps })), state];
      const runningMean = param(name, state, 'runningMean', [c], 'state');
      const runningVar = param(name, state, 'runningVar', [c], 'state');
      const count = param(name, state, 'numBatchesTracked', [], 'state');
      const bcast = [c, ...input.shape.slice(2).map(() => 1)];
      if (!options.training) {
        // Evaluation: (x − running mean) / √(running var + eps) · weight + bias, per channel.
        const scale = ops.rsqrt(ops.add(ops.reshape(runningVar, bcast), eps));
        let y = ops.mul(ops.sub(input, ops.reshape(runningMean, bcast)), scale);
        if (weight) y = ops.mul(y, ops.reshape(weight, bcast));
        if (bias) y = ops.add(y, ops.reshape(bias, bcast));
        return [y, state];
      }
      const y = within(name, () => ops.batchNorm(input, weight, bias, { eps }));
      // The running statistics are bookkeeping, not part of the function being differentiated.
      const xs = ops.stopGradient(input);
      const axes = input.shape.map((_, i) => i).filter((i) => i !== 1);
      const batchMean = ops.mean(xs, { axis: axes });
      const batchVar = ops.variance(xs, { axis: axes, correction: 1 }); // unbiased, as PyTorch
      const seen = count.item();
      const f = momentum ?? 1 / (seen + 1);
      const blend = (old: NDArray, batch: NDArray) =>
        ops.astype(ops.add(ops.mul(old, 1 - f), ops.mul(ops.astype(batch, old.dtype), f)), old.dtype);
      return [
        y,
        {
          runningMean: blend(runningMean, batchMean),
          runningVar: blend(runningVar, batchVar),
          numBatchesTracked: ops.astype(ops.add(count, 1), 'int32'),
        },
      ];
    },
  });
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]`: training uses the batch's per-channel mean and biased
 * variance, `y = (x − mean) / √(var + eps) · weight + bias`, and returns updated running statistics
 * `running = (1 − momentum)·running + momentum·batch` (unbiased variance, as PyTorch); evaluation uses the
 * running statistics. State is explicit: `forward(params, state, x, { training })` returns `[y, state]`.
 * PyTorch `nn.BatchNorm1d`.
 * @example
 * const bn = batchNorm1d({ numFeatures: 4 });
 * const [y, state] = bn.forward(bn.init(key), bn.initState(), x, { training: true });
 */
export function batchNorm1d(config: BatchNormConfig): Layer<NormParams, BatchNormState> {
  return batchNormNd('batchNorm1d', [2, 3], '[N, C] or [N, C, L]', config);
}

/**
 * Batch normalisation over `[N, C, H, W]`, per channel over N, H and W; see {@link batchNorm1d}.
 * PyTorch `nn.BatchNorm2d`.
 * @example
 * const bn = batchNorm2d({ numFeatures: 16 });
 * const y = bn.apply(params, x, { state }); // evaluation with the running statistics in `state`
 */
export function batchNorm2d(config: BatchNormConfig): Layer<NormParams, BatchNormState> {
  return batchNormNd('batchNorm2d', [4], '[N, C, H, W]', config);
}

/**
 * Batch normalisation over `[N, C, D, H, W]`, per channel over N, D, H and W; see {@link batchNorm1d}.
 * PyTorch `nn.BatchNorm3d`.
 * @example const [y, next] = batchNorm3d({ numFeatures: 8 }).forward(params, state, x, { training: true });
 */
export function batchNorm3d(config: BatchNormConfig): Layer<NormParams, BatchNormState> {
  return batchNormNd('batchNorm3d', [5], '[N, C, D, H, W]', config);
}

/** Config of `layerNorm` (PyTorch's `nn.LayerNorm` arguments in camelCase). */
export interface LayerNormConfig {
  /** The trailing dimensions normalised together (an int means one). */
  normalizedShape: number | readonly number[];
  /** Default 1e-5. */
  eps?: number;
  /** Learn a weight (and bias) of shape normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn a bias (default true). */
  bias?: boolean;
  dtype?: FloatDType;
}

/**
 * Layer normalisation over the trailing `normalizedShape` dimensions of each sample:
 * `y = (x − mean) / √(var + eps) · weight + bias` (biased variance), weight and bias of shape
 * normalizedShape. PyTorch `nn.LayerNorm`.
 * @example
 * const ln = layerNorm({ normalizedShape: 64 });
 * ln.apply(ln.init(key), x); // x [N, T, 64]
 */
export function layerNorm(config: LayerNormConfig): Layer<NormParams, null> {
  const fn = 'layerNorm';
  const ns = typeof config?.normalizedShape === 'number' ? [config.normalizedShape] : config?.normalizedShape;
  if (!Array.isArray(ns) || ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ArgumentError(
      `layerNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(config?.normalizedShape)}`,
    );
  }
  const shape = [...ns];
  const eps = epsOption(fn, config.eps);
  const affine = flagOption(fn, 'elementwiseAffine', config.elementwiseAffine, true);
  const bias = affine && flagOption(fn, 'bias', config.bias, true);
  const dtype = floatDTypeOption(fn, config.dtype);
  const name = layerName(fn, [
    ['shape', shape.length === 1 ? shape[0] : shape],
    ['eps', eps, 1e-5],
    ['elementwiseAffine', affine, true],
    ['bias', bias, affine],
    ['dtype', dtype, 'float32'],
  ]);
  return statelessLayer<NormParams>(name, affineParams(shape, affine, bias, dtype), (params, x) => {
    const input = checkInput(name, x);
    const k = shape.length;
    if (input.ndim < k || !shapesEqual(input.shape.slice(input.ndim - k), shape)) {
      throw new ShapeError(
        `${name}: input must end with dimensions ${fmtShape(shape)}, got input shape ${fmtShape(input.shape)}`,
      );
    }
    const weight = affine ? param(name, params, 'weight', shape) : null;
    const b = bias ? param(name, params, 'bias', shape) : null;
    return within(name, () => ops.layerNorm(input, weight, b, { normalizedShape: shape, eps }));
  });
}

/** Config of `groupNorm` (PyTorch's `nn.GroupNorm` arguments in camelCase). */
export interface GroupNormConfig {
  /** Number of contiguous channel groups; must divide numChannels. */
  numGroups: number;
  numChannels: number;
  /** Default 1e-5. */
  eps?: number;
  /** Learn a per-channel weight and bias (default true). */
  affine?: boolean;
  dtype?: FloatDType;
}

/**
 * Group normalisation over `[N, C, *]`: channels split into numGroups groups, each (sample, group)
 * normalised over its channels and positions, then a per-channel `weight`, `bias`. PyTorch `nn.GroupNorm`.
 * @example
 * const gn = groupNorm({ numGroups: 4, numChannels: 32 });
 * gn.apply(gn.init(key), x); // x [N, 32, H, W]
 */
export function groupNorm(config: GroupNormConfig): Layer<NormParams, null> {
  const fn = 'groupNorm';
  checkConfig(fn, config, 'numGroups and numChannels');
  const g = positiveInt(fn, 'numGroups', config.numGroups);
  const c = positiveInt(fn, 'numChannels', config.numChannels);
  if (c % g !== 0) {
    throw new ArgumentError(
      `groupNorm: numGroups must divide numChannels, got numGroups=${g}, numChannels=${c}`,
    );
  }
  const eps = epsOption(fn, config.eps);
  const affine = flagOption(fn, 'affine', config.affine, true);
  const dtype = floatDTypeOption(fn, config.dtype);
  const name = layerName(fn, [
    ['groups', g],
    ['channels', c],
    ['eps', eps, 1e-5],
    ['affine', affine, true],
    ['dtype', dtype, 'float32'],
  ]);
  return statelessLayer<NormParams>(name, affineParams([c], affine, affine, dtype), (params, x) => {
    const input = checkInput(name, x);
    if (input.ndim < 2) {
      throw new ShapeError(`${name}: input must be [N, ${c}, ...], got input shape ${fmtShape(input.shape)}`);
    }
    checkChannels(name, input, 1, c);
    const weight = affine ? param(name, params, 'weight', [c]) : null;
    const bias = affine ? param(name, params, 'bias', [c]) : null;
    return within(name, () => ops.groupNorm(input, weight, bias, { numGroups: g, eps }));
  });
}
