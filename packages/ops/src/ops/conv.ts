/**
 * Convolutions `conv1d conv2d conv3d` and transposed convolutions `convTranspose1d convTranspose2d
 * convTranspose3d`, with PyTorch semantics (cross-correlation, channels-first, groups, dilation). This file
 * normalises the arguments and throws the errors, before anything is computed; the primitives and their
 * derivative rules are in conv-prims.ts, the im2col/GEMM kernels in kernels/conv.ts.
 */
import { ArgumentError, DTypeError, fmtShape, isFloat, NDArray, ShapeError } from '@lucid-ts/ndarray';
import { add } from './arith.js';
import { type ConvGeometry, conv, convInputGrad } from './conv-prims.js';
import { asArray, resultDType } from './convert.js';
import { reshape } from './reshape.js';
import { batched, spatialArg } from './spatial.js';

/** An int for every spatial dimension, one int per dimension, `'valid'` (0) or `'same'`. */
export type ConvPadding = number | readonly number[] | 'valid' | 'same';

/** Options of `conv1d`/`conv2d`/`conv3d`; an int applies to every spatial dimension. */
export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: number | readonly number[];
  /** Zeros on both sides of each spatial dimension (default 0), `'valid'` or `'same'`. */
  padding?: ConvPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups (default 1); `groups = Cin` is a depthwise convolution. */
  groups?: number;
}

/** Options of `convTranspose1d`/`2d`/`3d`; an int applies to every spatial dimension. */
export interface ConvTransposeOptions {
  stride?: number | readonly number[];
  /** Positions dropped at both ends of each spatial dimension of the result (default 0). */
  padding?: number | readonly number[];
  /** Extra positions at the end of each spatial dimension (default 0), below `max(stride, dilation)`. */
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
}

type Bias = NDArray | null | undefined;

/** The float dtype all operands compute in; ints and bools are refused, as PyTorch does. */
function floatOperands(fn: string, x: unknown, weight: unknown, bias: unknown): NDArray['dtype'] {
  const named: [string, unknown][] = [
    ['input', x],
    ['weight', weight],
  ];
  if (bias !== null && bias !== undefined) named.push(['bias', bias]);
  for (const [name, a] of named) {
    if (!(a instanceof NDArray)) {
      throw new ArgumentError(`${fn}: ${name} must be an NDArray, got ${a === null ? 'null' : typeof a}`);
    }
  }
  const arrays = named.map(([, a]) => a as NDArray);
  if (!arrays.every((a) => isFloat(a.dtype))) {
    throw new DTypeError(
      `${fn}: ${named.map(([n]) => n).join(', ')} must be float32 or float64, got ${arrays.map((a) => a.dtype).join(', ')}`,
    );
  }
  return resultDType(...arrays);
}

function checkGroups(fn: string, groups: unknown): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new ArgumentError(`${fn}: groups must be a positive integer, got ${JSON.stringify(groups)}`);
  }
  return groups;
}

/** Checks the weight's rank and kernel sizes; returns the kernel size. */
function kernelOf(fn: string, weight: NDArray, d: number, layout: string, shapes: string): number[] {
  const k = weight.shape.slice(2);
  if (weight.ndim !== d + 2 || k.some((v) => v < 1)) {
    throw new ShapeError(
      `${fn}: weight must be [${layout}, ${['kL', 'kH, kW', 'kD, kH, kW'][d - 1]}] with kernel sizes >= 1, got ${shapes}`,
    );
  }
  return k;
}

function checkBias(fn: string, bias: Bias, cout: number, shapes: string): void {
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) {
    throw new ShapeError(
      `${fn}: bias must have shape [${cout}] (one value per output channel), got bias shape ${fmtShape(bias.shape)}, ${shapes}`,
    );
  }
}

