/**
 * `softmax` and `logSoftmax` along one axis. Both kernels subtract the maximum first, so large logits
 * neither overflow nor lose precision; both VJP rules are written with ops (and use the forward output),
 * so Hessians work.
 */
import { type NDArray, normalizeAxis } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { softmaxKernel } from '../kernels/reduce.js';
import { floatDType, mul, sub } from './arith.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

export interface SoftmaxOptions {
  /** The axis that sums to one (default -1, the last). */
  axis?: number;
}

const softmaxPrim = definePrimitive<{ axis: number }>({
  name: 'softmax',
  impl: ([x], { axis }) => softmaxKernel(x, axis, false),
  // ds = s ⊙ (dx - <s, dx>) along the axis, so x̄ = s ⊙ (ȳ - Σ ȳ s)
  vjp: (ct, { output: s, params: { axis } }) => [mul(s, sub(ct, sum(mul(ct, s), { axis, keepdims: true })))],
});

const logSoftmaxPrim = definePrimitive<{ axis: number }>({
  name: 'logSoftmax',
  impl: ([x], { axis }) => softmaxKernel(x, axis, true),
  // d logsoftmax(x) = dx - <softmax(x), dx>, so x̄ = ȳ - softmax(x) Σ ȳ
  vjp: (ct, { inputs: [x], params: { axis } }) => [
    sub(ct, mul(softmax(x, { axis }), sum(ct, { axis, keepdims: true }))),
  ],
});

/** Runs a single-axis primitive; a 0-d input is treated as one element along axis 0 or -1 (PyTorch). */
function alongAxis(fn: string, prim: typeof softmaxPrim, x: ArrayOrScalar, axis: number): NDArray {
  const a = asArray(x, floatDType(x));
  if (a.ndim === 0) {
    normalizeAxis(fn, axis, 1);
    return reshape(bind(prim, [reshape(a, [1])], { axis: 0 }), []);
  }
  return bind(prim, [a], { axis: normalizeAxis(fn, axis, a.ndim) });
}

/**
 * `exp(x) / sum(exp(x))` along `axis` (default -1), computed as `exp(x - max) / sum(exp(x - max))`.
 * Integer inputs give float32. PyTorch `torch.softmax(x, dim)`, JAX `jax.nn.softmax(x, axis)`.
 * @example softmax(array([1, 2, 3])) // [0.0900, 0.2447, 0.6652]
 */
export function softmax(x: ArrayOrScalar, options: SoftmaxOptions = {}): NDArray {
  return alongAxis('softmax', softmaxPrim, x, options.axis ?? -1);
}

/**
 * `x - logsumexp(x)` along `axis` (default -1), computed as `x - max - log(sum(exp(x - max)))`: exact
 * where `log(softmax(x))` would underflow to -inf. PyTorch `torch.log_softmax(x, dim)`,
 * JAX `jax.nn.log_softmax(x, axis)`.
 * @example logSoftmax(array([0, 1000])) // [-1000, 0]
 */
export function logSoftmax(x: ArrayOrScalar, options: SoftmaxOptions = {}): NDArray {
  return alongAxis('logSoftmax', logSoftmaxPrim, x, options.axis ?? -1);
}
