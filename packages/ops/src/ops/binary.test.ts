import { ArgumentError, array, full, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, flat, i32 } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { mul } from './arith.js';
import { clip, maximum, minimum, pow } from './binary.js';
import { sum } from './sum.js';
import { sin } from './unary.js';

const { NaN: nan, POSITIVE_INFINITY: inf } = Number;

/** This file's tolerances: rtol 1e-15, atol 0. */
const close = (actual: NDArray, expected: number[], rtol = 1e-15) => expectClose(actual, expected, rtol, 0);

const gradsOf = (f: (a: NDArray, b: NDArray) => NDArray, a: NDArray, b: NDArray) =>
  grad((x: NDArray, y: NDArray) => sum(f(x, y)), { argnums: [0, 1] })(a, b) as NDArray[];

const valuesArb = (n: number, lo: number, hi: number) =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n });

describe('pow', () => {
  it('computes powers with broadcasting, scalar bases and exponents', () => {
    close(pow(f64([2, 3]), 2), [4, 9]);
    close(pow(f64([4, 2]), 0.5), [2, Math.SQRT2]);
    close(pow(2, f64([3, -1, 0.5])), [8, 0.5, Math.SQRT2]);
    close(pow(f64([[2], [3]]), f64([1, 2, 3])), [2, 4, 8, 3, 9, 27]);
    close(pow(f64([1.5, 2]), 3), [3.375, 8]);
    close(pow(f64([1.5]), -1.5), [1.5 ** -1.5]);
    expect(pow(f64([1, 2]), 1).toArray()).toEqual([1, 2]);
    expect(pow(f64(2), f64(3)).shape).toEqual([]);
    expect(pow(zeros([0, 2], { dtype: 'float64' }), f64([1, 2])).shape).toEqual([0, 2]);
  });

  it('follows C pow (and PyTorch) at special values', () => {
    expect(flat(pow(f64([1, 1, nan, -1, -1]), f64([nan, inf, 0, inf, -inf])))).toEqual([1, 1, 1, 1, 1]);
    expect(flat(pow(f64([nan, -8, 0, 0]), f64([2, 1 / 3, -1, 0])))).toEqual([nan, nan, inf, 1]);
    expect(flat(pow(f64([1, nan]), nan))).toEqual([1, nan]);
  });

  it('keeps int32 for int32 powers and refuses negative integer exponents', () => {
    const r = pow(i32([2, 3, -2]), i32([3, 0, 3]));
    expect(r.dtype).toBe('int32');
    expect(flat(r)).toEqual([8, 1, -8]);
    expect(pow(i32([3]), 2).dtype).toBe('int32');
    expect(pow(i32([4]), 0.5).dtype).toBe('float32');
    expect(pow(array([true, false]), 2).dtype).toBe('int32');
    expect(() => pow(i32([2]), -1)).toThrow(ArgumentError);
    expect(() => pow(i32([2]), -1)).toThrow('pow: exponents of an integer base must be non-negative, got -1');
    expect(() => pow(i32([2, 3]), i32([1, -2]))).toThrow(
      'pow: exponents of an integer base must be non-negative, got -2 in an exponent of shape [2]',
    );
  });

  it('computes float32 in float32 (exponent rounded to float32 like the base)', () => {
    const x = array([1.7, 2.3], { dtype: 'float32' });
    const r = pow(x, 0.1);
    expect(r.dtype).toBe('float32');
    expect(flat(r)).toEqual(flat(x).map((v) => Math.fround(v ** Math.fround(0.1))));
  });

  it('names both shapes when they cannot broadcast', () => {
    expect(() => pow(zeros([2, 3]), zeros([2]))).toThrow(ShapeError);
    expect(() => pow(zeros([2, 3]), zeros([2]))).toThrow(
      'pow: shapes cannot be broadcast together, got [2,3] and [2]',
    );
  });

  it('has gradients b·a^(b-1) and a^b·ln(a), reduced to each operand shape', () => {
    const [da, db] = gradsOf(pow, f64([2, 3]), f64(3));
    close(da, [12, 27]);
    close(db, [8 * Math.LN2 + 27 * Math.log(3)]);
    expect(db.shape).toEqual([]);
    close(grad((x: NDArray) => sum(pow(x, 3)))(f64([2, -1])), [12, 3]);
    close(grad((x: NDArray) => sum(pow(3, x)))(f64([2])), [9 * Math.log(3)]);
  });

  it('gives PyTorch zeros where a = 0 (b ≥ 0) or b = 0, with no NaN at second order', () => {
    const [da, db] = gradsOf(pow, f64([0, 0, 0, 2]), f64([2, 0, 0.5, 0]));
    expect(flat(da)).toEqual([0, 0, inf, 0]);
    expect(flat(db)).toEqual([0, 0, 0, Math.LN2]);
    // d²/da² of sum(a^b) and d²/db² of sum(0^b): finite where PyTorch's first derivatives are zero
    const dA = (a: NDArray) => grad((x: NDArray) => sum(pow(x, f64([2, 0, 3]))))(a);
    expect(flat(grad((a: NDArray) => sum(dA(a)))(f64([0, 0, 0])))).toEqual([2, 0, 0]);
    const dB = (b: NDArray) => grad((y: NDArray) => sum(pow(f64([0, 0]), y)))(b);
    expect(flat(grad((b: NDArray) => sum(dB(b)))(f64([2, 0])))).toEqual([0, 0]);
    expect(grad((x: NDArray) => sum(pow(x, 0)))(f64([0, 3])).toArray()).toEqual([0, 0]);
  });

  it('passes checkGrads to second order (array and number exponents)', () => {
    fc.assert(
      fc.property(valuesArb(6, 0.3, 2.5), valuesArb(3, -2, 2), (a, b) => {
        const x = f64(a).reshape(2, 3);
        checkGrads(pow, [x, f64(b)], { order: 2 });
        for (const p of [2, 3, 0.5, -1.5]) checkGrads((t: NDArray) => pow(t, p), [x], { order: 2 });
      }),
      { seed: 42, numRuns: 5 },
    );
  });
});

