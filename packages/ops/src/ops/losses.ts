/**
 * Losses with PyTorch semantics: `mseLoss l1Loss huberLoss binaryCrossEntropyWithLogits crossEntropy
 * nllLoss`. Each computes an elementwise loss, then reduces it (`reduction`: 'mean' (default), 'sum' or
 * 'none'). Class indices are selected with `takeAlongAxis`, a differentiable gather, so second derivatives
 * of the losses work (and a -inf logit of a class that is not the target stays harmless).
 */
import {
  ArgumentError,
  DTypeError,
  fmtShape,
  isFloat,
  type NDArray,
  ShapeError,
  shapesEqual,
} from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, concreteOf } from '../core/tracer.js';
import { kernels } from '../kernels/index.js';
import { sigmoid } from './activations.js';
import { add, floatDType, mul, neg, sub } from './arith.js';
import { clip } from './binary.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { takeAlongAxis } from './gather.js';
import { mean } from './reduce.js';
import { reshape } from './reshape.js';
import { logSoftmax } from './softmax.js';
import { sum } from './sum.js';
import { abs } from './unary.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface LossOptions {
  /** 'mean' (default) averages the elementwise losses, 'sum' adds them, 'none' returns them. */
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends LossOptions {
  /** ε in [0, 1]: the target distribution becomes (1 - ε) one-hot + ε / C (default 0). */
  labelSmoothing?: number;
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1, positive). */
  delta?: number;
}

function checkReduction(fn: string, options: LossOptions): Reduction {
  const r = options.reduction ?? 'mean';
  if (r !== 'none' && r !== 'mean' && r !== 'sum') {
    throw new ArgumentError(`${fn}: reduction must be 'none', 'mean' or 'sum', got ${JSON.stringify(r)}`);
  }
  return r;
}

function reduceLoss(loss: NDArray, reduction: Reduction): NDArray {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

/** Both operands as floats of one dtype and the same shape (losses never broadcast, as PyTorch warns). */
function samePair(fn: string, input: ArrayOrScalar, target: ArrayOrScalar): [NDArray, NDArray] {
  const dtype = floatDType(input, target);
  const a = asArray(input, dtype);
  const b = asArray(target, dtype);
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(
      `${fn}: input and target must have the same shape, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  return [a, b];
}

/**
 * Mean squared error: `(input - target)^2`, reduced. PyTorch `F.mse_loss(input, target, reduction=)`.
 * @example mseLoss(array([1, 2]), array([0, 0])) // 2.5
 */
export function mseLoss(input: ArrayOrScalar, target: ArrayOrScalar, options: LossOptions = {}): NDArray {
  const reduction = checkReduction('mseLoss', options);
  const [a, b] = samePair('mseLoss', input, target);
  const d = sub(a, b);
  return reduceLoss(mul(d, d), reduction);
}

/**
 * Mean absolute error: `|input - target|`, reduced (gradient 0 where they are equal).
 * PyTorch `F.l1_loss(input, target, reduction=)`.
 * @example l1Loss(array([1, -2]), array([0, 0])) // 1.5
 */
export function l1Loss(input: ArrayOrScalar, target: ArrayOrScalar, options: LossOptions = {}): NDArray {
  const reduction = checkReduction('l1Loss', options);
  const [a, b] = samePair('l1Loss', input, target);
  return reduceLoss(abs(sub(a, b)), reduction);
}

const huberPrim = definePrimitive<{ delta: number }>({
  name: 'huberLoss',
  impl: ([a, b], { delta }) =>
    kernels.binary(a, b, (x, y) => {
      const d = Math.abs(x - y);
      return d < delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
    }),
  // dh = clip(d, -δ, δ) dd with d = input - target
  vjp: (ct, { inputs: [a, b], params: { delta } }) => {
    const g = mul(ct, clip(sub(a, b), -delta, delta));
    return [g, neg(g)];
  },
});

/**
 * Huber loss: with `d = |input - target|`, `0.5 d^2` where `d < delta`, else `delta (d - 0.5 delta)`;
 * reduced. PyTorch `F.huber_loss(input, target, reduction=, delta=)`.
 * @example huberLoss(array([0.5, 3]), array([0, 0])) // (0.125 + 2.5) / 2
 */
export function huberLoss(input: ArrayOrScalar, target: ArrayOrScalar, options: HuberOptions = {}): NDArray {
  const reduction = checkReduction('huberLoss', options);
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new ArgumentError(`huberLoss: delta must be a positive number, got ${String(delta)}`);
  }
  return reduceLoss(bind(huberPrim, samePair('huberLoss', input, target), { delta }), reduction);
}

const bcePrim = definePrimitive({
  name: 'binaryCrossEntropyWithLogits',
  impl: ([x, t]) =>
    kernels.binary(x, t, (v, w) => Math.max(v, 0) - v * w + Math.log1p(Math.exp(-Math.abs(v)))),
  // dℓ = (sigmoid(x) - t) dx - x dt
  vjp: (ct, { inputs: [x, t] }) => [mul(ct, sub(sigmoid(x), t)), neg(mul(ct, x))],
});

/**
 * Binary cross-entropy on logits, `-(t log σ(x) + (1 - t) log(1 - σ(x)))`, computed stably as
 * `max(x, 0) - x t + log1p(exp(-|x|))`; targets may be soft (in [0, 1]); differentiable in both.
 * PyTorch `F.binary_cross_entropy_with_logits(input, target, reduction=)`, Optax `sigmoid_binary_cross_entropy`.
 * @example binaryCrossEntropyWithLogits(array([0]), array([1])) // log 2
 */
export function binaryCrossEntropyWithLogits(
  input: ArrayOrScalar,
  target: ArrayOrScalar,
  options: LossOptions = {},
): NDArray {
  const reduction = checkReduction('binaryCrossEntropyWithLogits', options);
  return reduceLoss(bind(bcePrim, samePair('binaryCrossEntropyWithLogits', input, target), {}), reduction);
}

/**
 * Checks class-index targets for logits/log-probabilities `input` ([C] with a 0-d target, or [N, C, ...]
 * with [N, ...]) and returns `-input[n, target, ...]`-ready indices: `target` with a size-1 class axis.
 */
function classIndices(fn: string, input: NDArray, target: NDArray): NDArray {
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${fn}: target must be int32 class indices, got ${target.dtype}`);
  }
  const classes = input.ndim === 1 ? input.shape[0] : input.shape[1];
  const expected = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(
      `${fn}: target must have shape ${fmtShape(expected)} for input ${fmtShape(input.shape)}, got ${fmtShape(target.shape)}`,
    );
  }
  const t = concreteOf(target).contiguous();
  for (let i = 0; i < t.size; i++) {
    const c = t.data[i];
    if (c < 0 || c >= classes) {
      throw new ArgumentError(`${fn}: target values must be class indices in [0, ${classes}), got ${c}`);
    }
  }
  const kept = input.ndim === 1 ? [1] : [input.shape[0], 1, ...input.shape.slice(2)];
  return reshape(target, kept);
}

