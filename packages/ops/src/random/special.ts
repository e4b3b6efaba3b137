/**
 * Scalar special functions for sampling, accurate to a few ulps in float64 over the whole range: the
 * normal CDF and its logarithm (through erfc), its inverse, and erfinv. Internal to the random module
 * (the differentiable `erf`/`erfinv` ops live with the unary ops).
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const LN_2PI = Math.log(2 * Math.PI);

// Giles, "Approximating the erfinv function" (GPU Computing Gems 2, 2010), double-precision version, as in
// XLA's erf_inv: erfinv(x) = x * P(w), w = -log((1-x)(1+x)). Accurate to ~5e-16 for w < 35 (we checked
// against mpmath); past that (|x| within 1e-15 of 1) the tail Newton solver below takes over. The
// coefficients are written in shortest round-trip form: the same doubles as the paper's 20-digit ones.
const GILES_A = [
  -3.64441206401782e-21, -1.6850591381820166e-19, 1.28584807152564e-18, 1.1157877678025181e-17,
  -1.333171662854621e-16, 2.0972767875968562e-17, 6.637638134358324e-15, -4.054566272975207e-14,
  -8.151934197605472e-14, 2.6335093153082323e-12, -1.2975133253453532e-11, -5.415412054294628e-11,
  1.0512122733215323e-9, -4.112633980346984e-9, -2.9070369957882005e-8, 4.2347877827932404e-7,
  -1.3654692000834679e-6, -1.3882523362786469e-5, 0.00018673420803405714, -0.000740702534166267,
  -0.006033670871430149, 0.24015818242558962, 1.6536545626831027,
];
const GILES_B = [
  2.2137376921775787e-9, 9.075656193888539e-8, -2.7517406297064545e-7, 1.8239629214389228e-8,
  1.5027403968909828e-6, -4.013867526981546e-6, 2.9234449089955446e-6, 1.2475304481671779e-5,
  -4.7318229009055734e-5, 6.828485145957318e-5, 2.4031110387097894e-5, -0.0003550375203628475,
  0.0009532893797373805, -0.0016882755560235047, 0.002491442096107851, -0.003751208507569241,
  0.005370914553590064, 1.0052589676941592, 3.0838856104922208,
];
const GILES_C = [
  -2.7109920616438573e-11, -2.555641816996525e-10, 1.5076572693500548e-9, -3.789465440126737e-9,
  7.61570120807834e-9, -1.496002662714924e-8, 2.914795345090108e-8, -6.771199775845234e-8,
  2.2900482228026655e-7, -9.9298272942317e-7, 4.526062597223154e-6, -1.968177810553167e-5,
  7.599527703001776e-5, -0.00021503011930044477, -0.00013871931833623122, 1.0103004648645344,
  4.849906401408584,
];
/** Giles' polynomial is accurate below this w = -log((1-x)(1+x)). */
const TAIL_W = 35;

function horner(c: readonly number[], w: number): number {
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = p * w + c[i];
  return p;
}

function giles(w: number): number {
  if (w < 6.25) return horner(GILES_A, w - 3.125);
  if (w < 16) return horner(GILES_B, Math.sqrt(w) - 3.25);
  return horner(GILES_C, Math.sqrt(w) - 5);
}

/** exp(-x²) without the error of rounding x² first (x = m + f with m on a 1/32 grid, m² exact). */
function expMinusSquare(x: number): number {
  const m = Math.round(x * 32) / 32;
  const f = x - m;
  return Math.exp(-m * m) * Math.exp(-(2 * m + f) * f);
}

/** erf(x) for 0 <= x < 1.5: e^{-x²} 2/√π Σ 2^n x^{2n+1} / (2n+1)!!, all terms positive (no cancellation). */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; term > sum * 1e-17; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRT_PI) * expMinusSquare(x) * sum;
}

/**
 * e^{z²} erfc(z) for z >= 1.5 by the continued fraction 1/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …))))
 * (modified Lentz; under 100 terms at z = 1.5, 6 at z = 26).
 */
function erfcScaled(z: number): number {
  if (z === Number.POSITIVE_INFINITY) return 0;
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = z + a * d;
    d = 1 / (d === 0 ? tiny : d);
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** The complementary error function, relative error ~1e-15 everywhere (checked against mpmath). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1.5) return 1 - erfSeries(x);
  return x === Number.POSITIVE_INFINITY ? 0 : expMinusSquare(x) * erfcScaled(x);
}