/** Per-dimension zeros before and after the input; 'same' follows TensorFlow's rule (PyTorch's at stride 1). */
function resolvePadding(
  fn: string,
  padding: unknown,
  input: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number[], number[]] {
  const d = input.length;
  if (padding === 'same') {
    const before: number[] = [];
    const after: number[] = [];
    input.forEach((n, i) => {
      const out = Math.ceil(n / stride[i]);
      const total = Math.max((out - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - n, 0);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
    });
    return [before, after];
  }
  if (padding === 'valid') return [new Array<number>(d).fill(0), new Array<number>(d).fill(0)];
  if (typeof padding === 'string') {
    throw new ArgumentError(
      `${fn}: padding must be an integer, ${d} integer${d > 1 ? 's' : ''}, 'valid' or 'same', got ${JSON.stringify(padding)}`,
    );
  }
  const p = spatialArg(fn, 'padding', padding as number | readonly number[], d, 0);
  return [p, p.slice()];
}

function convNd(
  fn: string,
  d: number,
  x: NDArray,
  weight: NDArray,
  bias: Bias,
  options: ConvOptions,
): NDArray {
  const dtype = floatOperands(fn, x, weight, bias);
  const shapes = `input shape ${fmtShape(x.shape)}, weight shape ${fmtShape(weight.shape)}`;
  const { x: xb, unbatched } = batched(fn, x, d);
  const kernel = kernelOf(fn, weight, d, 'Cout, Cin/groups', shapes);
  const stride = spatialArg(fn, 'stride', options.stride ?? 1, d, 1);
  const dilation = spatialArg(fn, 'dilation', options.dilation ?? 1, d, 1);
  const groups = checkGroups(fn, options.groups ?? 1);
  const [cin, cout] = [xb.shape[1], weight.shape[0]];
  if (cin % groups !== 0) {
    throw new ShapeError(`${fn}: groups=${groups} must divide the input channels, got ${cin}, ${shapes}`);
  }
  if (cout % groups !== 0) {
    throw new ShapeError(
      `${fn}: groups=${groups} must divide the output channels (weight dimension 0), got ${cout}, ${shapes}`,
    );
  }
  if (cin !== weight.shape[1] * groups) {
    throw new ShapeError(
      `${fn}: input has ${cin} channels but weight expects ${weight.shape[1] * groups} (groups=${groups}), ${shapes}`,
    );
  }
  checkBias(fn, bias, cout, shapes);
  const input = xb.shape.slice(2);
  const [before, after] = resolvePadding(fn, options.padding ?? 0, input, kernel, stride, dilation);
  const span = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  const padded = input.map((n, i) => n + before[i] + after[i]);
  if (padded.some((n, i) => n < span[i])) {
    throw new ShapeError(
      `${fn}: kernel ${span.join('x')} (dilated) is larger than the padded input ${padded.join('x')}, ${shapes}`,
    );
  }
  const geom: ConvGeometry = {
    inSize: input,
    outSize: padded.map((n, i) => Math.floor((n - span[i]) / stride[i]) + 1),
    kernelSize: kernel,
    stride,
    dilation,
    padBefore: before,
    groups,
  };
  return finish(conv(asArray(xb, dtype), asArray(weight, dtype), geom), bias, dtype, unbatched);
}

/** Adds the bias per output channel (a broadcast add: its VJP sums) and drops an added batch axis. */
function finish(y: NDArray, bias: Bias, dtype: NDArray['dtype'], unbatched: boolean): NDArray {
  let out = y;
  if (bias) out = add(out, reshape(asArray(bias, dtype), [bias.shape[0], ...y.shape.slice(2).map(() => 1)]));
  return unbatched ? reshape(out, out.shape.slice(1)) : out;
}

function convTransposeNd(
  fn: string,
  d: number,
  x: NDArray,
  weight: NDArray,
  bias: Bias,
  options: ConvTransposeOptions,
): NDArray {
  const dtype = floatOperands(fn, x, weight, bias);
  const shapes = `input shape ${fmtShape(x.shape)}, weight shape ${fmtShape(weight.shape)}`;
  const { x: xb, unbatched } = batched(fn, x, d);
  const kernel = kernelOf(fn, weight, d, 'Cin, Cout/groups', shapes);
  const stride = spatialArg(fn, 'stride', options.stride ?? 1, d, 1);
  const dilation = spatialArg(fn, 'dilation', options.dilation ?? 1, d, 1);
  const padding = options.padding ?? 0;
  if (typeof padding === 'string') {
    throw new ArgumentError(
      `${fn}: padding must be an integer or ${d} integer${d > 1 ? 's' : ''} ('same' and 'valid' are not defined for transposed convolutions), got ${JSON.stringify(padding)}`,
    );
  }
  const pad = spatialArg(fn, 'padding', padding, d, 0);
  const outputPadding = spatialArg(fn, 'outputPadding', options.outputPadding ?? 0, d, 0);
  if (outputPadding.some((p, i) => p >= Math.max(stride[i], dilation[i]))) {
    throw new ArgumentError(
      `${fn}: outputPadding must be smaller than max(stride, dilation) in every dimension, got outputPadding [${outputPadding}] with stride [${stride}] and dilation [${dilation}]`,
    );
  }
  const groups = checkGroups(fn, options.groups ?? 1);
  const cin = xb.shape[1];
  if (cin % groups !== 0) {
    throw new ShapeError(`${fn}: groups=${groups} must divide the input channels, got ${cin}, ${shapes}`);
  }
  if (cin !== weight.shape[0]) {
    throw new ShapeError(
      `${fn}: input has ${cin} channels but weight expects ${weight.shape[0]} (weight dimension 0), ${shapes}`,
    );
  }
  const cout = weight.shape[1] * groups;
  checkBias(fn, bias, cout, shapes);
  const input = xb.shape.slice(2);
  const outSize = input.map(
    (n, i) => (n - 1) * stride[i] - 2 * pad[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1,
  );
  if (outSize.some((n) => n < 1)) {
    throw new ShapeError(
      `${fn}: output size must be at least 1 in every dimension, got [${outSize}] from stride [${stride}], padding [${pad}], dilation [${dilation}], outputPadding [${outputPadding}], ${shapes}`,
    );
  }
  // The transposed convolution is the adjoint in x of the convolution that maps outSize back to input.
  const geom: ConvGeometry = {
    inSize: outSize,
    outSize: input,
    kernelSize: kernel,
    stride,
    dilation,
    padBefore: pad,
    groups,
  };
  return finish(convInputGrad(asArray(xb, dtype), asArray(weight, dtype), geom), bias, dtype, unbatched);
}

/**
 * 1-D convolution (cross-correlation) over `x` `[N, Cin, L]` (or unbatched `[Cin, L]`) with `weight`
 * `[Cout, Cin/groups, kL]` and an optional `bias` `[Cout]`:
 * `y[n, o, p] = bias[o] + Σ_{c, k} weight[o, c, k] · x[n, g·Cin/groups + c, p·stride + k·dilation − padding]`
 * (zero outside the input; g is o's group), with `Lout = ⌊(L + 2·padding − dilation·(kL − 1) − 1) / stride⌋ + 1`.
 * `padding: 'same'` gives `Lout = ⌈L / stride⌉` with `total = max((Lout − 1)·stride + dilation·(kL − 1) +
 * 1 − L, 0)` zeros, `⌊total / 2⌋` before and the rest after: PyTorch's `padding='same'` at stride 1, and
 * TensorFlow's SAME rule for strides > 1, which PyTorch refuses. PyTorch `F.conv1d`, JAX
 * `lax.conv_general_dilated`.
 * @example
 * const x = array([[[1, 2, 3, 4, 5]]], { dtype: 'float64' }); // [N=1, Cin=1, L=5]
 * const w = array([[[1, 0, -1]]], { dtype: 'float64' }); // [Cout=1, Cin=1, kL=3]
 * conv1d(x, w).toArray(); // [[[-2, -2, -2]]]
 * conv1d(x, w, null, { stride: 2, padding: 'same' }).toArray(); // [[[-2, -2, 4]]] (one zero each side)
 */
export function conv1d(
  x: NDArray,
  weight: NDArray,
  bias?: NDArray | null,
  options: ConvOptions = {},
): NDArray {
  return convNd('conv1d', 1, x, weight, bias, options);
}

/**
 * 2-D convolution (cross-correlation) over `x` `[N, Cin, H, W]` (or `[Cin, H, W]`) with `weight`
 * `[Cout, Cin/groups, kH, kW]` and an optional `bias` `[Cout]`; per spatial dimension
 * `out = ⌊(in + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1`, and `'same'` as in {@link conv1d}
 * (TensorFlow's rule when a stride exceeds 1). PyTorch `F.conv2d`, JAX `lax.conv_general_dilated`.
 * @example
 * // Depthwise: one 3x3 filter per channel (groups = Cin, weight [C, 1, 3, 3]).
 * const y = conv2d(ones([1, 2, 4, 4]), ones([2, 1, 3, 3]), null, { padding: 1, groups: 2 });
 * y.get(0, 1, 0, 0); // 4: a corner window covers four input elements
 */
export function conv2d(
  x: NDArray,
  weight: NDArray,
  bias?: NDArray | null,
  options: ConvOptions = {},
): NDArray {
  return convNd('conv2d', 2, x, weight, bias, options);
}

/**
 * 3-D convolution (cross-correlation) over `x` `[N, Cin, D, H, W]` (or `[Cin, D, H, W]`) with `weight`
 * `[Cout, Cin/groups, kD, kH, kW]` and an optional `bias` `[Cout]`; per spatial dimension
 * `out = ⌊(in + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1`, and `'same'` as in {@link conv1d}.
 * Lowered to one GEMM per group over a vol2col buffer. PyTorch `F.conv3d`, JAX `lax.conv_general_dilated`.
 * @example
 * conv3d(ones([1, 1, 3, 3, 3]), ones([1, 1, 2, 2, 2]), array([0.5])).toArray(); // 8.5 in each of 2x2x2
 */
export function conv3d(
  x: NDArray,
  weight: NDArray,
  bias?: NDArray | null,
  options: ConvOptions = {},
): NDArray {
  return convNd('conv3d', 3, x, weight, bias, options);
}

/**
 * 1-D transposed convolution, the adjoint (input gradient) of {@link conv1d} with the same stride,
 * padding, dilation and groups: `x` `[N, Cin, L]` (or `[Cin, L]`), `weight` `[Cin, Cout/groups, kL]`,
 * optional `bias` `[Cout]`. Each `x[n, c, i]` scatters `x · weight[c, o, k]` to position
 * `i·stride + k·dilation − padding`, and `Lout = (L − 1)·stride − 2·padding + dilation·(kL − 1) +
 * outputPadding + 1`. PyTorch `F.conv_transpose1d`, JAX `lax.conv_transpose`.
 * @example
 * const x = array([[[1, 2, 3]]], { dtype: 'float64' });
 * const w = array([[[1, 1]]], { dtype: 'float64' });
 * convTranspose1d(x, w).toArray(); // [[[1, 3, 5, 3]]]
 * convTranspose1d(x, w, null, { stride: 2 }).toArray(); // [[[1, 1, 2, 2, 3, 3]]]
 */
export function convTranspose1d(
  x: NDArray,
  weight: NDArray,
  bias?: NDArray | null,
  options: ConvTransposeOptions = {},
): NDArray {
  return convTransposeNd('convTranspose1d', 1, x, weight, bias, options);
}

/**
 * 2-D transposed convolution (adjoint of {@link conv2d}): `x` `[N, Cin, H, W]` (or `[Cin, H, W]`), `weight`
 * `[Cin, Cout/groups, kH, kW]`, optional `bias` `[Cout]`; per spatial dimension
 * `out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`. PyTorch `F.conv_transpose2d`.
 * @example
 * // The usual 2x upsampling layer: stride 2, 3x3 kernel, padding 1, outputPadding 1.
 * convTranspose2d(ones([1, 4, 8, 8]), ones([4, 2, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 })
 *   .shape; // [1, 2, 16, 16]
 */
export function convTranspose2d(
  x: NDArray,
  weight: NDArray,
  bias?: NDArray | null,
  options: ConvTransposeOptions = {},
): NDArray {
  return convTransposeNd('convTranspose2d', 2, x, weight, bias, options);
}

/**
 * 3-D transposed convolution (adjoint of {@link conv3d}): `x` `[N, Cin, D, H, W]` (or `[Cin, D, H, W]`),
 * `weight` `[Cin, Cout/groups, kD, kH, kW]`, optional `bias` `[Cout]`; per spatial dimension
 * `out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`. PyTorch `F.conv_transpose3d`.
 * @example
 * convTranspose3d(ones([1, 2, 4, 4, 4]), ones([2, 3, 2, 2, 2]), null, { stride: 2 }).shape; // [1, 3, 8, 8, 8]
 */
export function convTranspose3d(
  x: NDArray,
  weight: NDArray,
  bias?: NDArray | null,
  options: ConvTransposeOptions = {},
): NDArray {
  return convTransposeNd('convTranspose3d', 3, x, weight, bias, options);
}
