import { array, DTypeError, type NDArray, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, flat } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { sum } from './sum.js';
import {
  abs,
  ceil,
  cos,
  erf,
  erfc,
  exp,
  expm1,
  floor,
  log,
  log1p,
  reciprocal,
  round,
  rsqrt,
  sign,
  sin,
  sqrt,
  square,
  tan,
  tanh,
} from './unary.js';

const { NaN: nan, POSITIVE_INFINITY: inf } = Number;

/** This file's tolerances: rtol 1e-15, atol 0. */
const close = (actual: NDArray, expected: number[], rtol = 1e-15, atol = 0) =>
  expectClose(actual, expected, rtol, atol);

type Domain = 'any' | 'positive' | 'awayFromZero' | 'small';
interface Case {
  name: string;
  op: (x: NDArray) => NDArray;
  ref: (v: number) => number;
  domain: Domain;
  /** Has a nonzero derivative somewhere (checked with checkGrads). */
  smooth: boolean;
}
const halfEven = (v: number) => {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const CASES: Case[] = [
  { name: 'abs', op: abs, ref: Math.abs, domain: 'awayFromZero', smooth: true },
  { name: 'sign', op: sign, ref: (v) => Math.sign(v) + 0, domain: 'any', smooth: false },
  { name: 'exp', op: exp, ref: Math.exp, domain: 'any', smooth: true },
  { name: 'expm1', op: expm1, ref: Math.expm1, domain: 'any', smooth: true },
  { name: 'log', op: log, ref: Math.log, domain: 'positive', smooth: true },
  { name: 'log1p', op: log1p, ref: Math.log1p, domain: 'positive', smooth: true },
  { name: 'sqrt', op: sqrt, ref: Math.sqrt, domain: 'positive', smooth: true },
  { name: 'rsqrt', op: rsqrt, ref: (v) => 1 / Math.sqrt(v), domain: 'positive', smooth: true },
  { name: 'square', op: square, ref: (v) => v * v, domain: 'any', smooth: true },
  { name: 'sin', op: sin, ref: Math.sin, domain: 'any', smooth: true },
  { name: 'cos', op: cos, ref: Math.cos, domain: 'any', smooth: true },
  { name: 'tan', op: tan, ref: Math.tan, domain: 'small', smooth: true },
  { name: 'tanh', op: tanh, ref: Math.tanh, domain: 'any', smooth: true },
  { name: 'reciprocal', op: reciprocal, ref: (v) => 1 / v, domain: 'awayFromZero', smooth: true },
  { name: 'floor', op: floor, ref: Math.floor, domain: 'any', smooth: false },
  { name: 'ceil', op: ceil, ref: Math.ceil, domain: 'any', smooth: false },
  { name: 'round', op: round, ref: halfEven, domain: 'any', smooth: false },
  { name: 'erf', op: erf, ref: (v) => v, domain: 'any', smooth: true },
  { name: 'erfc', op: erfc, ref: (v) => v, domain: 'any', smooth: true },
];

/** Maps raw doubles in [-1, 1] into the domain of an op. */
function toDomain(v: number, d: Domain): number {
  if (d === 'positive') return 0.2 + 2 * Math.abs(v);
  if (d === 'awayFromZero') return (v < 0 ? -0.3 : 0.3) + 2 * v;
  if (d === 'small') return 1.2 * v;
  return 2.5 * v;
}

const valuesArb = (n: number) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n });

