import { ArgumentError, array, DTypeError, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import { f64 } from '../../test/helpers.js';
import { normal, truncatedNormal, truncatedSampler, uniform } from './continuous.js';
import { bits, key, split } from './keys.js';
import { erfinv } from './special.js';

function moments(x: NDArray): { mean: number; variance: number } {
  const d = x.contiguous().data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  const mean = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i] - mean) ** 2;
  return { mean, variance: v / (d.length - 1) };
}

describe('uniform', () => {
  it('reproduces jax.random.uniform(PRNGKey(0)) exactly and is built from the top 23 bits', () => {
    expect(uniform(key(0)).item()).toBe(0.41845703125);
    const u = uniform(key(3), [1000]);
    const b = bits(key(3), [1000]);
    for (let i = 0; i < 1000; i++) expect(u.data[i]).toBe((b.data[i] >>> 9) * 2 ** -23);
  });

  it('has the requested shape and dtype', () => {
    expect(uniform(key(0)).shape).toEqual([]);
    expect(uniform(key(0), [2, 3]).shape).toEqual([2, 3]);
    expect(uniform(key(0), 4).shape).toEqual([4]);
    expect(uniform(key(0), [0, 2]).size).toBe(0);
    expect(uniform(key(0), [2]).dtype).toBe('float32');
    expect(uniform(key(0), [2], { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('float64 uses 52 mantissa bits of a 64-bit draw (JAX with x64)', () => {
    const u = uniform(key(1), [2000], { dtype: 'float64' });
    let fine = 0;
    for (const v of u.data) {
      expect(Number.isInteger(v * 2 ** 52)).toBe(true);
      if (!Number.isInteger(v * 2 ** 23)) fine++;
    }
    expect(fine).toBeGreaterThan(1990); // finer than the float32 grid
  });

  it('is deterministic per key and differs across split keys', () => {
    const [a, b] = split(key(11));
    expect(uniform(a, [5]).toArray()).toEqual(uniform(a, [5]).toArray());
    expect(uniform(a, [5]).toArray()).not.toEqual(uniform(b, [5]).toArray());
  });

  it('has the moments of U(0, 1) and of U(-3, 5)', () => {
    const n = 100_000;
    for (const dtype of ['float32', 'float64'] as const) {
      const { mean, variance } = moments(uniform(key(5), [n], { dtype }));
      expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(variance - 1 / 12)).toBeLessThan(1e-3);
    }
    const u = uniform(key(6), [n], { minval: -3, maxval: 5 });
    const { mean, variance } = moments(u);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * Math.sqrt(64 / 12 / n));
    expect(Math.abs(variance - 64 / 12)).toBeLessThan(0.07);
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...u.data)).toBeLessThan(5);
  });

  it('stays in [minval, maxval) even when rounding would reach maxval, and never overflows', () => {
    const tiny = uniform(key(0), [1000], { minval: 1, maxval: 1 + 2 ** -23 });
    expect(new Set(tiny.data)).toEqual(new Set([1]));
    const point = uniform(key(0), [3], { minval: 2, maxval: 2 });
    expect(point.toArray()).toEqual([2, 2, 2]);
    const wide = uniform(key(0), [1000], { minval: -3e38, maxval: 3e38 });
    expect(wide.data.every((v) => Number.isFinite(v) && v >= -3e38 && v < 3e38)).toBe(true);
    const wide64 = uniform(key(0), [1000], { minval: -1.7e308, maxval: 1.7e308, dtype: 'float64' });
    expect(wide64.data.every((v) => Number.isFinite(v) && v >= -1.7e308 && v < 1.7e308)).toBe(true);
    const near = uniform(key(0), [100_000], { minval: 0, maxval: 1 - 2 ** -24 });
    expect(Math.max(...near.data)).toBeLessThan(1 - 2 ** -24);
  });

  it('rejects bad arguments with named errors', () => {
    expect(() => uniform(zeros([3]))).toThrow(
      new ArgumentError('uniform: key must be an int32 array of shape [2], got float32 [3]'),
    );
    expect(() => uniform(key(0), [2], { dtype: 'int32' as 'float32' })).toThrow(
      new DTypeError('uniform: dtype must be float32 or float64, got int32'),
    );
    expect(() => uniform(key(0), [2], { minval: 1, maxval: 0 })).toThrow(
      new ArgumentError('uniform: minval must not exceed maxval, got minval=1, maxval=0'),
    );
    expect(() => uniform(key(0), [2], { maxval: Number.POSITIVE_INFINITY })).toThrow(
      new ArgumentError(
        'uniform: minval and maxval must be finite float32 numbers, got minval=0, maxval=Infinity',
      ),
    );
    expect(() => uniform(key(0), [2], { maxval: 1e39 })).toThrow(ArgumentError); // Infinity in float32
    expect(() => uniform(key(0), [2], { maxval: 1e39, dtype: 'float64' })).not.toThrow();
    expect(() => uniform(key(0), [-1])).toThrow(ShapeError);
  });
});

describe('normal', () => {
  it('reproduces jax.random.normal values (to float32 rounding of erfinv)', () => {
    expect(normal(key(0), [1]).item()).toBeCloseTo(-0.20584226, 6);
    const [k1, k2] = split(key(0));
    expect(normal(k2, [1]).item()).toBeCloseTo(-1.2515389, 6);
    expect(normal(split(k1)[1], [1]).item()).toBeCloseTo(-0.58665055, 6);
  });

  it('has mean 0, variance 1 and normal quantiles', () => {
    const n = 100_000;
    for (const dtype of ['float32', 'float64'] as const) {
      const x = normal(key(8), [n], { dtype });
      expect(x.dtype).toBe(dtype);
      const { mean, variance } = moments(x);
      expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
      expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      const below = x.data.filter((v) => v < 1.959963984540054).length / n;
      expect(Math.abs(below - 0.975)).toBeLessThan(4 * Math.sqrt((0.975 * 0.025) / n));
      expect(x.data.every(Number.isFinite)).toBe(true);
    }
  });

  it('stays finite: the uniform grid never reaches ±1', () => {
    // (references: scipy ndtri(2^-25), ndtri(2^-54)); u = 2f - 1 + 2^-24 ranges over [-1 + 2^-24, 1 - 3·2^-24] in float32 (2^-53 and 3·2^-53 in float64)
    expect(Math.SQRT2 * erfinv(-1 + 2 ** -24)).toBeCloseTo(-5.419983174916869, 12);
    expect(Math.SQRT2 * erfinv(-1 + 2 ** -53)).toBeCloseTo(-8.292361075813597, 12);
    expect(Number.isFinite(erfinv(1 - 3 * 2 ** -53))).toBe(true);
    const x = normal(key(2), [50_000], { dtype: 'float64' });
    expect(Math.max(...x.data.map(Math.abs))).toBeLessThan(6);
  });

  it('has the requested shape, and rejects bad dtypes and shapes', () => {
    expect(normal(key(0)).shape).toEqual([]);
    expect(normal(key(0), [2, 0]).size).toBe(0);
    expect(() => normal(key(0), [2], { dtype: 'bool' as 'float32' })).toThrow(
      new DTypeError('normal: dtype must be float32 or float64, got bool'),
    );
    expect(() => normal(key(0), [2.5])).toThrow(ShapeError);
  });
});

describe('truncatedNormal', () => {
  // scipy.stats.truncnorm(a, b).mean() / .std()
  const cases: [number, number, number, number][] = [
    [-1, 2, 0.22963717909132902, 0.7209455868590458],
    [8, 9, 8.121188992979867, 0.11894764723259385],
    [40, 41, 40.024968847210886, 0.024953321092161716],
    [Number.NEGATIVE_INFINITY, -3, -3.28309865493044, 0.2656297927290082],
    [-2, 2, 0, 0.8796256610342398],
    [0.5, Number.POSITIVE_INFINITY, 1.1410777703680648, 0.5181509501640216],
  ];

  it('stays strictly inside the bounds and has the truncated moments, also in the far tails', () => {
    const n = 20_000;
    for (const [lo, hi, mean, std] of cases) {
      for (const dtype of ['float32', 'float64'] as const) {
        const x = truncatedNormal(key(9), lo, hi, [n], { dtype });
        expect(x.data.every((v) => v > lo && v < hi)).toBe(true);
        const m = moments(x);
        expect(Math.abs(m.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(n) + 1e-6 * Math.abs(mean));
        expect(Math.abs(Math.sqrt(m.variance) - std)).toBeLessThan(0.05 * std);
      }
    }
  });

  it('maps the extreme fractions to finite values for every kind of bound', () => {
    const eps = 2 ** -24;
    for (const [lo, hi] of [
      [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, -3],
      [Number.NEGATIVE_INFINITY, 2],
      [-2, Number.POSITIVE_INFINITY],
      [3, Number.POSITIVE_INFINITY],
      [40, 41],
    ]) {
      const sample = truncatedSampler(lo, hi);
      const a = sample(eps);
      const b = sample(1 - eps);
      expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
      expect(a >= lo && a < b && b <= hi).toBe(true);
    }
    expect(truncatedSampler(-1, 2)(0)).toBeCloseTo(-1, 12);
    expect(truncatedSampler(8, 9)(0)).toBeCloseTo(8, 12);
    expect(truncatedSampler(-9, -8)(1 - 2 ** -52)).toBeCloseTo(-8, 10);
  });

  it('is monotone in the uniform draw, like JAX (same keys give nearby numbers for nearby bounds)', () => {
    const a = truncatedNormal(key(4), -2, 2, [200], { dtype: 'float64' }).data;
    const b = truncatedNormal(key(4), -2, 2.000001, [200], { dtype: 'float64' }).data;
    for (let i = 0; i < 200; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
  });

  it('broadcasts array bounds; views give the same result as contiguous copies', () => {
    const lower = f64([
      [-1, 0, 1],
      [-2, -1, 0],
    ]);
    const upper = f64([3, 2, 1.5]);
    const x = truncatedNormal(key(1), lower, upper);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float32');
    const l = lower.contiguous().data;
    x.data.forEach((v, i) => {
      expect(v).toBeGreaterThan(l[i]);
      expect(v).toBeLessThan(upper.data[i % 3]);
    });
    const t = lower.transpose();
    expect(truncatedNormal(key(1), t, 4).toArray()).toEqual(truncatedNormal(key(1), t.copy(), 4).toArray());
    const flipped = lower.flip(1);
    expect(truncatedNormal(key(1), flipped, 4, [2, 3]).toArray()).toEqual(
      truncatedNormal(key(1), flipped.copy(), 4, [2, 3]).toArray(),
    );
    const wide = upper.broadcastTo([4, 3]);
    expect(truncatedNormal(key(1), -1, wide).toArray()).toEqual(
      truncatedNormal(key(1), -1, wide.copy()).toArray(),
    );
    const stepped = f64([0, 9, 1, 9, 2]).slice({ step: 2 });
    expect(truncatedNormal(key(1), -1, stepped).toArray()).toEqual(
      truncatedNormal(key(1), -1, stepped.copy()).toArray(),
    );
    expect(truncatedNormal(key(1), -1, 1, [5, 3]).shape).toEqual([5, 3]);
    expect(truncatedNormal(key(1), -1, 1).shape).toEqual([]);
  });

  it('rejects bad bounds and shapes with named errors', () => {
    expect(() => truncatedNormal(key(0), 1, 1, [2])).toThrow(
      new ArgumentError('truncatedNormal: lower must be less than upper (in float32), got lower=1, upper=1'),
    );
    expect(() => truncatedNormal(key(0), 1, 1 + 1e-12, [2])).toThrow(ArgumentError); // equal in float32
    expect(() => truncatedNormal(key(0), 1, 1 + 1e-12, [2], { dtype: 'float64' })).not.toThrow();
    expect(() => truncatedNormal(key(0), Number.NaN, 1)).toThrow(ArgumentError);
    expect(() => truncatedNormal(key(0), f64([0, 1]), 2, [3])).toThrow(
      new ShapeError('truncatedNormal: lower and upper must broadcast to shape [3], got [2] and []'),
    );
    expect(() => truncatedNormal(key(0), f64([0, 1]), f64([2, 3, 4]))).toThrow(
      new ShapeError('truncatedNormal: lower and upper must broadcast together, got [2] and [3]'),
    );
    expect(() => truncatedNormal(key(0), array([true]), 2)).toThrow(DTypeError);
  });
});
