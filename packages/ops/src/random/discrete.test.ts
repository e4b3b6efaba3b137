import { ArgumentError, array, DTypeError, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquare } from '../../test/helpers.js';
import { uniform } from './continuous.js';
import { bernoulli, randint, residue64 } from './discrete.js';
import { bits, key, split } from './keys.js';

function countTrue(x: NDArray): number {
  let c = 0;
  for (let i = 0; i < x.size; i++) c += x.data[i];
  return c;
}

describe('bernoulli', () => {
  it('is uniform < p, as jax.random.bernoulli (float32 draws unless p is float64)', () => {
    const b = bernoulli(key(3), 0.3, [1000]);
    expect(b.dtype).toBe('bool');
    const u = uniform(key(3), [1000]).data;
    for (let i = 0; i < 1000; i++) expect(b.data[i]).toBe(u[i] < Math.fround(0.3) ? 1 : 0);
    const p = array([0.2, 0.7], { dtype: 'float64' });
    const u64 = uniform(key(3), [2], { dtype: 'float64' }).data;
    expect(bernoulli(key(3), p).toArray()).toEqual([u64[0] < 0.2 ? 1 : 0, u64[1] < 0.7 ? 1 : 0]);
  });

  it('has frequency p', () => {
    const n = 100_000;
    for (const p of [0.5, 0.3, 0.01]) {
      const freq = countTrue(bernoulli(key(7), p, [n])) / n;
      expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
    expect(bernoulli(key(7), 0, [1000]).data.every((v) => v === 0)).toBe(true);
    expect(bernoulli(key(7), 1, [1000]).data.every((v) => v === 1)).toBe(true);
  });

  it('takes its shape from p unless given; views of p give the same result as copies', () => {
    expect(bernoulli(key(0)).shape).toEqual([]);
    expect(bernoulli(key(0), 0.5, [2, 3]).shape).toEqual([2, 3]);
    const p = array([
      [0.1, 0.5, 0.9],
      [0.2, 0.4, 0.6],
    ]);
    expect(bernoulli(key(0), p).shape).toEqual([2, 3]);
    expect(bernoulli(key(0), p, [4, 2, 3]).shape).toEqual([4, 2, 3]);
    for (const v of [p.transpose(), p.flip(), p.slice(null, { step: 2 }), p.slice(0).broadcastTo([5, 3])]) {
      expect(bernoulli(key(1), v).toArray()).toEqual(bernoulli(key(1), v.copy()).toArray());
    }
  });

  it('rejects bad p and shapes', () => {
    expect(() => bernoulli(key(0), 1.5)).toThrow(
      new ArgumentError('bernoulli: p must be in [0, 1], got 1.5'),
    );
    expect(() => bernoulli(key(0), array([0.5, -0.1]))).toThrow(ArgumentError);
    expect(() => bernoulli(key(0), Number.NaN)).toThrow(ArgumentError);
    expect(() => bernoulli(key(0), array([0.5, 0.5]), [3])).toThrow(
      new ShapeError('bernoulli: p must broadcast to shape [3], got [2]'),
    );
    expect(() => bernoulli(key(0), array([true]))).toThrow(DTypeError);
  });
});

describe('randint', () => {
  it('gives int32 values in [minval, maxval) covering the range uniformly (chi-square)', () => {
    const n = 100_000;
    const x = randint(key(1), [n], -5, 5);
    expect(x.dtype).toBe('int32');
    const counts = new Array(10).fill(0);
    for (const v of x.data) counts[v + 5]++;
    expect(Math.min(...x.data)).toBe(-5);
    expect(Math.max(...x.data)).toBe(4);
    expect(chiSquare(counts)).toBeLessThan(40); // 9 dof: P(> 40) < 1e-5
    // a span that is not a power of two and does not divide 2^32, checked by thirds
    const y = randint(key(2), [n], 0, 3 * 2 ** 29);
    const thirds = [0, 0, 0];
    for (const v of y.data) thirds[Math.floor(v / 2 ** 29)]++;
    expect(chiSquare(thirds)).toBeLessThan(25);
  });

  it('covers the full int32 range', () => {
    const x = randint(key(3), [50_000], -(2 ** 31), 2 ** 31);
    const buckets = new Array(16).fill(0);
    for (const v of x.data) buckets[(v >>> 28) & 15]++;
    expect(chiSquare(buckets)).toBeLessThan(50);
    expect(randint(key(3), [10], 2 ** 31 - 1, 2 ** 31).toArray()).toEqual(new Array(10).fill(2 ** 31 - 1));
  });

  it('equals jax.random.randint for spans up to 2^16 (its uint32 arithmetic does not wrap there)', () => {
    const k = key(12);
    const [ka, kb] = split(k);
    const hi = bits(ka, [500]).data;
    const lo = bits(kb, [500]).data;
    for (const span of [1, 7, 10, 1000, 65536]) {
      const m = (((2 ** 16 % span) * (2 ** 16 % span)) % span) >>> 0;
      const jax = Array.from(hi, (h, i) => {
        const t = (Math.imul((h >>> 0) % span, m) >>> 0) + ((lo[i] >>> 0) % span);
        return 3 + ((t >>> 0) % span);
      });
      expect(Array.from(randint(k, [500], 3, 3 + span).data)).toEqual(jax);
    }
  });

  it('reduces 64-bit draws exactly and rejects the biased tail', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: 2 ** 32 }),
        (hi, lo, span) => {
          const s = BigInt(span);
          const pow32 = Number(2n ** 32n % s);
          const reject = Number(2n ** 64n % s);
          const v = (BigInt(hi) << 32n) + BigInt(lo);
          const r = residue64(hi, lo, span, pow32, reject);
          if (v >= 2n ** 64n - BigInt(reject)) expect(r).toBe(-1);
          else expect(r).toBe(Number(v % s));
        },
      ),
      { seed: 42, numRuns: 50 },
    );
    expect(residue64(2 ** 32 - 1, 2 ** 32 - 1, 3, 1, 1)).toBe(-1); // 2^64 - 1 is in the incomplete block
    expect(residue64(2 ** 32 - 1, 2 ** 32 - 2, 3, 1, 1)).toBe(Number((2n ** 64n - 2n) % 3n));
  });

  it('is deterministic, has the requested shape and accepts size 0', () => {
    expect(randint(key(4), [2, 3], 0, 100).toArray()).toEqual(randint(key(4), [2, 3], 0, 100).toArray());
    expect(randint(key(4), [], 0, 100).shape).toEqual([]);
    expect(randint(key(4), [0], 0, 100).size).toBe(0);
  });

  it('rejects bad bounds with named errors', () => {
    expect(() => randint(key(0), [2], 5, 5)).toThrow(
      new ArgumentError('randint: maxval must be greater than minval, got minval=5, maxval=5'),
    );
    expect(() => randint(key(0), [2], 0.5, 5)).toThrow(
      new ArgumentError('randint: minval must be an integer in [-2^31, 2^31], got 0.5'),
    );
    expect(() => randint(key(0), [2], 0, 2 ** 31 + 1)).toThrow(ArgumentError);
    expect(() => randint(key(0), [-2], 0, 3)).toThrow(ShapeError);
    expect(() => randint(array([1, 2]) as NDArray, [2], 0, 3)).not.toThrow();
  });
});
