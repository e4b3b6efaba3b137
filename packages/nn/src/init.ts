/**
 * Initialisers, PyTorch's `torch.nn.init` driven by explicit keys: each is `(key, shape, options) => NDArray`,
 * float32 unless `dtype: 'float64'`, and the same key always gives the same array. Exported from the
 * package as the namespace `init` (`init.kaimingUniform(key, [8, 4])`), like `torch.nn.init`.
 *
 * The scale rules are PyTorch's to the letter (`calculate_gain`, `_calculate_fan_in_and_fan_out`), so a
 * model initialised here has the same weight distributions as the same model in PyTorch.
 */
import { ArgumentError, checkShape, fmtShape, full, map, type NDArray } from '@lucid-ts/ndarray';
import { random } from '@lucid-ts/ops';
import type { Key } from './layer.js';

export type InitDType = 'float32' | 'float64';

export interface InitOptions {
  /** float32 (default) or float64. */
  dtype?: InitDType;
}

/** Activation names of `calculateGain`, PyTorch's spellings (`leakyRelu` is accepted too). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu';

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (only used with `nonlinearity: 'leaky_relu'`). Default 0. */
  a?: number;
  /** Preserve the variance of the forward pass (`'fanIn'`, default) or of the backward pass (`'fanOut'`). */
  mode?: 'fanIn' | 'fanOut';
  /** Default `'leaky_relu'` (with `a = 0`, that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

export interface XavierOptions extends InitOptions {
  /** Scale factor (default 1); see {@link calculateGain}. */
  gain?: number;
}

const LINEAR_GAIN = new Set([
  'linear',
  'sigmoid',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
]);

function dtypeOf(fn: string, options: InitOptions): InitDType {
  const d = options.dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') {
    throw new ArgumentError(`init.${fn}: dtype must be 'float32' or 'float64', got ${JSON.stringify(d)}`);
  }
  return d;
}

function finite(fn: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(`init.${fn}: ${name} must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The recommended gain for an activation: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu (`param` = slope, default 0.01), 3/4 for selu.
 * PyTorch `torch.nn.init.calculate_gain(nonlinearity, param)`.
 * @example calculateGain('leaky_relu', Math.sqrt(5)) // √(1/3): the gain behind PyTorch's default layer init
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (LINEAR_GAIN.has(nonlinearity)) return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.SQRT2;
  if (nonlinearity === 'selu') return 3 / 4;
  if (nonlinearity === 'leaky_relu' || nonlinearity === 'leakyRelu') {
    const slope = finite('calculateGain', 'param', param ?? 0.01);
    return Math.sqrt(2 / (1 + slope * slope));
  }
  throw new ArgumentError(
    `init.calculateGain: unsupported nonlinearity, got ${JSON.stringify(nonlinearity)}`,
  );
}

/**
 * `[fanIn, fanOut]` of a weight: `fanIn = shape[1] · r`, `fanOut = shape[0] · r` with the receptive field
 * `r = shape[2] · shape[3] · …`. So a linear weight `[out, in]` has fanIn = in, a conv weight
 * `[Cout, Cin/groups, *K]` has fanIn = Cin/groups · ΠK, and a transposed-conv weight `[Cin, Cout/groups, *K]`
 * has fanIn = Cout/groups · ΠK (PyTorch's convention, which the defaults below reproduce).
 * PyTorch `torch.nn.init._calculate_fan_in_and_fan_out`.
 * @example fanInOut([16, 8, 3, 3, 3]) // [216, 432]
 */
export function fanInOut(shape: readonly number[]): [number, number] {
  checkShape('init.fanInOut', shape);
  if (shape.length < 2) {
    throw new ArgumentError(
      `init.fanInOut: fan in and fan out need a shape of at least 2 dimensions, got ${fmtShape(shape)}`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1] * receptive, shape[0] * receptive];
}

/**
 * Samples from U(low, high). PyTorch `torch.nn.init.uniform_(t, a=low, b=high)`.
 * @example uniform(key, [3], { low: -1, high: 1 })
 */
export function uniform(
  key: Key,
  shape: readonly number[],
  options: InitOptions & { low?: number; high?: number } = {},
): NDArray {
  const low = finite('uniform', 'low', options.low ?? 0);
  const high = finite('uniform', 'high', options.high ?? 1);
  return random.uniform(key, shape, { minval: low, maxval: high, dtype: dtypeOf('uniform', options) });
}

/**
 * Samples from N(mean, std²). PyTorch `torch.nn.init.normal_(t, mean, std)`.
 * @example normal(key, [10, 4]) // embedding weights
 */
export function normal(
  key: Key,
  shape: readonly number[],
  options: InitOptions & { mean?: number; std?: number } = {},
): NDArray {
  const mean = finite('normal', 'mean', options.mean ?? 0);
  const std = finite('normal', 'std', options.std ?? 1);
  if (std < 0) throw new ArgumentError(`init.normal: std must be >= 0, got ${std}`);
  const dtype = dtypeOf('normal', options);
  return map(random.normal(key, shape, { dtype }), (z) => mean + std * z, dtype);
}

/**
 * Samples from N(mean, std²) conditioned on [a, b] (absolute bounds, default ±2), by inverting the
 * truncated CDF. PyTorch `torch.nn.init.trunc_normal_(t, mean, std, a, b)`.
 * @example truncNormal(key, [768, 768], { std: 0.02 }) // ViT-style weights
 */
export function truncNormal(
  key: Key,
  shape: readonly number[],
  options: InitOptions & { mean?: number; std?: number; a?: number; b?: number } = {},
): NDArray {
  const mean = finite('truncNormal', 'mean', options.mean ?? 0);
  const std = finite('truncNormal', 'std', options.std ?? 1);
  const [a, b] = [options.a ?? -2, options.b ?? 2];
  if (!(std > 0) || !(a < b)) {
    throw new ArgumentError(`init.truncNormal: needs std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  }
  const dtype = dtypeOf('truncNormal', options);
  const z = random.truncatedNormal(key, (a - mean) / std, (b - mean) / std, shape, { dtype });
  // Rounding to float32 can land just outside [a, b]; PyTorch clamps too.
  return map(z, (v) => Math.min(Math.max(mean + std * v, a), b), dtype);
}

