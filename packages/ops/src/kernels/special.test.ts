import { arange, array, type NDArray } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply1, apply2, apply3, erf, erfc } from './special.js';

// [x, erf(x), erfc(x)], computed with mpmath at 40 digits and rounded to float64.
const REFERENCE: [number, number, number][] = [
  [0, 0.0, 1.0],
  [1e-300, 1.1283791670955126e-300, 1.0],
  [-1e-20, -1.1283791670955125e-20, 1.0],
  [1e-8, 1.1283791670955126e-8, 0.9999999887162083],
  [0.1, 0.1124629160182849, 0.887537083981715],
  [-0.25, -0.27632639016823696, 1.276326390168237],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [0.84375, 0.7672256612323416, 0.23277433876765838],
  [0.99, 0.8385080695553698, 0.1614919304446302],
  [1, 0.8427007929497149, 0.15729920705028513],
  [1.01, 0.8468104962282768, 0.1531895037717233],
  [-1.5, -0.9661051464753108, 1.9661051464753108],
  [2, 0.9953222650189527, 0.004677734981047266],
  [2.5, 0.999593047982555, 0.0004069520174449589],
  [-3, -0.9999779095030014, 1.9999779095030015],
  [3.5, 0.9999992569016276, 7.430983723414128e-7],
  [4.2, 0.9999999971445058, 2.8554941795921843e-9],
  [5, 0.9999999999984626, 1.537459794428035e-12],
  [6, 1.0, 2.1519736712498913e-17],
  [-6, -1.0, 2.0],
  [8, 1.0, 1.1224297172982926e-29],
  [10, 1.0, 2.088487583762545e-45],
  [15, 1.0, 7.212994172451207e-100],
  [26, 1.0, 5.663192408856143e-296],
];

const relErr = (a: number, e: number) => (e === 0 ? Math.abs(a) : Math.abs((a - e) / e));

describe('erf and erfc', () => {
  it('match 40-digit references to a few ulps over the whole line', () => {
    for (const [x, e, c] of REFERENCE) {
      expect(relErr(erf(x), e), `erf(${x})`).toBeLessThan(1e-15);
      expect(relErr(erfc(x), c), `erfc(${x})`).toBeLessThan(2e-15);
    }
  });

  it('gives the values quoted in the literature', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 16);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 16);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 16);
    expect(erf(-3)).toBeCloseTo(-0.9999779095030014, 16);
  });

  it('handles infinities, NaN, signed zero and underflow', () => {
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erfc(27)).toBeGreaterThan(0); // 5.2e-319, subnormal
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });

  it('is odd (erf) and reflects (erfc), and erf + erfc = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erfc(-x) - (2 - erfc(x)))).toBeLessThanOrEqual(4.5e-16);
        expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThanOrEqual(4.5e-16);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('is monotone across the joins of the approximations', () => {
    for (const x0 of [1, 6]) {
      let prev = erf(x0 - 1e-9);
      for (let k = -5; k <= 5; k++) {
        const v = erf(x0 + k * 2.3e-16 * x0);
        expect(v).toBeGreaterThanOrEqual(prev - 2.3e-16);
        prev = v;
      }
    }
  });
});

describe('loop drivers', () => {
  const values = (x: NDArray) => [x.toArray()].flat(3);
  const neg1 = (x: NDArray) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = -a[i];
    });

  it('apply1 walks contiguous, transposed, flipped, stepped, broadcast and 0-d inputs', () => {
    const a = arange(12).reshape(3, 4);
    for (const v of [
      a,
      a.transpose(),
      a.flip(),
      a.slice(null, { step: 2 }),
      arange(3).broadcastTo([2, 3]),
      array(5),
    ]) {
      const r = neg1(v);
      expect(r.shape).toEqual(v.shape);
      expect(r.isContiguous).toBe(true);
      expect(values(r)).toEqual(values(v).map((t) => (t === 0 ? 0 : -t)));
    }
    expect(neg1(arange(0).reshape(0, 3)).shape).toEqual([0, 3]);
  });

  it('apply2 and apply3 pair strided operands elementwise', () => {
    const a = arange(6).reshape(2, 3);
    const b = arange(6).reshape(3, 2).transpose();
    const c = array([10, 20, 30]).broadcastTo([2, 3]);
    const sum2 = apply2(a, b, 'int32', (n, x, i, s, y, j, t, o, k, u) => {
      for (let q = 0; q < n; q++, i += s, j += t, k += u) o[k] = x[i] + y[j];
    });
    expect(sum2.toArray()).toEqual([
      [0, 3, 6],
      [4, 7, 10],
    ]);
    const sum3 = apply3(a, b, c, 'float64', (n, x, i, s, y, j, t, z, m, r, o, k, u) => {
      for (let q = 0; q < n; q++, i += s, j += t, m += r, k += u) o[k] = x[i] + y[j] + z[m];
    });
    expect(sum3.dtype).toBe('float64');
    expect(sum3.toArray()).toEqual([
      [10, 23, 36],
      [14, 27, 40],
    ]);
    expect(() => apply2(a, arange(3), 'int32', () => {})).toThrow(/internal/);
  });
});
