/** The fully connected layer `linear`, PyTorch's `nn.Linear`, and `identity`, PyTorch's `nn.Identity`. */
import { ArgumentError, fmtShape, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { type Layer, statelessLayer } from '../layer.js';
import {
  checkConfig,
  checkInput,
  defaultWeightAndBias,
  type FloatDType,
  floatDTypeOption,
  layerName,
  param,
  positiveInt,
} from './common.js';
import type { NoParams } from './pool.js';

/** Params of `linear`: `weight` `[outFeatures, inFeatures]`, and `bias` `[outFeatures]` unless `bias: false`. */
export type LinearParams = { weight: NDArray; bias?: NDArray };

/** Config of `linear` (PyTorch's `nn.Linear` arguments in camelCase). */
export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** dtype of the params made by `init` (default float32). */
  dtype?: FloatDType;
}

/**
 * Fully connected layer over the last axis: `y = x · weightᵀ + bias` for `x` `[..., inFeatures]`, giving
 * `[..., outFeatures]`. weight `[outFeatures, inFeatures]` and bias `[outFeatures]` are initialised
 * U(±1/√inFeatures), as PyTorch does. PyTorch `nn.Linear`.
 * @example
 * const fc = linear({ inFeatures: 4, outFeatures: 2 });
 * fc.apply(fc.init(random.key(0)), ones([8, 4])).shape; // [8, 2]
 */
export function linear(config: LinearConfig): Layer<LinearParams, null> {
  const fn = 'linear';
  checkConfig(fn, config, 'inFeatures and outFeatures');
  const inF = positiveInt(fn, 'inFeatures', config.inFeatures);
  const outF = positiveInt(fn, 'outFeatures', config.outFeatures);
  const bias = config.bias ?? true;
  if (typeof bias !== 'boolean')
    throw new ArgumentError(`linear: bias must be a boolean, got ${JSON.stringify(bias)}`);
  const dtype = floatDTypeOption(fn, config.dtype);
  const name = layerName(fn, [
    ['in', inF],
    ['out', outF],
    ['bias', bias, true],
    ['dtype', dtype, 'float32'],
  ]);
  return statelessLayer<LinearParams>(
    name,
    (key) => defaultWeightAndBias(key, [outF, inF], bias ? outF : null, dtype) as LinearParams,
    (params, x) => {
      const input = checkInput(name, x);
      const got = input.ndim === 0 ? null : input.shape[input.ndim - 1];
      if (got !== inF) {
        throw new ShapeError(
          `${name}: input has ${got === null ? 'no feature axis' : `${got} feature${got === 1 ? '' : 's'}`}, expected ${inF} (last axis), got input shape ${fmtShape(input.shape)}`,
        );
      }
      const weight = param(name, params, 'weight', [outF, inF]);
      return ops.linear(input, weight, bias ? param(name, params, 'bias', [outF]) : null);
    },
  );
}

/**
 * The identity: returns its input, has no params. Handy as a placeholder in a `sequential`.
 * PyTorch `nn.Identity`.
 * @example identity().apply({}, x) === x // true
 */
export function identity(): Layer<NoParams, null> {
  return statelessLayer<NoParams>(
    'identity()',
    () => ({}),
    (_params, x) => checkInput('identity()', x),
  );
}