/**
 * A constant array (the key is ignored; it is there so every initialiser has the same signature).
 * PyTorch `torch.nn.init.constant_(t, value)`.
 * @example constant(null, [4], { value: 0.1 })
 */
export function constant(
  _key: Key | null,
  shape: readonly number[],
  options: InitOptions & { value?: number } = {},
): NDArray {
  return full(checkShape('init.constant', shape), options.value ?? 0, {
    dtype: dtypeOf('constant', options),
  });
}

/**
 * Zeros (the key is ignored). PyTorch `torch.nn.init.zeros_`.
 * @example zeros(null, [8]) // biases of norm layers
 */
export function zeros(_key: Key | null, shape: readonly number[], options: InitOptions = {}): NDArray {
  return constant(null, shape, { dtype: options.dtype, value: 0 });
}

/**
 * Ones (the key is ignored). PyTorch `torch.nn.init.ones_`.
 * @example ones(null, [8]) // weights of norm layers
 */
export function ones(_key: Key | null, shape: readonly number[], options: InitOptions = {}): NDArray {
  return constant(null, shape, { dtype: options.dtype, value: 1 });
}

function kaimingStd(fn: string, shape: readonly number[], options: KaimingOptions): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' } = options;
  if (mode !== 'fanIn' && mode !== 'fanOut') {
    throw new ArgumentError(`init.${fn}: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  }
  const [fanIn, fanOut] = fanInOut(shape);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  // An empty weight has fan 0: nothing to draw, and no finite std (PyTorch warns and does nothing).
  return fan === 0 ? 0 : calculateGain(nonlinearity, finite(fn, 'a', a)) / Math.sqrt(fan);
}

/**
 * He initialisation, uniform: U(−bound, bound) with `bound = gain · √(3 / fan)`, `gain` from
 * {@link calculateGain}(nonlinearity, a) and `fan` = fanIn or fanOut ({@link fanInOut}).
 * PyTorch `torch.nn.init.kaiming_uniform_(t, a, mode, nonlinearity)`. With `a = √5` this is PyTorch's
 * default for linear and conv weights, U(±1/√fanIn).
 * @example kaimingUniform(key, [8, 4], { a: Math.sqrt(5) }) // nn.Linear(4, 8).weight's distribution
 */
export function kaimingUniform(key: Key, shape: readonly number[], options: KaimingOptions = {}): NDArray {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shape, options);
  return uniform(key, shape, { low: -bound, high: bound, dtype: options.dtype });
}

/**
 * He initialisation, normal: N(0, std²) with `std = gain / √fan` (see {@link kaimingUniform}).
 * PyTorch `torch.nn.init.kaiming_normal_(t, a, mode, nonlinearity)`.
 * @example kaimingNormal(key, [64, 3, 7, 7], { mode: 'fanOut', nonlinearity: 'relu' }) // ResNet's conv init
 */
export function kaimingNormal(key: Key, shape: readonly number[], options: KaimingOptions = {}): NDArray {
  return normal(key, shape, { std: kaimingStd('kaimingNormal', shape, options), dtype: options.dtype });
}

function xavierStd(fn: string, shape: readonly number[], gain: number): number {
  const [fanIn, fanOut] = fanInOut(shape);
  return fanIn + fanOut === 0 ? 0 : finite(fn, 'gain', gain) * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Glorot initialisation, uniform: U(−bound, bound) with `bound = gain · √(6 / (fanIn + fanOut))`.
 * PyTorch `torch.nn.init.xavier_uniform_(t, gain)`.
 * @example xavierUniform(key, [256, 128], { gain: calculateGain('tanh') })
 */
export function xavierUniform(key: Key, shape: readonly number[], options: XavierOptions = {}): NDArray {
  const bound = Math.sqrt(3) * xavierStd('xavierUniform', shape, options.gain ?? 1);
  return uniform(key, shape, { low: -bound, high: bound, dtype: options.dtype });
}

/**
 * Glorot initialisation, normal: N(0, std²) with `std = gain · √(2 / (fanIn + fanOut))`.
 * PyTorch `torch.nn.init.xavier_normal_(t, gain)`.
 * @example xavierNormal(key, [256, 128])
 */
export function xavierNormal(key: Key, shape: readonly number[], options: XavierOptions = {}): NDArray {
  return normal(key, shape, {
    std: xavierStd('xavierNormal', shape, options.gain ?? 1),
    dtype: options.dtype,
  });
}