describe('forward values', () => {
  it('match hand-computed values', () => {
    close(exp(f64([0, 1, -1])), [1, Math.E, 0.36787944117144233]);
    close(expm1(f64([1e-10, 1])), [1.00000000005e-10, 1.718281828459045]);
    close(log(f64([1, 2, Math.E])), [0, Math.LN2, 1]);
    close(log1p(f64([1e-10, 1])), [9.9999999995e-11, Math.LN2]);
    close(sqrt(f64([4, 2])), [2, Math.SQRT2]);
    close(rsqrt(f64([4, 0.25, 2])), [0.5, 2, 0.7071067811865475]);
    close(tanh(f64([0.5, -20])), [0.46211715726000974, -1]);
    close(sin(f64([Math.PI / 6])), [0.5], 1e-15, 1e-16);
    close(cos(f64([Math.PI / 3])), [0.5], 1e-15, 1e-16);
    close(tan(f64([Math.PI / 4])), [1], 1e-15);
    close(reciprocal(f64([4, -0.5])), [0.25, -2]);
    close(square(f64([-3, 0.5])), [9, 0.25]);
    close(erf(f64([0.5, -3])), [0.5204998778130465, -0.9999779095030014]);
    close(erfc(f64([6, -1])), [2.1519736712498913e-17, 1.8427007929497148], 2e-15);
    close(abs(f64([-2.5, 3])), [2.5, 3]);
    close(sign(f64([-2.5, 0, 3])), [-1, 0, 1]);
    close(floor(f64([-1.5, 1.5, 2])), [-2, 1, 2]);
    close(ceil(f64([-1.5, 1.5, 2])), [-1, 2, 2]);
  });

  it('round rounds halves to even, like PyTorch and NumPy', () => {
    const r = round(
      f64([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.6, -2.6, 0.49999999999999994, 4503599627370497, 1e300]),
    );
    expect(flat(r)).toEqual([0, 2, 2, -0, -2, -2, 3, -3, 0, 4503599627370497, 1e300]);
    expect(Object.is(flat(r)[3], -0)).toBe(true);
    expect(flat(round(array([2.5, 3.5])))).toEqual([2, 4]);
  });

  it('agree with the scalar reference functions in float64 and round once in float32', () => {
    fc.assert(
      fc.property(valuesArb(6), (raw) => {
        for (const c of CASES.filter((k) => k.name !== 'erf' && k.name !== 'erfc')) {
          const v = raw.map((t) => toDomain(t, c.domain));
          close(c.op(f64(v)), v.map(c.ref));
          const x32 = array(v, { dtype: 'float32' });
          const r32 = c.op(x32);
          expect(r32.dtype).toBe('float32');
          expect(flat(r32)).toEqual(flat(x32).map((t) => Math.fround(c.ref(t))));
        }
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});

describe('dtypes', () => {
  it('compute transcendental functions of int32 and bool in float32', () => {
    for (const op of [exp, expm1, log, log1p, sqrt, rsqrt, sin, cos, tan, tanh, reciprocal, erf, erfc]) {
      expect(op(array([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
      expect(op(array([true])).dtype).toBe('float32');
      expect(op(f64([1])).dtype).toBe('float64');
    }
    expect(flat(exp(array([1], { dtype: 'int32' })))).toEqual([Math.fround(Math.E)]);
    expect(exp(2).dtype).toBe('float32');
  });

  it('keep int32 for abs, sign, square, floor, ceil, round (bool becomes int32)', () => {
    const i = array([-3, 0, 2], { dtype: 'int32' });
    expect(abs(i).dtype).toBe('int32');
    expect(flat(abs(i))).toEqual([3, 0, 2]);
    expect(flat(sign(i))).toEqual([-1, 0, 1]);
    expect(flat(square(i))).toEqual([9, 0, 4]);
    for (const op of [floor, ceil, round]) {
      expect(op(i).dtype).toBe('int32');
      expect(flat(op(i))).toEqual([-3, 0, 2]);
    }
    expect(square(array([true, false])).dtype).toBe('int32');
    expect(floor(array([true])).dtype).toBe('int32');
  });

  it('reject what is not an array or a number', () => {
    expect(() => exp('1' as never)).toThrow(DTypeError);
    expect(() => abs(null as never)).toThrow(DTypeError);
  });
});

describe('special values and shapes', () => {
  it('propagate NaN and follow IEEE at infinities and domain edges', () => {
    expect(flat(exp(f64([nan, -inf, inf])))).toEqual([nan, 0, inf]);
    expect(flat(log(f64([0, -1, inf])))).toEqual([-inf, nan, inf]);
    expect(flat(sqrt(f64([-1, inf])))).toEqual([nan, inf]);
    expect(flat(rsqrt(f64([0, inf])))).toEqual([inf, 0]);
    expect(flat(tanh(f64([inf, -inf, nan])))).toEqual([1, -1, nan]);
    expect(flat(sign(f64([nan, -0, -inf])))).toEqual([nan, 0, -1]);
    expect(Object.is(flat(sign(f64([-0])))[0], 0)).toBe(true);
    expect(flat(abs(f64([-inf, nan])))).toEqual([inf, nan]);
    expect(flat(reciprocal(f64([0, -0])))).toEqual([inf, -inf]);
    for (const op of [floor, ceil, round, sin, cos, expm1, log1p, square, erf, erfc])
      expect(flat(op(f64([nan])))).toEqual([nan]);
    expect(flat(erf(f64([inf, -inf])))).toEqual([1, -1]);
  });

  it('keep 0-d and size-0 shapes', () => {
    for (const c of CASES) {
      expect(c.op(f64(0.5)).shape).toEqual([]);
      expect(c.op(zeros([0, 3], { dtype: 'float64' })).shape).toEqual([0, 3]);
    }
  });

  it('give the same results on strided views as on contiguous copies', () => {
    fc.assert(
      fc.property(valuesArb(24), (raw) => {
        for (const c of CASES) {
          const base = f64(raw.map((t) => toDomain(t, c.domain))).reshape(2, 3, 4);
          const views = [
            base.transpose(),
            base.permute(1, 2, 0),
            base.flip(),
            base.slice(null, { step: 2 }, { start: -1, step: -3 }),
            base.slice(0, 1).broadcastTo([3, 4]),
          ];
          for (const v of views) expect(flat(c.op(v))).toEqual(flat(c.op(v.copy())));
        }
      }),
      { seed: 42, numRuns: 20 },
    );
  });
});

describe('gradients', () => {
  it('pass checkGrads to second order in float64', () => {
    fc.assert(
      fc.property(valuesArb(6), (raw) => {
        for (const c of CASES.filter((k) => k.smooth)) {
          const x = f64(raw.map((t) => toDomain(t, c.domain))).reshape(2, 3);
          checkGrads(c.op, [x], { order: 2 });
        }
      }),
      { seed: 42, numRuns: 3 },
    );
  });

  it('match the closed forms', () => {
    const x = f64([0.3, -1.2, 2]);
    const g = (op: (x: NDArray) => NDArray, at = x) => flat(grad((t: NDArray) => sum(op(t)))(at));
    expect(g(abs)).toEqual([1, -1, 1]);
    close(
      grad((t: NDArray) => sum(tanh(t)))(x),
      flat(x).map((v) => 1 - Math.tanh(v) ** 2),
      1e-15,
      1e-16,
    );
    close(
      grad((t: NDArray) => sum(erf(t)))(x),
      flat(x).map((v) => (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v)),
    );
    const p = f64([0.5, 4]);
    close(grad((t: NDArray) => sum(rsqrt(t)))(p), [-0.5 * 0.5 ** -1.5, -0.5 * 4 ** -1.5]);
    close(grad((t: NDArray) => sum(log1p(t)))(p), [1 / 1.5, 1 / 5]);
    // second derivative of sin is -sin
    const d2 = grad((t: NDArray) => sum(grad((u: NDArray) => sum(sin(u)))(t)))(x);
    close(
      d2,
      flat(x).map((v) => -Math.sin(v)),
      1e-15,
      1e-16,
    );
  });

  it('are zero for the piecewise-constant functions (and for abs at 0, as PyTorch)', () => {
    const x = f64([0.3, -1.7, 2.5]);
    for (const op of [sign, floor, ceil, round]) {
      expect(flat(grad((t: NDArray) => sum(op(t)))(x))).toEqual([0, 0, 0]);
    }
    expect(flat(grad((t: NDArray) => sum(abs(t)))(f64([0])))).toEqual([0]);
  });

  it('reach float32 inputs in float32', () => {
    const g = grad((t: NDArray) => sum(exp(t)))(array([0, 1], { dtype: 'float32' }));
    expect(g.dtype).toBe('float32');
    expect(flat(g)).toEqual([1, Math.fround(Math.E)]);
  });
});
