/**
 * Activation layers: `relu gelu silu tanh sigmoid leakyRelu elu softplus softmax logSoftmax`, PyTorch's
 * `nn.ReLU`, `nn.GELU`, … as stateless layers without params (`init` returns `{}`), so that they can sit in
 * a `sequential` between the layers that have some.
 */
import type { NDArray } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { type Layer, statelessLayer } from '../layer.js';
import { checkInput, layerName, numberIn, within } from './common.js';
import type { NoParams } from './pool.js';

function activation(name: string, f: (x: NDArray) => NDArray): Layer<NoParams, null> {
  return statelessLayer<NoParams>(
    name,
    () => ({}),
    (_params, x) => {
      const input = checkInput(name, x);
      return within(name, () => f(input));
    },
  );
}

/**
 * `max(x, 0)`, elementwise. PyTorch `nn.ReLU`.
 * @example relu().apply({}, array([-1, 2])) // [0, 2]
 */
export function relu(): Layer<NoParams, null> {
  return activation('relu()', ops.relu);
}

/**
 * `x · Φ(x)` (`approximate: 'none'`, default) or its tanh approximation (`'tanh'`). PyTorch `nn.GELU`.
 * @example gelu({ approximate: 'tanh' }).apply({}, x)
 */
export function gelu(config: { approximate?: 'none' | 'tanh' } = {}): Layer<NoParams, null> {
  const approximate = config.approximate ?? 'none';
  ops.gelu(0, { approximate }); // throws now, naming the option, rather than at the first apply
  return activation(layerName('gelu', [['approximate', approximate, 'none']]), (x) =>
    ops.gelu(x, { approximate }),
  );
}

/**
 * `x · σ(x)` (swish). PyTorch `nn.SiLU`.
 * @example silu().apply({}, x)
 */
export function silu(): Layer<NoParams, null> {
  return activation('silu()', ops.silu);
}

/**
 * Hyperbolic tangent. PyTorch `nn.Tanh`.
 * @example tanh().apply({}, array([0])) // [0]
 */
export function tanh(): Layer<NoParams, null> {
  return activation('tanh()', ops.tanh);
}

/**
 * Logistic sigmoid `1 / (1 + e^(−x))`. PyTorch `nn.Sigmoid`.
 * @example sigmoid().apply({}, array([0])) // [0.5]
 */
export function sigmoid(): Layer<NoParams, null> {
  return activation('sigmoid()', ops.sigmoid);
}

/**
 * `x` where `x > 0`, else `negativeSlope · x` (default 0.01). PyTorch `nn.LeakyReLU`.
 * @example leakyRelu({ negativeSlope: 0.2 }).apply({}, array([-1, 1])) // [-0.2, 1]
 */
export function leakyRelu(config: { negativeSlope?: number } = {}): Layer<NoParams, null> {
  const negativeSlope = numberIn(
    'leakyRelu',
    'negativeSlope',
    config.negativeSlope ?? 0.01,
    -Infinity,
    Infinity,
  );
  return activation(layerName('leakyRelu', [['negativeSlope', negativeSlope, 0.01]]), (x) =>
    ops.leakyRelu(x, { negativeSlope }),
  );
}

/**
 * `x` where `x > 0`, else `alpha · (eˣ − 1)` (default alpha 1). PyTorch `nn.ELU`.
 * @example elu().apply({}, x)
 */
export function elu(config: { alpha?: number } = {}): Layer<NoParams, null> {
  const alpha = numberIn('elu', 'alpha', config.alpha ?? 1, -Infinity, Infinity);
  return activation(layerName('elu', [['alpha', alpha, 1]]), (x) => ops.elu(x, { alpha }));
}

/**
 * `log(1 + e^(βx)) / β`, linear where `βx > threshold`. PyTorch `nn.Softplus(beta, threshold)`.
 * @example softplus({ beta: 2 }).apply({}, x)
 */
export function softplus(config: { beta?: number; threshold?: number } = {}): Layer<NoParams, null> {
  const { beta = 1, threshold = 20 } = config;
  ops.softplus(0, { beta, threshold }); // checks the options now
  return activation(
    layerName('softplus', [
      ['beta', beta, 1],
      ['threshold', threshold, 20],
    ]),
    (x) => ops.softplus(x, { beta, threshold }),
  );
}

/**
 * `exp(x) / Σ exp(x)` along `axis` (default −1, the last). PyTorch `nn.Softmax(dim)`.
 * @example softmax().apply({}, logits) // rows sum to 1
 */
export function softmax(config: { axis?: number } = {}): Layer<NoParams, null> {
  const axis = config.axis ?? -1;
  return activation(layerName('softmax', [['axis', axis, -1]]), (x) => ops.softmax(x, { axis }));
}

/**
 * `x − logsumexp(x)` along `axis` (default −1). PyTorch `nn.LogSoftmax(dim)`.
 * @example logSoftmax().apply({}, logits)
 */
export function logSoftmax(config: { axis?: number } = {}): Layer<NoParams, null> {
  const axis = config.axis ?? -1;
  return activation(layerName('logSoftmax', [['axis', axis, -1]]), (x) => ops.logSoftmax(x, { axis }));
}