describe('maximum and minimum', () => {
  it('select elementwise with broadcasting and keep the dtype', () => {
    expect(flat(maximum(f64([1, 5]), f64([3, 2])))).toEqual([3, 5]);
    expect(flat(minimum(f64([1, 5]), 3))).toEqual([1, 3]);
    expect(maximum(f64([[1], [4]]), f64([2, 3])).toArray()).toEqual([
      [2, 3],
      [4, 4],
    ]);
    const r = minimum(i32([1, -5]), i32([0, 0]));
    expect(r.dtype).toBe('int32');
    expect(flat(r)).toEqual([0, -5]);
    expect(maximum(i32([1]), 0.5).dtype).toBe('float32');
    expect(flat(maximum(array([true, false]), array([false, false])))).toEqual([1, 0]);
    expect(maximum(f64(1), f64(2)).shape).toEqual([]);
  });

  it('propagate NaN from either side (PyTorch)', () => {
    expect(flat(maximum(f64([nan, 1, -inf]), f64([0, nan, -inf])))).toEqual([nan, nan, -inf]);
    expect(flat(minimum(f64([nan, 1]), f64([0, nan])))).toEqual([nan, nan]);
  });

  it('name both shapes when they cannot broadcast', () => {
    expect(() => maximum(zeros([2, 3]), zeros([4]))).toThrow(
      'maximum: shapes cannot be broadcast together, got [2,3] and [4]',
    );
    expect(() => minimum(zeros([3]), zeros([2, 2]))).toThrow(
      'minimum: shapes cannot be broadcast together, got [3] and [2,2]',
    );
  });

  it('send the gradient to the selected operand, split half/half on ties (JAX)', () => {
    const [ga, gb] = gradsOf(maximum, f64([1, 5, 2]), f64([3, 2, 2]));
    expect(flat(ga)).toEqual([0, 1, 0.5]);
    expect(flat(gb)).toEqual([1, 0, 0.5]);
    const [ha, hb] = gradsOf(minimum, f64([1, 5, 2]), f64(2));
    expect(flat(ha)).toEqual([1, 0, 0.5]);
    expect(flat(hb)).toEqual([1.5]);
    expect(flat(grad((x: NDArray) => sum(maximum(x, x)))(f64([1, -2])))).toEqual([1, 1]);
    const [na, nb] = gradsOf(maximum, f64([nan]), f64([1]));
    expect([...flat(na), ...flat(nb)]).toEqual([0, 0]);
  });

  it('pass checkGrads to second order', () => {
    // (p, q) away from the kinks of both functions below
    const pairArb = fc
      .tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }))
      .filter(([p, q]) => Math.abs(p * p - Math.sin(q)) > 0.05 && Math.abs(p * q - q) > 0.05);
    fc.assert(
      fc.property(fc.array(pairArb, { minLength: 6, maxLength: 6 }), (pairs) => {
        const x = f64(pairs.map(([p]) => p)).reshape(2, 3);
        const y = f64(pairs.map(([, q]) => q)).reshape(2, 3);
        checkGrads((p: NDArray, q: NDArray) => maximum(mul(p, p), sin(q)), [x, y], { order: 2 });
        checkGrads((p: NDArray, q: NDArray) => minimum(mul(p, q), q), [x, y], { order: 2 });
      }),
      { seed: 42, numRuns: 5 },
    );
  });
});

