/**
 * Convolution layers `conv1d conv2d conv3d` and `convTranspose1d convTranspose2d convTranspose3d`: PyTorch's
 * `nn.ConvNd` / `nn.ConvTransposeNd` as stateless layers over the ops of the same names. Config is checked
 * when the layer is made; input and params when it is applied, before the op runs.
 */
import { ArgumentError, type NDArray } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { type Layer, statelessLayer } from '../layer.js';
import {
  checkChannelsFirst,
  checkConfig,
  defaultWeightAndBias,
  type FloatDType,
  floatDTypeOption,
  layerName,
  param,
  positiveInt,
  type SpatialArg,
  spatialList,
  within,
} from './common.js';

/** Params of a convolution layer: `weight`, and `bias` unless the layer was made with `bias: false`. */
export type ConvParams = { weight: NDArray; bias?: NDArray };

/** Config of `conv1d`/`conv2d`/`conv3d` (PyTorch's `nn.ConvNd` arguments in camelCase). */
export interface ConvConfig {
  inChannels: number;
  outChannels: number;
  /** An int for every spatial dimension, or one per dimension. */
  kernelSize: SpatialArg;
  /** Default 1. */
  stride?: SpatialArg;
  /** Zeros on both sides (default 0), `'valid'` (no padding) or `'same'` (output size ⌈input / stride⌉). */
  padding?: ops.ConvPadding;
  /** Default 1. */
  dilation?: SpatialArg;
  /** Default 1; must divide both channel counts. */
  groups?: number;
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
  /** dtype of the params made by `init` (default float32). */
  dtype?: FloatDType;
}

/** Config of `convTranspose1d`/`2d`/`3d` (PyTorch's `nn.ConvTransposeNd` arguments in camelCase). */
export interface ConvTransposeConfig extends Omit<ConvConfig, 'padding'> {
  /** `dilation · (kernelSize − 1) − padding` zeros on both sides of the input (default 0). */
  padding?: SpatialArg;
  /** Extra size at the end of each output dimension (default 0), below `max(stride, dilation)`. */
  outputPadding?: SpatialArg;
}

type ConvOp = (x: NDArray, w: NDArray, b: NDArray | null, o: ops.ConvOptions) => NDArray;
type ConvTransposeOp = (x: NDArray, w: NDArray, b: NDArray | null, o: ops.ConvTransposeOptions) => NDArray;

interface Checked {
  name: string;
  cin: number;
  cout: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  groups: number;
  bias: boolean;
  dtype: FloatDType;
}

function checkCommon(
  fn: string,
  d: number,
  c: ConvConfig | ConvTransposeConfig,
  extra: [string, unknown, unknown][],
): Checked {
  checkConfig(fn, c, 'inChannels, outChannels and kernelSize');
  const cin = positiveInt(fn, 'inChannels', c.inChannels);
  const cout = positiveInt(fn, 'outChannels', c.outChannels);
  const groups = positiveInt(fn, 'groups', c.groups ?? 1);
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ArgumentError(
      `${fn}: groups must divide inChannels and outChannels, got groups=${groups}, inChannels=${cin}, outChannels=${cout}`,
    );
  }
  const kernel = spatialList(fn, 'kernelSize', c.kernelSize, d, 1);
  const stride = spatialList(fn, 'stride', c.stride ?? 1, d, 1);
  const dilation = spatialList(fn, 'dilation', c.dilation ?? 1, d, 1);
  const bias = c.bias ?? true;
  if (typeof bias !== 'boolean')
    throw new ArgumentError(`${fn}: bias must be a boolean, got ${JSON.stringify(bias)}`);
  const dtype = floatDTypeOption(fn, c.dtype);
  const name = layerName(fn, [
    ['in', cin],
    ['out', cout],
    ['k', c.kernelSize],
    ['stride', c.stride, 1],
    ...extra,
    ['dilation', c.dilation, 1],
    ['groups', groups, 1],
    ['bias', bias, true],
    ['dtype', dtype, 'float32'],
  ]);
  return { name, cin, cout, kernel, stride, dilation, groups, bias, dtype };
}

/** The layer itself: PyTorch's default init, and the input and params checks before the op runs. */
function convLayer(
  c: Checked,
  d: number,
  weightShape: number[],
  call: (x: NDArray, weight: NDArray, bias: NDArray | null) => NDArray,
): Layer<ConvParams, null> {
  return statelessLayer<ConvParams>(
    c.name,
    (key) => defaultWeightAndBias(key, weightShape, c.bias ? c.cout : null, c.dtype) as ConvParams,
    (params, x) => {
      const input = checkChannelsFirst(c.name, x, d, c.cin);
      const weight = param(c.name, params, 'weight', weightShape);
      const bias = c.bias ? param(c.name, params, 'bias', [c.cout]) : null;
      return within(c.name, () => call(input, weight, bias));
    },
  );
}

function convNd(fn: string, d: number, op: ConvOp, config: ConvConfig): Layer<ConvParams, null> {
  const padding = config?.padding ?? 0;
  const c = checkCommon(fn, d, config, [['padding', padding, 0]]);
  if (padding !== 'same' && padding !== 'valid') spatialList(fn, 'padding', padding, d, 0);
  const weightShape = [c.cout, c.cin / c.groups, ...c.kernel];
  const options: ops.ConvOptions = { stride: c.stride, padding, dilation: c.dilation, groups: c.groups };
  return convLayer(c, d, weightShape, (x, w, b) => op(x, w, b, options));
}

