/**
 * How each fixture op is called, and how much float32 round-off its results may carry.
 *
 * Ops are looked up by name at run time in the package's exports (other modules are still being written),
 * so a missing function is reported as an "unknown op" failure, never skipped; so is a fixture op that has
 * no entry here.
 *
 * Float32 tolerances follow README "Comparing results". The loosened rule applies to the families that
 * accumulate many terms per element and to their gradients: convolutions and transposed convolutions,
 * `linear`/`matmul`, the summing reductions (`sum mean prod var std logsumexp`; `max`/`min` select and do
 * not accumulate), and losses with `reduction: "sum"`. For these we use the README's finer alternative,
 * `atol = 1e-5 * sqrt(K) * max(1, max|expected|)`, with K the number of terms accumulated per element of the
 * tensor compared, so a small convolution is held tighter than a large one. Normalization layers get the
 * fixed loosened rule (their error comes from cancellation, not from a countable accumulation). Everything
 * else gets the float32 default.
 */
import type { NDArray } from '@lucid-ts/ndarray';
import { DEFAULT_RULE, LOOSE_RULE, type ToleranceRule } from './compare.js';

// biome-ignore lint/suspicious/noExplicitAny: ops are looked up by name and called with fixture arguments
export type AnyFn = (...args: any[]) => unknown;
export type Args = Record<string, unknown>;

/** Thrown when an op (or a function an hvp definition uses) is not exported by the package. */
export class UnknownOpError extends Error {
  override name = 'UnknownOpError';
}

/** The exported function `name`, or an UnknownOpError. */
export function lookupOp(ops: Record<string, unknown>, name: string): AnyFn {
  const f = Object.hasOwn(ops, name) ? ops[name] : undefined;
  if (typeof f !== 'function') throw new UnknownOpError(`unknown op ${name}: not exported by @lucid-ts/ops`);
  return f as AnyFn;
}

/** Shapes a tolerance rule may depend on. */
export interface ShapeInfo {
  args: Args;
  /** Input shapes in positional order (null for absent inputs). */
  inputs: [string, readonly number[] | null][];
  output: readonly number[];
}

export interface OpEntry {
  /** Calls the op `fn` with the fixture's inputs (positional order, `null` kept) and args. */
  call(fn: AnyFn, xs: (NDArray | null)[], args: Args): unknown;
  /** Float32 rule for the output (`tensor === 'output'`) or the gradient of input `tensor`. */
  rule?(info: ShapeInfo, tensor: string): ToleranceRule;
}

const size = (shape: readonly number[] | null | undefined) => (shape ?? []).reduce((a, b) => a * b, 1);
const terms = (k: number): ToleranceRule => ({ kind: 'terms', terms: Math.max(1, Math.ceil(k)) });

/**
 * For a product-accumulating op that does `total` multiply-adds: each element of a tensor of size n takes
 * part in about total / n of them (its K). A bias is only added once per output element, so its gradient
 * sums output.size / bias.size terms.
 */
function accumulating(total: (s: ShapeInfo) => number, biasIndex?: number) {
  return (s: ShapeInfo, tensor: string): ToleranceRule => {
    const t = total(s);
    if (tensor === 'output') return terms(t / Math.max(1, size(s.output)));
    const i = s.inputs.findIndex(([n]) => n === tensor);
    if (i === biasIndex) return terms(size(s.output) / Math.max(1, size(s.inputs[i][1])));
    return terms(t / Math.max(1, size(s.inputs[i]?.[1])));
  };
}

const shapeAt = (s: ShapeInfo, i: number) => s.inputs[i]?.[1] ?? [];

// conv: every output element sums Cin/groups * prod(kernel) products (weight is [Cout, Cin/groups, *K]).
const convRule = accumulating((s) => size(s.output) * size(shapeAt(s, 1).slice(1)), 2);
// transposed conv: every input element scatters into Cout/groups * prod(kernel) outputs ([Cin, Cout/g, *K]).
const convTransposeRule = accumulating((s) => size(shapeAt(s, 0)) * size(shapeAt(s, 1).slice(1)), 2);
// linear / matmul: every output element is a dot product over the inner dimension.
const linearRule = accumulating((s) => size(s.output) * (shapeAt(s, 0).at(-1) ?? 1), 2);
const matmulRule = accumulating((s) => size(s.output) * (shapeAt(s, 0).at(-1) ?? 1));
// summing reductions: K is the reduced count; their gradients reuse the reduced statistics.
const reduceRule = (s: ShapeInfo): ToleranceRule => terms(size(shapeAt(s, 0)) / Math.max(1, size(s.output)));
// losses summed (not averaged) over all elements.
const lossRule = (s: ShapeInfo): ToleranceRule =>
  s.args.reduction === 'sum' ? terms(size(shapeAt(s, 0))) : DEFAULT_RULE;