/** The standard normal CDF Φ(x) = erfc(-x/√2)/2. */
export function ndtr(x: number): number {
  return erfc(-x * Math.SQRT1_2) / 2;
}

/** log Φ(x), finite far into the lower tail (x = -1e150 still works), with ~1e-15 relative error. */
export function logNdtr(x: number): number {
  if (x > 0) return Math.log1p(-ndtr(-x)); // log(1 - tiny) would lose the tiny
  const z = -x * Math.SQRT1_2;
  if (z < 1.5) return Math.log(erfc(z) / 2);
  if (z === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  return -(x * x) / 2 + Math.log(erfcScaled(z) / 2);
}

/**
 * The x < 0 with log Φ(x) = lq, for lq below about -36 (Φ(x) < 2e-16): Newton on the concave
 * log Φ, whose iterates approach the root monotonically after the first step.
 */
function ndtriLogTail(lq: number): number {
  if (lq === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const t = -2 * lq;
  let x = -Math.sqrt(t - Math.log(t) - LN_2PI); // asymptotic start, ~1% off
  for (let i = 0; i < 100; i++) {
    const g = erfcScaled(-x * Math.SQRT1_2);
    const h = -(x * x) / 2 + Math.log(g / 2) - lq;
    const dx = (h * g) / SQRT_2_OVER_PI; // h / (d log Φ / dx), with d log Φ / dx = √(2/π) / g
    x -= dx;
    if (Math.abs(dx) <= 1e-15 * Math.abs(x)) break;
  }
  return x;
}

const LOG_TAIL = -(TAIL_W + Math.log(4));

/** The inverse normal CDF Φ⁻¹(p) (SciPy `ndtri`); -Inf at 0, +Inf at 1, NaN outside [0, 1]. */
export function ndtri(p: number): number {
  if (!(p > 0 && p < 1))
    return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const w = -Math.log(4 * p * (1 - p));
  if (w < TAIL_W) return Math.SQRT2 * (2 * p - 1) * giles(w);
  return p < 0.5 ? ndtriLogTail(Math.log(p)) : -ndtriLogTail(Math.log1p(-p));
}

/** Φ⁻¹(exp(lp)) for lp <= log(1/2), accurate even when exp(lp) underflows. */
export function ndtriLog(lp: number): number {
  return lp < LOG_TAIL ? ndtriLogTail(lp) : ndtri(Math.exp(lp));
}

/** The inverse error function on [-1, 1] (±Inf at ±1, NaN outside). */
export function erfinv(x: number): number {
  if (!(x > -1 && x < 1))
    return x === -1 ? Number.NEGATIVE_INFINITY : x === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const w = -Math.log((1 - x) * (1 + x));
  if (w < TAIL_W) return x * giles(w);
  // erf(y) = x  <=>  Φ(√2 y) = (1 + x) / 2  <=>  √2 y = -Φ⁻¹((1 - x) / 2); 1 - |x| is exact here.
  const tail = -ndtriLogTail(Math.log((1 - Math.abs(x)) / 2)) * Math.SQRT1_2;
  return x < 0 ? -tail : tail;
}

const scratch = new DataView(new ArrayBuffer(8));

/** The next representable value after `x` towards +Inf (`dir` = 1) or -Inf (`dir` = -1), in float32 or float64. */
export function nextAfter(x: number, dir: 1 | -1, dtype: 'float32' | 'float64'): number {
  if (Number.isNaN(x) || x === dir * Number.POSITIVE_INFINITY) return x;
  if (x === 0) return dir * (dtype === 'float32' ? 2 ** -149 : Number.MIN_VALUE);
  const up = x > 0 === dir > 0;
  if (dtype === 'float32') {
    scratch.setFloat32(0, x);
    scratch.setUint32(0, scratch.getUint32(0) + (up ? 1 : -1));
    return scratch.getFloat32(0);
  }
  scratch.setFloat64(0, x);
  scratch.setBigUint64(0, scratch.getBigUint64(0) + (up ? 1n : -1n));
  return scratch.getFloat64(0);
}