function convTransposeNd(
  fn: string,
  d: number,
  op: ConvTransposeOp,
  config: ConvTransposeConfig,
): Layer<ConvParams, null> {
  const c = checkCommon(fn, d, config, [
    ['padding', config?.padding, 0],
    ['outputPadding', config?.outputPadding, 0],
  ]);
  const padding = spatialList(fn, 'padding', config.padding ?? 0, d, 0);
  const outputPadding = spatialList(fn, 'outputPadding', config.outputPadding ?? 0, d, 0);
  if (outputPadding.some((p, i) => p >= Math.max(c.stride[i], c.dilation[i]))) {
    throw new ArgumentError(
      `${fn}: outputPadding must be smaller than max(stride, dilation) in every dimension, got outputPadding [${outputPadding}] with stride [${c.stride}] and dilation [${c.dilation}]`,
    );
  }
  // PyTorch's layout: [Cin, Cout/groups, *K], so the default init's fanIn is Cout/groups · ΠK.
  const weightShape = [c.cin, c.cout / c.groups, ...c.kernel];
  const options: ops.ConvTransposeOptions = {
    stride: c.stride,
    padding,
    outputPadding,
    dilation: c.dilation,
    groups: c.groups,
  };
  return convLayer(c, d, weightShape, (x, w, b) => op(x, w, b, options));
}

/**
 * 1-D convolution layer over `[N, inChannels, L]` (or `[inChannels, L]`):
 * `y = conv1d(x, weight, bias)` with weight `[outChannels, inChannels/groups, k]`, bias `[outChannels]`,
 * both initialised U(±1/√fanIn), fanIn = inChannels/groups · k. Output length
 * `⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1`. PyTorch `nn.Conv1d`.
 * @example
 * const conv = conv1d({ inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1 });
 * conv.apply(conv.init(random.key(0)), x); // x [8, 1, 100] -> [8, 4, 100]
 */
export function conv1d(config: ConvConfig): Layer<ConvParams, null> {
  return convNd('conv1d', 1, ops.conv1d, config);
}

/**
 * 2-D convolution layer over `[N, inChannels, H, W]` (or unbatched): weight
 * `[outChannels, inChannels/groups, kH, kW]`, bias `[outChannels]`, PyTorch's default init, output size per
 * dimension as in {@link conv1d}. PyTorch `nn.Conv2d`.
 * @example
 * const conv = conv2d({ inChannels: 3, outChannels: 16, kernelSize: 3, stride: 2, padding: 1 });
 * conv.apply(conv.init(random.key(0)), x); // x [8, 3, 32, 32] -> [8, 16, 16, 16]
 */
export function conv2d(config: ConvConfig): Layer<ConvParams, null> {
  return convNd('conv2d', 2, ops.conv2d, config);
}

/**
 * 3-D convolution layer over `[N, inChannels, D, H, W]` (or unbatched): weight
 * `[outChannels, inChannels/groups, kD, kH, kW]`, bias `[outChannels]`, PyTorch's default init, output size
 * per dimension as in {@link conv1d}. PyTorch `nn.Conv3d`.
 * @example
 * const conv = conv3d({ inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1 });
 * conv.apply(conv.init(random.key(0)), x); // x [2, 1, 10, 10, 10] -> [2, 8, 10, 10, 10]
 */
export function conv3d(config: ConvConfig): Layer<ConvParams, null> {
  return convNd('conv3d', 3, ops.conv3d, config);
}

/**
 * 1-D transposed convolution layer (the adjoint of {@link conv1d}, "deconvolution") over
 * `[N, inChannels, L]`: weight `[inChannels, outChannels/groups, k]`, bias `[outChannels]`, both
 * U(±1/√fanIn) with PyTorch's fanIn = outChannels/groups · k. Output length
 * `(L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`. PyTorch `nn.ConvTranspose1d`.
 * @example
 * const up = convTranspose1d({ inChannels: 4, outChannels: 2, kernelSize: 4, stride: 2, padding: 1 });
 * up.apply(up.init(random.key(0)), x); // x [8, 4, 50] -> [8, 2, 100]
 */
export function convTranspose1d(config: ConvTransposeConfig): Layer<ConvParams, null> {
  return convTransposeNd('convTranspose1d', 1, ops.convTranspose1d, config);
}

/**
 * 2-D transposed convolution layer: weight `[inChannels, outChannels/groups, kH, kW]`, output size per
 * dimension as in {@link convTranspose1d}. PyTorch `nn.ConvTranspose2d`.
 * @example
 * const up = convTranspose2d({ inChannels: 16, outChannels: 8, kernelSize: 2, stride: 2 });
 * up.apply(up.init(random.key(0)), x); // x [1, 16, 8, 8] -> [1, 8, 16, 16]
 */
export function convTranspose2d(config: ConvTransposeConfig): Layer<ConvParams, null> {
  return convTransposeNd('convTranspose2d', 2, ops.convTranspose2d, config);
}

/**
 * 3-D transposed convolution layer: weight `[inChannels, outChannels/groups, kD, kH, kW]`, output size
 * per dimension as in {@link convTranspose1d}. PyTorch `nn.ConvTranspose3d`.
 * @example
 * const up = convTranspose3d({ inChannels: 8, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 });
 * up.apply(up.init(random.key(0)), x); // x [1, 8, 4, 4, 4] -> [1, 4, 8, 8, 8]
 */
export function convTranspose3d(config: ConvTransposeConfig): Layer<ConvParams, null> {
  return convTransposeNd('convTranspose3d', 3, ops.convTranspose3d, config);
}