/** `args` without the listed keys (fixture-only annotations our API does not take). */
function without(args: Args, ...keys: string[]): Args {
  const out = { ...args };
  for (const k of keys) delete out[k];
  return out;
}

/** Conv args: PyTorch's "same" equals TF's rule at stride 1, and ours follows TF's for strides > 1. */
function convArgs(args: Args): Args {
  return args.padding === 'same' && args.sameMode === 'tf' ? without(args, 'sameMode') : args;
}

const unary: OpEntry = { call: (f, [x], args) => f(x, args) };
const binary: OpEntry = { call: (f, [a, b]) => f(a, b) };
const withArgs: OpEntry = { call: (f, [x], args) => f(x, args) };
const loss: OpEntry = { call: (f, [input, target], args) => f(input, target, args), rule: lossRule };
const norm: OpEntry = { call: (f, [x, w, b], args) => f(x, w, b, args), rule: () => LOOSE_RULE };
const conv: OpEntry = { call: (f, [x, w, b], args) => f(x, w, b, convArgs(args)), rule: convRule };
const convTranspose: OpEntry = { call: (f, [x, w, b], args) => f(x, w, b, args), rule: convTransposeRule };
const maxPool: OpEntry = { call: (f, [x], args) => f(x, without(args, 'ties')) };
const reduction: OpEntry = { call: (f, [x], args) => f(x, args), rule: reduceRule };

function entries(names: string, entry: OpEntry): [string, OpEntry][] {
  return names.split(' ').map((n) => [n, entry]);
}

export const OPS_TABLE: Readonly<Record<string, OpEntry>> = Object.freeze({
  ...Object.fromEntries([
    ...entries('neg abs exp log sqrt sin cos tanh sigmoid relu leakyRelu elu gelu silu softplus', unary),
    ...entries('add sub mul div pow maximum minimum', binary),
    ...entries('sum mean prod var std logsumexp', reduction),
    ...entries('max min', withArgs),
    ...entries('softmax logSoftmax', withArgs),
    ...entries('mseLoss crossEntropy nllLoss binaryCrossEntropyWithLogits', loss),
    ...entries('layerNorm batchNorm groupNorm', norm),
    ...entries('conv1d conv2d conv3d', conv),
    ...entries('convTranspose1d convTranspose2d convTranspose3d', convTranspose),
    ...entries('maxPool1d maxPool2d maxPool3d', maxPool),
    ...entries('avgPool1d avgPool2d avgPool3d', withArgs),
    ...entries('adaptiveAvgPool1d adaptiveAvgPool2d adaptiveAvgPool3d', withArgs),
    ...entries('adaptiveMaxPool1d adaptiveMaxPool2d adaptiveMaxPool3d', withArgs),
  ]),
  linear: { call: (f, [x, w, b]) => f(x, w, b), rule: linearRule },
  matmul: { call: (f, [a, b]) => f(a, b), rule: matmulRule },
  reshape: { call: (f, [x], { shape }) => f(x, shape) },
  permute: { call: (f, [x], { axes }) => f(x, axes) },
  transpose: {
    call: (f, [x], { axes }) => (Array.isArray(axes) ? f(x, axes[0], axes[1]) : f(x, axes)),
  },
  slice: {
    call: (f, [x], { starts, stops, steps }) => {
      const s = (starts ?? []) as unknown[];
      const stop = (stops ?? []) as unknown[];
      const step = (steps ?? []) as unknown[];
      return f(x, ...s.map((start, i) => ({ start, stop: stop[i], step: step[i] })));
    },
  },
  broadcastTo: { call: (f, [x], { shape }) => f(x, shape) },
  concat: { call: (f, xs, { axis }) => f(xs, axis) },
  stack: { call: (f, xs, { axis }) => f(xs, axis) },
  pad: { call: (f, [x], { pads, value }) => f(x, pads, { value }) },
  flip: { call: (f, [x], { axes }) => f(x, axes) },
  squeeze: { call: (f, [x], { axis }) => f(x, axis) },
  unsqueeze: { call: (f, [x], { axis }) => f(x, axis) },
  expandDims: { call: (f, [x], { axis }) => f(x, axis) },
});

/** The table entry for a fixture op, or an UnknownOpError. */
export function opEntry(op: string): OpEntry {
  const e = Object.hasOwn(OPS_TABLE, op) ? OPS_TABLE[op] : undefined;
  if (!e) throw new UnknownOpError(`unknown op ${op}: no entry in the conformance table`);
  return e;
}
