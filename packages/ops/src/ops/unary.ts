/**
 * Elementwise math functions. Transcendental functions of int32/bool inputs compute in float32 (as in
 * PyTorch); `abs sign square floor ceil round` keep int32 (bool becomes int32). Each primitive's kernel is
 * one specialised loop (see kernels/special.ts); float32 results are computed in doubles and rounded once.
 */
import { isFloat, type NDArray } from '@lucid-ts/ndarray';
import { definePrimitive, type VjpRule } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { apply1, erfc as erfcKernel, erf as erfKernel, type Run1 } from '../kernels/special.js';
import { add, div, mul, neg, sub } from './arith.js';
import { type ArrayOrScalar, asArray } from './convert.js';

type Empty = Record<string, never>;

/** A same-dtype unary primitive from its run and its rule. */
function unaryPrim(name: string, run: Run1, vjp: VjpRule<Empty>) {
  return definePrimitive<Empty>({ name, impl: ([x]) => apply1(x, x.dtype, run), vjp });
}

/** The argument of a transcendental function: int32 and bool compute in float32. */
function floatArg(x: ArrayOrScalar): NDArray {
  const a = asArray(x);
  return isFloat(a.dtype) ? a : asArray(a, 'float32');
}

/** The argument of an integer-preserving function: bool becomes int32. */
function intArg(x: ArrayOrScalar): NDArray {
  const a = asArray(x);
  return a.dtype === 'bool' ? asArray(a, 'int32') : a;
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

const absPrim = unaryPrim(
  'abs',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.abs(x[i]);
  },
  (ct, { inputs: [x] }) => [mul(ct, sign(x))], // d|x| = sign(x) dx (0 at the kink, as PyTorch)
);

const signPrim = unaryPrim(
  'sign',
  (n, x, i, s, y, k, u) => {
    // -0 gives +0 (PyTorch); NaN stays NaN (NumPy and JAX; PyTorch gives 0).
    for (let q = 0; q < n; q++, i += s, k += u) {
      const v = x[i];
      y[k] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v;
    }
  },
  () => [null], // piecewise constant: zero derivative
);

const expPrim = unaryPrim(
  'exp',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.exp(x[i]);
  },
  (ct, { output }) => [mul(ct, output)], // d(exp x) = exp(x) dx
);

const expm1Prim = unaryPrim(
  'expm1',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.expm1(x[i]);
  },
  (ct, { output }) => [mul(ct, add(output, 1))], // d(exp x - 1) = exp(x) dx
);

const logPrim = unaryPrim(
  'log',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.log(x[i]);
  },
  (ct, { inputs: [x] }) => [div(ct, x)], // d(log x) = dx / x
);

const log1pPrim = unaryPrim(
  'log1p',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.log1p(x[i]);
  },
  (ct, { inputs: [x] }) => [div(ct, add(x, 1))], // d log(1 + x) = dx / (1 + x)
);

const sqrtPrim = unaryPrim(
  'sqrt',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.sqrt(x[i]);
  },
  (ct, { output }) => [div(ct, mul(output, 2))], // d√x = dx / (2√x)
);

const rsqrtPrim = unaryPrim(
  'rsqrt',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = 1 / Math.sqrt(x[i]);
  },
  (ct, { output: r }) => [mul(mul(ct, -0.5), mul(r, mul(r, r)))], // d x^(-1/2) = -x^(-3/2)/2 dx
);

const squarePrim = unaryPrim(
  'square',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = x[i] * x[i];
  },
  (ct, { inputs: [x] }) => [mul(ct, mul(x, 2))], // d(x²) = 2x dx
);

const sinPrim = unaryPrim(
  'sin',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.sin(x[i]);
  },
  (ct, { inputs: [x] }) => [mul(ct, cos(x))], // d(sin x) = cos(x) dx
);

const cosPrim = unaryPrim(
  'cos',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.cos(x[i]);
  },
  (ct, { inputs: [x] }) => [neg(mul(ct, sin(x)))], // d(cos x) = -sin(x) dx
);

const tanPrim = unaryPrim(
  'tan',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.tan(x[i]);
  },
  (ct, { output }) => [mul(ct, add(square(output), 1))], // d(tan x) = (1 + tan²x) dx
);

const tanhPrim = unaryPrim(
  'tanh',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.tanh(x[i]);
  },
  (ct, { output }) => [mul(ct, sub(1, square(output)))], // d(tanh x) = (1 - tanh²x) dx
);