function checkInput(fn: string, input: ArrayOrScalar): NDArray {
  const a = asArray(input, floatDType(input));
  if (a.ndim === 0) {
    throw new ShapeError(
      `${fn}: input must be [C] or [N, C, d1, ...] with the class axis at 1, got shape []`,
    );
  }
  return a;
}

/** `input` gathered at the target class along the class axis, with the class axis removed. */
function pick(input: NDArray, indices: NDArray): NDArray {
  const axis = input.ndim === 1 ? 0 : 1;
  const shape = input.shape.filter((_, i) => i !== axis);
  return reshape(takeAlongAxis(input, indices, axis), shape);
}

/**
 * Negative log-likelihood: each element's loss is `-input[n, target[n, ...], ...]` for log-probabilities
 * `input` [N, C, d1, ...] (or [C]) and int32 class indices `target` [N, d1, ...] (or 0-d); reduced.
 * Targets outside [0, C) throw `ArgumentError`. PyTorch `F.nll_loss(input, target, reduction=)`.
 * @example nllLoss(log(array([[0.5, 0.5], [0.9, 0.1]])), array([0, 1])) // -(log 0.5 + log 0.1) / 2
 */
export function nllLoss(input: ArrayOrScalar, target: NDArray, options: LossOptions = {}): NDArray {
  const reduction = checkReduction('nllLoss', options);
  const a = checkInput('nllLoss', input);
  return reduceLoss(neg(pick(a, classIndices('nllLoss', a, asArray(target)))), reduction);
}

/**
 * Cross-entropy of logits `input` [N, C, d1, ...] (or [C]) against int32 class indices `target`
 * [N, d1, ...] (or 0-d): with `lp = logSoftmax(input, axis 1)` and `ε = labelSmoothing`, each element's
 * loss is `(1 - ε)(-lp[n, target]) + ε mean_c(-lp[n, c])`; reduced. A float `target` of the input's
 * shape holds class probabilities instead (`-Σ_c t'_c lp_c` with `t' = (1 - ε) t + ε / C`).
 * PyTorch `F.cross_entropy(input, target, reduction=, label_smoothing=)`, Optax `softmax_cross_entropy`.
 * @example crossEntropy(array([[2, 0], [0, 2]]), array([0, 0])) // (0.127 + 2.127) / 2
 */
export function crossEntropy(
  input: ArrayOrScalar,
  target: NDArray,
  options: CrossEntropyOptions = {},
): NDArray {
  const reduction = checkReduction('crossEntropy', options);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) {
    throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1], got ${String(eps)}`);
  }
  const a = checkInput('crossEntropy', input);
  const t = asArray(target);
  const axis = a.ndim === 1 ? 0 : 1;
  const lp = logSoftmax(a, { axis });
  if (isFloat(t.dtype)) {
    if (!shapesEqual(t.shape, a.shape)) {
      throw new ShapeError(
        `crossEntropy: probability targets must have the input's shape, got ${fmtShape(a.shape)} and ${fmtShape(t.shape)}`,
      );
    }
    const probs =
      eps === 0 ? asArray(t, a.dtype) : add(mul(asArray(t, a.dtype), 1 - eps), eps / a.shape[axis]);
    return reduceLoss(neg(sum(mul(lp, probs), { axis })), reduction);
  }
  const indices = classIndices('crossEntropy', a, t);
  let loss = neg(pick(lp, indices));
  if (eps > 0) {
    const smooth = neg(mean(lp, { axis }));
    loss = eps === 1 ? smooth : add(mul(loss, 1 - eps), mul(smooth, eps));
  }
  return reduceLoss(loss, reduction);
}
