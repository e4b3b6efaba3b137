/**
 * Continuous distributions: `uniform`, `normal`, `truncatedNormal`. Each draws JAX's random bits for its
 * dtype (32 per float32 value, 64 per float64 value), keeps the top mantissa bits as a fraction f in [0, 1)
 * (the bits of a float in [1, 2) minus 1), and maps f through an accurate inverse CDF computed in float64,
 * rounding once into the output.
 */
import {
  ArgumentError,
  assign,
  broadcastShapes,
  DTypeError,
  fmtShape,
  NDArray,
  ShapeError,
  shapeSize,
} from '@lucid-ts/ndarray';
import { concreteOf } from '../core/tracer.js';
import { type Key, keyWords, type ShapeLike, shapeArg } from './keys.js';
import { erfinv, logNdtr, ndtr, ndtri, ndtriLog, nextAfter } from './special.js';
import { iotaBits, iotaBits64 } from './threefry.js';

export type FloatDType = 'float32' | 'float64';

export interface FloatOptions {
  /** 'float32' (default) or 'float64'. */
  dtype?: FloatDType;
}

export interface UniformOptions extends FloatOptions {
  /** Inclusive lower bound (default 0). */
  minval?: number;
  /** Exclusive upper bound (default 1). */
  maxval?: number;
}

/** Checks a float dtype option. */
export function floatDTypeArg(fn: string, dtype: unknown): FloatDType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`${fn}: dtype must be float32 or float64, got ${String(dtype)}`);
  }
  return dtype;
}

/** Rounds `x` to `dtype`. */
export function roundTo(x: number, dtype: FloatDType): number {
  return dtype === 'float32' ? Math.fround(x) : x;
}

/**
 * The integer mantissas m of n uniform floats in [1, 2) on JAX's grid: `bits >>> 9` for float32
 * (23 bits), the top 52 of 64 bits for float64. The fraction is m * 2^-23 or m * 2^-52.
 */
export function mantissas(k0: number, k1: number, n: number, dtype: FloatDType): Float64Array {
  const m = new Float64Array(n);
  if (dtype === 'float32') {
    const b = iotaBits(k0, k1, n);
    for (let i = 0; i < n; i++) m[i] = b[i] >>> 9;
  } else {
    const { hi, lo } = iotaBits64(k0, k1, n);
    for (let i = 0; i < n; i++) m[i] = (hi[i] >>> 0) * 1048576 + (lo[i] >>> 12);
  }
  return m;
}

/** 2^-23 or 2^-52: the spacing of the fraction grid of `dtype`. */
export function ulpOfOne(dtype: FloatDType): number {
  return dtype === 'float32' ? 2 ** -23 : 2 ** -52;
}

function output(dtype: FloatDType, n: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/**
 * Uniform samples in [minval, maxval): `minval + f * (maxval - minval)` with f = m / 2^23 (float32) or
 * m / 2^52 (float64, JAX's 52 mantissa bits of a 64-bit draw). Same numbers as JAX `jax.random.uniform`
 * (with x64 for float64): bit-identical for [0, 1) and in float64; with other float32 bounds we round
 * once where JAX rounds twice, so values may differ by one ulp. Results that round up to `maxval` are moved
 * just below it, so the interval really is half-open. PyTorch `torch.rand` /
 * `torch.empty(shape).uniform_(minval, maxval)`.
 * @example random.uniform(random.key(0)).item() // 0.41845703125, as jax.random.uniform(PRNGKey(0))
 * @example random.uniform(key, [2, 3], { minval: -1, maxval: 1, dtype: 'float64' })
 */
export function uniform(key: Key, shape: ShapeLike = [], options: UniformOptions = {}): NDArray {
  const [k0, k1] = keyWords('uniform', key);
  const s = shapeArg('uniform', shape);
  const { minval = 0, maxval = 1 } = options;
  const dtype = floatDTypeArg('uniform', options.dtype ?? 'float32');
  const lo = typeof minval === 'number' ? roundTo(minval, dtype) : Number.NaN;
  const hi = typeof maxval === 'number' ? roundTo(maxval, dtype) : Number.NaN;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new ArgumentError(
      `uniform: minval and maxval must be finite ${dtype} numbers, got minval=${String(minval)}, maxval=${String(maxval)}`,
    );
  }
  if (lo > hi)
    throw new ArgumentError(`uniform: minval must not exceed maxval, got minval=${minval}, maxval=${maxval}`);
  const n = shapeSize(s);
  const m = mantissas(k0, k1, n, dtype);
  const out = output(dtype, n);
  const ulp = ulpOfOne(dtype);
  const range = hi - lo;
  const top = hi > lo ? nextAfter(hi, -1, dtype) : lo;
  if (Number.isFinite(range)) {
    for (let i = 0; i < n; i++) out[i] = lo + m[i] * ulp * range;
  } else {
    for (let i = 0; i < n; i++) out[i] = lo * (1 - m[i] * ulp) + hi * (m[i] * ulp); // no overflow
  }
  for (let i = 0; i < n; i++) if (out[i] > top) out[i] = top;
  return new NDArray(out, s);
}

