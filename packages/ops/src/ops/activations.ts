/**
 * Activation functions with PyTorch's formulas and constants. Each has a one-loop kernel that is stable
 * over the whole real line (sigmoid and softplus never overflow) and a VJP rule written with ops, so
 * second derivatives work (`gelu`'s rule uses `erfc`, `silu`'s uses `sigmoid`, and so on). Int32 and bool
 * inputs compute in float32, except `relu`, which keeps int32.
 */
import { ArgumentError, type NDArray } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { apply1, erfc as erfcKernel } from '../kernels/special.js';
import { add, floatDType, mul, sub } from './arith.js';
import { greater, where } from './compare.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { erfc, exp, square, tanh } from './unary.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_KAPPA = 0.044715;

function floatArg(x: ArrayOrScalar): NDArray {
  return asArray(x, floatDType(x));
}

function checkFinite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(`${fn}: ${name} must be a finite number, got ${String(v)}`);
  }
  return v;
}

const sigmoidPrim = definePrimitive({
  name: 'sigmoid',
  // exp of a non-positive number only, so nothing overflows; NaN falls through to the second branch.
  impl: ([x]) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) {
        const v = a[i];
        if (v >= 0) y[k] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          y[k] = e / (1 + e);
        }
      }
    }),
  vjp: (ct, { output: y }) => [mul(ct, mul(y, sub(1, y)))], // dσ(x) = σ(1 - σ) dx
});

const reluPrim = definePrimitive({
  name: 'relu',
  impl: ([x]) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.max(a[i], 0); // NaN propagates
    }),
  vjp: (ct, { inputs: [x] }) => [where(greater(x, 0), ct, 0)], // d relu(x) = [x > 0] dx
});

const leakyReluPrim = definePrimitive<{ slope: number }>({
  name: 'leakyRelu',
  impl: ([x], { slope }) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) {
        const v = a[i];
        y[k] = v > 0 ? v : slope * v;
      }
    }),
  // d leakyRelu(x) = (x > 0 ? 1 : slope) dx
  vjp: (ct, { inputs: [x], params: { slope } }) => [where(greater(x, 0), ct, mul(ct, slope))],
});

const eluPrim = definePrimitive<{ alpha: number; scale: number }>({
  name: 'elu',
  impl: ([x], { alpha, scale }) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) {
        const v = a[i];
        y[k] = scale * (v > 0 ? v : alpha * Math.expm1(v));
      }
    }),
  // d elu(x) = scale·dx for x > 0, scale·alpha·e^x dx = (y + scale·alpha) dx otherwise
  vjp: (ct, { inputs: [x], output: y, params: { alpha, scale } }) => [
    where(greater(x, 0), mul(ct, scale), mul(ct, add(y, scale * alpha))),
  ],
});

const geluPrim = definePrimitive<{ approximate: 'none' | 'tanh' }>({
  name: 'gelu',
  impl: ([x], { approximate }) =>
    approximate === 'none'
      ? // x·Φ(x) with Φ(x) = erfc(-x/√2)/2, which keeps its relative accuracy in the left tail
        apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
          for (let q = 0; q < n; q++, i += s, k += u) y[k] = 0.5 * a[i] * erfcKernel(-a[i] * Math.SQRT1_2);
        })
      : apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
          for (let q = 0; q < n; q++, i += s, k += u) {
            const v = a[i];
            y[k] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_KAPPA * v * v * v)));
          }
        }),
  vjp: (ct, { inputs: [x], params: { approximate } }) => {
    if (approximate === 'none') {
      // d(x Φ(x)) = (Φ(x) + x φ(x)) dx, φ(x) = e^(-x²/2)/√(2π)
      const cdf = mul(erfc(mul(x, -Math.SQRT1_2)), 0.5);
      const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
      return [mul(ct, add(cdf, mul(x, pdf)))];
    }
    // with u = √(2/π)(x + κx³), t = tanh(u): d(x(1 + t)/2) = ((1 + t) + x(1 - t²) du/dx)/2 dx
    const x2 = square(x);
    const t = tanh(mul(add(x, mul(mul(x, x2), GELU_KAPPA)), SQRT_2_OVER_PI));
    const dudx = mul(add(mul(x2, 3 * GELU_KAPPA), 1), SQRT_2_OVER_PI);
    return [mul(ct, mul(add(add(t, 1), mul(mul(x, sub(1, square(t))), dudx)), 0.5))];
  },
});

const siluPrim = definePrimitive({
  name: 'silu',
  // x / (1 + e^-x): e^-x = Infinity for very negative x gives -0, the right limit.
  impl: ([x]) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = a[i] / (1 + Math.exp(-a[i]));
    }),
  vjp: (ct, { inputs: [x] }) => {
    const sg = sigmoid(x);
    return [mul(ct, mul(sg, add(mul(x, sub(1, sg)), 1)))]; // d(x σ(x)) = σ(1 + x(1 - σ)) dx
  },
});