const reciprocalPrim = unaryPrim(
  'reciprocal',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = 1 / x[i];
  },
  (ct, { output }) => [neg(mul(ct, square(output)))], // d(1/x) = -dx / x²
);

const floorPrim = unaryPrim(
  'floor',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.floor(x[i]);
  },
  () => [null], // piecewise constant: zero derivative (PyTorch too)
);

const ceilPrim = unaryPrim(
  'ceil',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.ceil(x[i]);
  },
  () => [null], // piecewise constant: zero derivative
);

const roundPrim = unaryPrim(
  'round',
  (n, x, i, s, y, k, u) => {
    // Math.round rounds halves up; a half that went up to an odd integer goes down instead.
    for (let q = 0; q < n; q++, i += s, k += u) {
      const v = x[i];
      const r = Math.round(v);
      y[k] = r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
  },
  () => [null], // piecewise constant: zero derivative
);

const erfPrim = unaryPrim(
  'erf',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = erfKernel(x[i]);
  },
  // d erf(x) = 2/√π exp(-x²) dx
  (ct, { inputs: [x] }) => [mul(ct, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))],
);

const erfcPrim = unaryPrim(
  'erfc',
  (n, x, i, s, y, k, u) => {
    for (let q = 0; q < n; q++, i += s, k += u) y[k] = erfcKernel(x[i]);
  },
  // d erfc(x) = -2/√π exp(-x²) dx
  (ct, { inputs: [x] }) => [mul(ct, mul(exp(neg(square(x))), -TWO_OVER_SQRT_PI))],
);

/**
 * Elementwise absolute value `|x|`; int32 stays int32. Gradient `sign(x)` (0 at 0).
 * PyTorch `torch.abs`, JAX `jnp.abs`.
 * @example abs(array([-2, 3])) // [2, 3]
 */
export function abs(x: ArrayOrScalar): NDArray {
  return bind(absPrim, [intArg(x)], {});
}

/**
 * Elementwise sign: -1, 0 or 1 (NaN stays NaN, as NumPy/JAX; PyTorch gives 0); int32 stays int32.
 * Zero gradient. PyTorch `torch.sign`, JAX `jnp.sign`.
 * @example sign(array([-2.5, 0, 4])) // [-1, 0, 1]
 */
export function sign(x: ArrayOrScalar): NDArray {
  return bind(signPrim, [intArg(x)], {});
}

/**
 * Elementwise `e^x`. PyTorch `torch.exp`, JAX `jnp.exp`.
 * @example exp(array([0, 1])) // [1, 2.7182817]
 */
export function exp(x: ArrayOrScalar): NDArray {
  return bind(expPrim, [floatArg(x)], {});
}

/**
 * Elementwise `e^x - 1`, accurate for small x. PyTorch `torch.expm1`, JAX `jnp.expm1`.
 * @example expm1(array([1e-10], { dtype: 'float64' })) // [1.00000000005e-10]
 */
export function expm1(x: ArrayOrScalar): NDArray {
  return bind(expm1Prim, [floatArg(x)], {});
}

/**
 * Elementwise natural logarithm `ln x` (-Infinity at 0, NaN below). PyTorch `torch.log`, JAX `jnp.log`.
 * @example log(array([1, Math.E])) // [0, 1]
 */
export function log(x: ArrayOrScalar): NDArray {
  return bind(logPrim, [floatArg(x)], {});
}

/**
 * Elementwise `ln(1 + x)`, accurate for small x. PyTorch `torch.log1p`, JAX `jnp.log1p`.
 * @example log1p(array([0, 1e-10], { dtype: 'float64' })) // [0, 9.9999999995e-11]
 */
export function log1p(x: ArrayOrScalar): NDArray {
  return bind(log1pPrim, [floatArg(x)], {});
}

/**
 * Elementwise square root `√x` (NaN below 0). PyTorch `torch.sqrt`, JAX `jnp.sqrt`.
 * @example sqrt(array([4, 9])) // [2, 3]
 */
export function sqrt(x: ArrayOrScalar): NDArray {
  return bind(sqrtPrim, [floatArg(x)], {});
}

/**
 * Elementwise reciprocal square root `1/√x`. PyTorch `torch.rsqrt`, JAX `lax.rsqrt`.
 * @example rsqrt(array([4, 0.25])) // [0.5, 2]
 */