/**
 * Standard normal samples by inverting the CDF, as JAX: √2 · erfinv(u) with u = 2f - 1 + 2^-24 (float32)
 * or 2f - 1 + 2^-53 (float64) for the uniform fraction f. That is exactly what JAX's
 * `uniform(key, shape, dtype, nextafter(-1, 0), 1)` gives (every step is exact), and u is never ±1.
 * erfinv is Giles' double-precision polynomial with a Newton tail, evaluated in float64 and rounded once,
 * so float32 results agree with JAX `jax.random.normal` to about one ulp (JAX uses a float32 erfinv).
 * PyTorch `torch.randn`.
 * @example random.normal(random.key(0), [1]).item() // ≈ -0.20584226, as jax.random.normal(PRNGKey(0), (1,))
 */
export function normal(key: Key, shape: ShapeLike = [], options: FloatOptions = {}): NDArray {
  const [k0, k1] = keyWords('normal', key);
  const s = shapeArg('normal', shape);
  const dtype = floatDTypeArg('normal', options.dtype ?? 'float32');
  const n = shapeSize(s);
  const m = mantissas(k0, k1, n, dtype);
  const out = output(dtype, n);
  const ulp = ulpOfOne(dtype);
  const half = ulp / 2;
  for (let i = 0; i < n; i++) out[i] = Math.SQRT2 * erfinv(2 * m[i] * ulp - 1 + half);
  return new NDArray(out, s);
}

/** Values of a bound argument, broadcast to `shape`, read as float64. */
export function boundValues(x: NDArray, shape: readonly number[]): Float64Array {
  const out = new NDArray(new Float64Array(shapeSize(shape)), shape);
  assign(out, concreteOf(x));
  return out.data as Float64Array;
}

/**
 * Inverse-CDF sampler of N(0, 1) restricted to (l, u) for a fraction f in (0, 1), increasing in f. The
 * probabilities stay on the side of the nearer tail, in log space when both bounds are in one tail,
 * so bounds like (8, 9) or (40, 41) sample correctly instead of collapsing to a bound.
 */
export function truncatedSampler(l: number, u: number): (f: number) => number {
  if (l >= 0) {
    const logA = logNdtr(-l);
    const r = Math.exp(logNdtr(-u) - logA); // Φ(-u) / Φ(-l)
    return (f) => -ndtriLog(logA + Math.log1p(-f * (1 - r)));
  }
  if (u <= 0) {
    const logA = logNdtr(u);
    const r = Math.exp(logNdtr(l) - logA); // Φ(l) / Φ(u)
    return (f) => ndtriLog(logA + Math.log1p(-(1 - f) * (1 - r)));
  }
  const pl = ndtr(l);
  const qu = ndtr(-u);
  const mass = 1 - pl - qu;
  return (f) => {
    const p = pl + f * mass;
    return p <= 0.5 ? ndtri(p) : -ndtri(qu + (1 - f) * mass);
  };
}