describe('clip', () => {
  it('clamps with number, null and array bounds', () => {
    expect(flat(clip(f64([-2, 0.5, 3]), 0, 1))).toEqual([0, 0.5, 1]);
    expect(flat(clip(f64([-2, 0.5, 3]), null, 1))).toEqual([-2, 0.5, 1]);
    expect(flat(clip(f64([-2, 0.5, 3]), 0, null))).toEqual([0, 0.5, 3]);
    expect(clip(f64([[-2], [5]]), f64([0, 1, 2]), 3).toArray()).toEqual([
      [0, 1, 2],
      [3, 3, 3],
    ]);
    expect(flat(clip(f64([-2, 0.5, 3]), f64([0, 1, 0]), null))).toEqual([0, 1, 3]);
    expect(flat(clip(f64([-2, 0.5, 3]), null, f64(0)))).toEqual([-2, 0, 0]);
    expect(flat(clip(f64([-2, 0.5, 3]), 2, 1))).toEqual([1, 1, 1]); // min > max gives max (PyTorch)
    expect(flat(clip(f64([-2, 3]), f64([2, 2]), f64([1, 1])))).toEqual([1, 1]);
    expect(clip(f64(5), 0, 1).shape).toEqual([]);
    expect(clip(zeros([0, 2]), 0, 1).shape).toEqual([0, 2]);
  });

  it('keeps int32 with integer bounds and promotes with fractional ones', () => {
    const r = clip(i32([-5, 3, 9]), 0, 4);
    expect(r.dtype).toBe('int32');
    expect(flat(r)).toEqual([0, 3, 4]);
    expect(flat(clip(i32([-5, 9]), null, i32([2, 2])))).toEqual([-5, 2]);
    expect(flat(clip(i32([-5, 9]), i32([0, 0]), null))).toEqual([0, 9]);
    const f = clip(i32([-5, 3]), 0.5, 2.5);
    expect(f.dtype).toBe('float32');
    expect(flat(f)).toEqual([0.5, 2.5]);
    expect(flat(clip(array([0.1, 0.7], { dtype: 'float32' }), 0.2, 0.6))).toEqual([
      Math.fround(0.2),
      Math.fround(0.6),
    ]);
  });

  it('propagates NaN from x and from array bounds', () => {
    expect(flat(clip(f64([nan, 1]), 0, 0.5))).toEqual([nan, 0.5]);
    expect(flat(clip(f64([1, 1]), f64([nan, 0]), f64([2, nan])))).toEqual([nan, nan]);
  });

  it('refuses calls without bounds, NaN number bounds and bad shapes', () => {
    expect(() => clip(f64([1]), null, null)).toThrow(ArgumentError);
    expect(() => clip(f64([1]), null, null)).toThrow(
      'clip: at least one of min and max must be given, got null and null',
    );
    expect(() => clip(f64([1]), nan, 1)).toThrow('clip: min must not be NaN, got NaN');
    expect(() => clip(zeros([2, 3]), zeros([4]), 1)).toThrow(ShapeError);
    expect(() => clip(zeros([2, 3]), zeros([4]), 1)).toThrow(
      'clip: shapes cannot be broadcast together, got [2,3] and [4] and []',
    );
    expect(() => clip(zeros([2, 3]), null, zeros([2]))).toThrow(
      'clip: shapes cannot be broadcast together, got [2,3] and [2]',
    );
  });

  it('has gradient 1 inside the bounds (inclusive) and 0 outside (PyTorch)', () => {
    const x = f64([-2, 0, 0.5, 1, 3]);
    expect(flat(grad((t: NDArray) => sum(clip(t, 0, 1)))(x))).toEqual([0, 1, 1, 1, 0]);
    expect(flat(grad((t: NDArray) => sum(clip(t, null, 1)))(x))).toEqual([1, 1, 1, 1, 0]);
    expect(flat(grad((t: NDArray) => sum(clip(t, 0, null)))(x))).toEqual([0, 1, 1, 1, 1]);
    expect(flat(grad((t: NDArray) => sum(clip(t, 2, 1)))(x))).toEqual([0, 0, 0, 0, 0]);
  });

  it('sends gradients to array bounds where they are selected', () => {
    const x = f64([-2, 0.5, 3, 0.5]);
    const lo = f64([0, 0, 0, 2]);
    const hi = f64([1, 1, 1, 1]);
    const [gx, glo, ghi] = grad(
      (a: NDArray, l: NDArray, h: NDArray) => sum(mul(clip(a, l, h), f64([1, 2, 3, 4]))),
      {
        argnums: [0, 1, 2],
      },
    )(x, lo, hi) as NDArray[];
    expect(flat(gx)).toEqual([0, 2, 0, 0]);
    expect(flat(glo)).toEqual([1, 0, 0, 0]);
    expect(flat(ghi)).toEqual([0, 0, 3, 4]); // lo > hi: the max is selected
    const gScalarLo = grad((l: NDArray) => sum(clip(f64([-1, -2, 5]), l, 3)))(f64(0));
    expect(flat(gScalarLo)).toEqual([2]);
  });

  it('gives the same results on strided views as on contiguous copies', () => {
    fc.assert(
      fc.property(valuesArb(12, -3, 3), (raw) => {
        const x = f64(raw).reshape(3, 4);
        const lo = f64([-1, -0.5, 0, -2]);
        for (const v of [x.transpose(), x.flip(), x.slice({ step: 2 }), x.slice(0).broadcastTo([2, 4])]) {
          const c = v.copy();
          expect(flat(clip(v, -1, 1))).toEqual(flat(clip(c, -1, 1)));
          expect(flat(maximum(v, 0))).toEqual(flat(maximum(c, 0)));
          expect(flat(minimum(v.flip(), c))).toEqual(flat(minimum(v.flip().copy(), c)));
          expect(flat(pow(v, 2))).toEqual(flat(pow(c, 2)));
          expect(flat(pow(full(v.shape, 1.5, { dtype: 'float64' }), v))).toEqual(flat(pow(1.5, c)));
          if (v.shape[1] === 4)
            expect(flat(clip(v, lo.flip(), 2))).toEqual(flat(clip(c, lo.flip().copy(), 2)));
        }
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('passes checkGrads to second order, bounds included', () => {
    fc.assert(
      fc.property(valuesArb(6, -3, 3), (raw) => {
        const x = f64(raw.map((v) => (Math.abs(Math.abs(v) - 1) < 0.05 ? v * 1.2 : v))).reshape(2, 3);
        checkGrads((t: NDArray) => mul(clip(mul(t, t), null, 1), t), [x], { order: 2 });
        checkGrads(
          (t: NDArray, l: NDArray, h: NDArray) => clip(mul(t, t), l, h),
          [x, f64([1.1, 1.3, 0.9]), f64(4)],
          {
            order: 2,
          },
        );
      }),
      { seed: 42, numRuns: 5 },
    );
  });
});
