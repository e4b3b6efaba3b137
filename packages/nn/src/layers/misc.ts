/**
 * Layers that reshape, drop or look up: `flatten`, `dropout`, `embedding` (PyTorch's `nn.Flatten`,
 * `nn.Dropout`, `nn.Embedding`).
 */
import { ArgumentError, arange, DTypeError, fmtShape, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { normal } from '../init.js';
import { type Layer, statelessLayer } from '../layer.js';
import {
  checkConfig,
  checkInput,
  type FloatDType,
  floatDTypeOption,
  layerName,
  numberIn,
  param,
  positiveInt,
} from './common.js';
import type { NoParams } from './pool.js';

/**
 * Merges axes `startDim..endDim` (inclusive; negative counts from the end) into one:
 * `[N, C, H, W] -> [N, C·H·W]` with the defaults `startDim = 1, endDim = -1`. A view when the strides
 * allow it. PyTorch `nn.Flatten(start_dim, end_dim)`.
 * @example flatten().apply({}, zeros([2, 3, 4, 5])).shape // [2, 60]
 */
export function flatten(config: { startDim?: number; endDim?: number } = {}): Layer<NoParams, null> {
  const { startDim = 1, endDim = -1 } = config;
  for (const [k, v] of [
    ['startDim', startDim],
    ['endDim', endDim],
  ] as const) {
    if (!Number.isInteger(v))
      throw new ArgumentError(`flatten: ${k} must be an integer, got ${JSON.stringify(v)}`);
  }
  const name = layerName('flatten', [
    ['startDim', startDim, 1],
    ['endDim', endDim, -1],
  ]);
  return statelessLayer<NoParams>(
    name,
    () => ({}),
    (_params, x) => {
      const input = checkInput(name, x);
      // A 0-d array flattens to [1], as in PyTorch.
      const shape = input.ndim === 0 ? [1] : input.shape;
      const n = shape.length;
      const [s, e] = [startDim < 0 ? startDim + n : startDim, endDim < 0 ? endDim + n : endDim];
      if (s < 0 || s >= n || e < 0 || e >= n || s > e) {
        throw new ShapeError(
          `${name}: startDim and endDim must be axes of the input with startDim <= endDim, got input shape ${fmtShape(input.shape)}`,
        );
      }
      const merged = shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
      return ops.reshape(input, [...shape.slice(0, s), merged, ...shape.slice(e + 1)]);
    },
  );
}

/**
 * Inverted dropout. Training (`options.training`): each element is zeroed with probability `p` and the
 * kept ones are scaled by `1/(1−p)`, so the expected output equals the input; the mask comes from
 * `options.key` (the same key gives the same mask). Evaluation: the identity. `p = 1` gives zeros.
 * PyTorch `nn.Dropout(p)`.
 * @example
 * const drop = dropout({ p: 0.1 });
 * drop.apply({}, x, { training: true, key: random.key(1) });
 */
export function dropout(config: { p?: number } = {}): Layer<NoParams, null> {
  const p = numberIn('dropout', 'p', config.p ?? 0.5, 0, 1);
  const name = layerName('dropout', [['p', p]]);
  return statelessLayer<NoParams>(
    name,
    () => ({}),
    (_params, x, options) => {
      const input = checkInput(name, x);
      if (!options.training || p === 0) return input;
      // x · 0 rather than a where: PyTorch's p = 1, NaN included, with a zero (not NaN) gradient.
      if (p === 1) return ops.mul(input, 0);
      if (options.key === undefined) {
        throw new ArgumentError(
          `${name}: training needs a key for the dropout mask, got none (pass { training: true, key })`,
        );
      }
      const keep = ops.random.bernoulli(options.key, 1 - p, input.shape);
      const dtype = input.dtype === 'float64' ? 'float64' : 'float32';
      return ops.mul(input, ops.mul(ops.astype(keep, dtype), 1 / (1 - p)));
    },
  );
}

/** Params of `embedding`: `weight` `[numEmbeddings, embeddingDim]`. */
export type EmbeddingParams = { weight: NDArray };

/** Config of `embedding` (PyTorch's `nn.Embedding` arguments in camelCase). */
export interface EmbeddingConfig {
  numEmbeddings: number;
  embeddingDim: number;
  /** A row that is zero at init and gets no gradient (a padding token). Negative counts from the end. */
  paddingIdx?: number | null;
  /** dtype of the weight made by `init` (default float32). */
  dtype?: FloatDType;
}

/**
 * A lookup table: int32 indices of any shape pick rows of `weight` `[numEmbeddings, embeddingDim]`,
 * giving `[...indices.shape, embeddingDim]` (a `take` along axis 0, whose gradient adds up repeated
 * rows). weight is initialised N(0, 1). PyTorch `nn.Embedding`.
 * @example
 * const emb = embedding({ numEmbeddings: 10, embeddingDim: 3 });
 * emb.apply(emb.init(random.key(0)), array([[1, 2], [4, 9]])).shape; // [2, 2, 3]
 */
export function embedding(config: EmbeddingConfig): Layer<EmbeddingParams, null> {
  const fn = 'embedding';
  checkConfig(fn, config, 'numEmbeddings and embeddingDim');
  const num = positiveInt(fn, 'numEmbeddings', config.numEmbeddings);
  const dim = positiveInt(fn, 'embeddingDim', config.embeddingDim);
  const dtype = floatDTypeOption(fn, config.dtype);
  let pad = config.paddingIdx ?? null;
  if (pad !== null) {
    if (!Number.isInteger(pad) || pad < -num || pad >= num) {
      throw new ArgumentError(
        `embedding: paddingIdx must be an integer in [-${num}, ${num}), got ${JSON.stringify(pad)}`,
      );
    }
    if (pad < 0) pad += num;
  }
  const name = layerName(fn, [
    ['num', num],
    ['dim', dim],
    ['paddingIdx', pad ?? undefined],
    ['dtype', dtype, 'float32'],
  ]);
  const padRow = pad === null ? null : ops.equal(arange(num).reshape(num, 1), pad);
  return statelessLayer<EmbeddingParams>(
    name,
    (key) => {
      const weight = normal(key, [num, dim], { dtype });
      if (pad !== null) weight.data.fill(0, pad * dim, (pad + 1) * dim);
      return { weight };
    },
    (params, x) => {
      const idx = checkInput(name, x);
      if (idx.dtype !== 'int32') {
        throw new DTypeError(
          `${name}: indices must be int32, got ${idx.dtype} input of shape ${fmtShape(idx.shape)}`,
        );
      }
      let weight = param(name, params, 'weight', [num, dim]);
      if (idx.size > 0) {
        const [lo, hi] = [ops.min(idx).item(), ops.max(idx).item()];
        if (lo < 0 || hi >= num) {
          throw new ArgumentError(
            `${name}: indices must be in [0, ${num}), got values from ${lo} to ${hi} in input of shape ${fmtShape(idx.shape)}`,
          );
        }
      }
      // The padding row keeps its value but passes no gradient back, as PyTorch's padding_idx.
      if (padRow !== null) weight = ops.where(padRow, ops.stopGradient(weight), weight);
      return ops.take(weight, idx, { axis: 0 });
    },
  );
}