/**
 * Samples of a standard normal truncated to (lower, upper), by inverting the CDF as JAX
 * `jax.random.truncated_normal` does (same bits, same monotone map, fractions taken at grid midpoints),
 * and clipped like it to the open interval in `dtype`. Bounds may be numbers or arrays (±Infinity
 * allowed; they carry no gradient); `shape` defaults to their broadcast shape, and when given they must
 * broadcast to it. Tail probabilities are handled in log space, so far-tail bounds stay accurate.
 * PyTorch `torch.nn.init.trunc_normal_(t, 0, 1, lower, upper)`.
 * @example random.truncatedNormal(key, -2, 2, [3, 3]) // nn initialisers
 */
export function truncatedNormal(
  key: Key,
  lower: number | NDArray,
  upper: number | NDArray,
  shape?: ShapeLike | null,
  options: FloatOptions = {},
): NDArray {
  const [k0, k1] = keyWords('truncatedNormal', key);
  const dtype = floatDTypeArg('truncatedNormal', options.dtype ?? 'float32');
  const lowerArr = boundArg('truncatedNormal', 'lower', lower);
  const upperArr = boundArg('truncatedNormal', 'upper', upper);
  const s = paramShape('truncatedNormal', 'lower and upper', shape, [lowerArr.shape, upperArr.shape]);
  const n = shapeSize(s);
  const ls = boundValues(lowerArr, s);
  const us = boundValues(upperArr, s);
  for (let i = 0; i < n; i++) {
    ls[i] = roundTo(ls[i], dtype);
    us[i] = roundTo(us[i], dtype);
    if (!(ls[i] < us[i])) {
      throw new ArgumentError(
        `truncatedNormal: lower must be less than upper (in ${dtype}), got lower=${ls[i]}, upper=${us[i]}`,
      );
    }
  }
  const m = mantissas(k0, k1, n, dtype);
  const ulp = ulpOfOne(dtype);
  const out = output(dtype, n);
  let sample = (_f: number) => 0;
  let lo = Number.NaN;
  let hi = Number.NaN;
  let floor = 0;
  let ceil = 0;
  for (let i = 0; i < n; i++) {
    if (ls[i] !== lo || us[i] !== hi) {
      lo = ls[i];
      hi = us[i];
      sample = truncatedSampler(lo, hi);
      floor = nextAfter(lo, 1, dtype);
      ceil = nextAfter(hi, -1, dtype);
    }
    // Grid midpoints: f = 0 would give an infinite bound itself (JAX then returns ∓max float).
    const x = roundTo(sample((m[i] + 0.5) * ulp), dtype);
    // clipped like JAX to the open interval (lower, upper), which rounding can leave
    out[i] = Math.min(Math.max(x, floor), ceil);
  }
  return new NDArray(out, s);
}

/** A number or an array parameter as an NDArray (not traced: parameters of a sampler carry no gradient). */
export function boundArg(fn: string, name: string, x: number | NDArray): NDArray {
  if (x instanceof NDArray) {
    if (x.dtype === 'bool')
      throw new DTypeError(`${fn}: ${name} must be a number or a numeric array, got bool`);
    return concreteOf(x);
  }
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new ArgumentError(`${fn}: ${name} must be a number or an NDArray, got ${String(x)}`);
  }
  return new NDArray(Float64Array.of(x), []);
}

/**
 * The sample shape of a parametrised distribution (JAX's rule): the parameters' broadcast shape when
 * `shape` is omitted, else `shape`, to which every parameter must broadcast.
 */
export function paramShape(
  fn: string,
  names: string,
  shape: ShapeLike | null | undefined,
  paramShapes: readonly (readonly number[])[],
): number[] {
  const got = paramShapes.map((p) => fmtShape(p)).join(' and ');
  let common: number[];
  try {
    common = broadcastShapes(...paramShapes);
  } catch {
    throw new ShapeError(`${fn}: ${names} must broadcast together, got ${got}`);
  }
  if (shape === undefined || shape === null) return common;
  const s = shapeArg(fn, shape);
  let ok = true;
  try {
    ok = fmtShape(broadcastShapes(s, common)) === fmtShape(s);
  } catch {
    ok = false;
  }
  if (!ok) throw new ShapeError(`${fn}: ${names} must broadcast to shape ${fmtShape(s)}, got ${got}`);
  return s;
}