export function rsqrt(x: ArrayOrScalar): NDArray {
  return bind(rsqrtPrim, [floatArg(x)], {});
}

/**
 * Elementwise `x²`; int32 stays int32. PyTorch `torch.square`, JAX `jnp.square`.
 * @example square(array([-3, 2])) // [9, 4]
 */
export function square(x: ArrayOrScalar): NDArray {
  return bind(squarePrim, [intArg(x)], {});
}

/**
 * Elementwise sine (radians). PyTorch `torch.sin`, JAX `jnp.sin`.
 * @example sin(array([0, Math.PI / 2])) // [0, 1]
 */
export function sin(x: ArrayOrScalar): NDArray {
  return bind(sinPrim, [floatArg(x)], {});
}

/**
 * Elementwise cosine (radians). PyTorch `torch.cos`, JAX `jnp.cos`.
 * @example cos(array([0, Math.PI])) // [1, -1]
 */
export function cos(x: ArrayOrScalar): NDArray {
  return bind(cosPrim, [floatArg(x)], {});
}

/**
 * Elementwise tangent (radians); gradient `1 + tan²x`. PyTorch `torch.tan`, JAX `jnp.tan`.
 * @example tan(array([0, Math.PI / 4], { dtype: 'float64' })) // [0, 0.9999999999999999]
 */
export function tan(x: ArrayOrScalar): NDArray {
  return bind(tanPrim, [floatArg(x)], {});
}

/**
 * Elementwise hyperbolic tangent; gradient `1 - tanh²x`. PyTorch `torch.tanh`, JAX `jnp.tanh`.
 * @example tanh(array([0, 100])) // [0, 1]
 */
export function tanh(x: ArrayOrScalar): NDArray {
  return bind(tanhPrim, [floatArg(x)], {});
}

/**
 * Elementwise `1/x` (always floating point). PyTorch `torch.reciprocal`, JAX `jnp.reciprocal`.
 * @example reciprocal(array([2, -4])) // [0.5, -0.25]
 */
export function reciprocal(x: ArrayOrScalar): NDArray {
  return bind(reciprocalPrim, [floatArg(x)], {});
}

/**
 * Elementwise largest integer ≤ x; int32 is returned unchanged. Zero gradient. PyTorch `torch.floor`,
 * JAX `jnp.floor`.
 * @example floor(array([-1.5, 1.5])) // [-2, 1]
 */
export function floor(x: ArrayOrScalar): NDArray {
  const a = intArg(x);
  return isFloat(a.dtype) ? bind(floorPrim, [a], {}) : a;
}

/**
 * Elementwise smallest integer ≥ x; int32 is returned unchanged. Zero gradient. PyTorch `torch.ceil`,
 * JAX `jnp.ceil`.
 * @example ceil(array([-1.5, 1.5])) // [-1, 2]
 */
export function ceil(x: ArrayOrScalar): NDArray {
  const a = intArg(x);
  return isFloat(a.dtype) ? bind(ceilPrim, [a], {}) : a;
}

/**
 * Elementwise rounding to the nearest integer, halves to even (banker's rounding, as PyTorch, NumPy and
 * JAX); int32 is returned unchanged. Zero gradient. PyTorch `torch.round`, JAX `jnp.round`.
 * @example round(array([0.5, 1.5, 2.5, -0.5, 2.6])) // [0, 2, 2, -0, 3]
 */
export function round(x: ArrayOrScalar): NDArray {
  const a = intArg(x);
  return isFloat(a.dtype) ? bind(roundPrim, [a], {}) : a;
}

/**
 * Elementwise error function `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt` (about one ulp in float64); gradient
 * `2/√π e^(-x²)`. PyTorch `torch.erf`, JAX `jax.scipy.special.erf`.
 * @example erf(array([0, 1], { dtype: 'float64' })) // [0, 0.8427007929497149]
 */
export function erf(x: ArrayOrScalar): NDArray {
  return bind(erfPrim, [floatArg(x)], {});
}

/**
 * Elementwise complementary error function `erfc(x) = 1 - erf(x)`, without cancellation for large x.
 * PyTorch `torch.erfc`, JAX `jax.scipy.special.erfc`.
 * @example erfc(array([0, 6], { dtype: 'float64' })) // [1, 2.1519736712498913e-17]
 */
export function erfc(x: ArrayOrScalar): NDArray {
  return bind(erfcPrim, [floatArg(x)], {});
}
