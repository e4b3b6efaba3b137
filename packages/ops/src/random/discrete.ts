/** Discrete distributions: `bernoulli` (bool) and `randint` (int32, exactly uniform). */
import { ArgumentError, NDArray, shapeSize } from '@lucid-ts/ndarray';
import { boundArg, boundValues, mantissas, paramShape, roundTo, ulpOfOne } from './continuous.js';
import { type Key, keyWords, type ShapeLike, shapeArg, split } from './keys.js';
import { iotaBits, threefry2x32Into } from './threefry.js';

/**
 * Bool samples that are true with probability `p` (a number or an array in [0, 1]): `uniform < p`, as
 * JAX `jax.random.bernoulli`, with the uniform drawn in float64 when `p` is a float64 array and in float32
 * otherwise (so the same key gives JAX's booleans). `shape` defaults to `p`'s shape; when given, `p` must
 * broadcast to it. PyTorch `torch.bernoulli(torch.full(shape, p)).bool()`.
 * @example random.bernoulli(key, 0.1, [1000]) // about 100 trues: a dropout keep mask with p = keep prob
 */
export function bernoulli(key: Key, p: number | NDArray = 0.5, shape?: ShapeLike | null): NDArray {
  const [k0, k1] = keyWords('bernoulli', key);
  const pa = boundArg('bernoulli', 'p', p);
  const s = paramShape('bernoulli', 'p', shape, [pa.shape]);
  const dtype = p instanceof NDArray && p.dtype === 'float64' ? 'float64' : 'float32';
  const n = shapeSize(s);
  const ps = boundValues(pa, s);
  for (let i = 0; i < n; i++) {
    if (!(ps[i] >= 0 && ps[i] <= 1)) throw new ArgumentError(`bernoulli: p must be in [0, 1], got ${ps[i]}`);
    ps[i] = roundTo(ps[i], dtype);
  }
  const m = mantissas(k0, k1, n, dtype);
  const ulp = ulpOfOne(dtype);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = m[i] * ulp < ps[i] ? 1 : 0;
  return new NDArray(out, s);
}

const TWO32 = 4294967296;
const INT32_MIN = -2147483648;

/** (a * b) mod s for integers a, b < s <= 2^32, exactly (the products are split to stay below 2^53). */
function mulmod(a: number, b: number, s: number): number {
  const ah = Math.floor(a / 65536);
  const al = a - ah * 65536;
  return (((((ah * b) % s) * 65536) % s) + ((al * b) % s)) % s;
}

/**
 * The exact residue of the 64-bit value hi·2^32 + lo modulo `span`, or -1 when that value falls in the
 * incomplete last block of [0, 2^64) (probability below 2^-32) and must be redrawn to stay unbiased.
 * `pow32` = 2^32 mod span, `reject` = 2^64 mod span.
 */
export function residue64(hi: number, lo: number, span: number, pow32: number, reject: number): number {
  if (reject !== 0 && hi === TWO32 - 1 && lo >= TWO32 - reject) return -1;
  const h = hi % span;
  const prod = span <= 2097152 ? (h * pow32) % span : mulmod(h, pow32, span); // h * pow32 < 2^42 is exact
  return (prod + (lo % span)) % span;
}

/**
 * Uniform integers in [minval, maxval) as int32, exactly uniform. Like JAX `jax.random.randint` it splits
 * the key and combines 32 bits from each half into a 64-bit value reduced modulo the span; unlike JAX it
 * reduces exactly (JAX's uint32 product can wrap) and redraws the rare (< 2^-32) values that would bias the
 * result. For spans up to 2^16 the numbers equal JAX's. PyTorch `torch.randint(minval, maxval, shape)`.
 * @example random.randint(key, [5], 0, 10) // int32 values in 0..9
 */
export function randint(key: Key, shape: ShapeLike, minval: number, maxval: number): NDArray {
  const [k0, k1] = keyWords('randint', key);
  const s = shapeArg('randint', shape);
  for (const [name, v] of [
    ['minval', minval],
    ['maxval', maxval],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > 2 ** 31) {
      throw new ArgumentError(`randint: ${name} must be an integer in [-2^31, 2^31], got ${String(v)}`);
    }
  }
  if (maxval <= minval) {
    throw new ArgumentError(
      `randint: maxval must be greater than minval, got minval=${minval}, maxval=${maxval}`,
    );
  }
  const n = shapeSize(s);
  const [ka, kb] = split(key, 2).map((k) => keyWords('randint', k));
  const hi = iotaBits(ka[0], ka[1], n);
  const lo = iotaBits(kb[0], kb[1], n);
  const span = maxval - minval;
  const pow32 = TWO32 % span;
  const reject = mulmod(pow32, pow32, span);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let r = residue64(hi[i] >>> 0, lo[i] >>> 0, span, pow32, reject);
    for (let attempt = 0; r < 0; attempt++) r = redraw(k0, k1, i, attempt, span, pow32, reject);
    out[i] = minval + r;
  }
  return new NDArray(out, s);
}

/** A fresh 64-bit draw for element i after a rejection, from a third split key that randint does not otherwise use. */
function redraw(
  k0: number,
  k1: number,
  i: number,
  attempt: number,
  span: number,
  pow32: number,
  reject: number,
) {
  const [ka, kb] = split(new NDArray(Int32Array.of(k0, k1), [2]), 3)[2].data as Int32Array;
  const c0 = Int32Array.of(i);
  const c1 = Int32Array.of(attempt);
  threefry2x32Into(ka, kb, c0, c1, c0, c1, 1);
  return residue64(c0[0] >>> 0, c1[0] >>> 0, span, pow32, reject);
}