const softplusPrim = definePrimitive<{ beta: number; threshold: number }>({
  name: 'softplus',
  // log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow whatever the threshold.
  impl: ([x], { beta, threshold }) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) {
        const v = a[i];
        const z = beta * v;
        y[k] = z > threshold ? v : (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) / beta;
      }
    }),
  // d softplus(x) = σ(βx) dx on the smooth side, dx on the linear side (βx > threshold)
  vjp: (ct, { inputs: [x], params: { beta, threshold } }) => {
    const z = mul(x, beta);
    return [where(greater(z, threshold), ct, mul(ct, sigmoid(z)))];
  },
});

/**
 * Logistic sigmoid `σ(x) = 1 / (1 + e^(-x))`, stable for large |x|; gradient `σ(1 - σ)`.
 * PyTorch `torch.sigmoid`, JAX `jax.nn.sigmoid`.
 * @example sigmoid(array([0, 800, -800])) // [0.5, 1, 0]
 */
export function sigmoid(x: ArrayOrScalar): NDArray {
  return bind(sigmoidPrim, [floatArg(x)], {});
}

/**
 * Rectified linear unit `max(x, 0)` (NaN propagates); int32 stays int32. The gradient at 0 is 0, as in
 * PyTorch. PyTorch `torch.relu`, JAX `jax.nn.relu`.
 * @example relu(array([-1, 0, 2])) // [0, 0, 2]
 */
export function relu(x: ArrayOrScalar): NDArray {
  const a = asArray(x);
  return bind(reluPrim, [a.dtype === 'bool' ? asArray(a, 'int32') : a], {});
}

/**
 * Leaky ReLU: `x` if `x > 0`, else `negativeSlope · x`. PyTorch `F.leaky_relu(x, negative_slope)`,
 * JAX `jax.nn.leaky_relu`.
 * @example leakyRelu(array([-2, 3]), { negativeSlope: 0.1 }) // [-0.2, 3]
 */
export function leakyRelu(
  x: ArrayOrScalar,
  { negativeSlope = 0.01 }: { negativeSlope?: number } = {},
): NDArray {
  const slope = checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  return bind(leakyReluPrim, [floatArg(x)], { slope });
}

/**
 * Exponential linear unit: `x` if `x > 0`, else `alpha · (e^x - 1)`. PyTorch `F.elu(x, alpha)`,
 * JAX `jax.nn.elu`.
 * @example elu(array([-1, 2], { dtype: 'float64' })) // [-0.6321205588285577, 2]
 */
export function elu(x: ArrayOrScalar, { alpha = 1 }: { alpha?: number } = {}): NDArray {
  return bind(eluPrim, [floatArg(x)], { alpha: checkFinite('elu', 'alpha', alpha), scale: 1 });
}

/**
 * Scaled ELU: `scale · elu(x, alpha)` with PyTorch's constants alpha = 1.6732632423543772 and
 * scale = 1.0507009873554805. PyTorch `torch.selu`, JAX `jax.nn.selu`.
 * @example selu(array([1], { dtype: 'float64' })) // [1.0507009873554805]
 */
export function selu(x: ArrayOrScalar): NDArray {
  return bind(eluPrim, [floatArg(x)], { alpha: SELU_ALPHA, scale: SELU_SCALE });
}

/**
 * Gaussian error linear unit. `approximate: 'none'` (default): `x · Φ(x) = x/2 · (1 + erf(x/√2))`;
 * `'tanh'`: `x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³)))`. Gradients `Φ(x) + x φ(x)` and the derivative
 * of the tanh form. PyTorch `F.gelu(x, approximate=...)`, JAX `jax.nn.gelu(x, approximate=...)`.
 * @example gelu(array([1], { dtype: 'float64' })) // [0.8413447460685429]
 */
export function gelu(
  x: ArrayOrScalar,
  { approximate = 'none' }: { approximate?: 'none' | 'tanh' } = {},
): NDArray {
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  return bind(geluPrim, [floatArg(x)], { approximate });
}

/**
 * Sigmoid-weighted linear unit (swish) `x · σ(x)`; gradient `σ(x)(1 + x(1 - σ(x)))`.
 * PyTorch `F.silu`, JAX `jax.nn.silu`.
 * @example silu(array([0, 1], { dtype: 'float64' })) // [0, 0.7310585786300049]
 */
export function silu(x: ArrayOrScalar): NDArray {
  return bind(siluPrim, [floatArg(x)], {});
}

/**
 * Softplus `log(1 + e^(βx)) / β`, and `x` itself where `βx > threshold` (gradient 1 there, `σ(βx)`
 * elsewhere). Computed without overflow. PyTorch `F.softplus(x, beta, threshold)`, JAX
 * `jax.nn.softplus` (β = 1, no threshold).
 * @example softplus(array([0, 30])) // [0.6931472, 30]
 */
export function softplus(
  x: ArrayOrScalar,
  { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {},
): NDArray {
  if (checkFinite('softplus', 'beta', beta) === 0)
    throw new ArgumentError('softplus: beta must be nonzero, got 0');
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new ArgumentError(`softplus: threshold must be a number, got ${String(threshold)}`);
  }
  return bind(softplusPrim, [floatArg(x)], { beta, threshold });
}
