import { arange, array, DTypeError, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f64 } from '../../test/helpers.js';
import { Tracer } from '../core/tracer.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { mul } from './arith.js';
import {
  equal,
  greater,
  greaterEqual,
  isfinite,
  isnan,
  less,
  lessEqual,
  logicalAnd,
  logicalNot,
  logicalOr,
  notEqual,
  where,
} from './compare.js';
import { sum } from './sum.js';

const bools = (x: NDArray) => [x.toArray()].flat(3).map((v) => v === 1);
const { NaN: nan } = Number;

describe('comparisons', () => {
  const a = f64([1, 2, 3, nan]);
  const cases: [string, (x: NDArray, y: number) => NDArray, boolean[]][] = [
    ['equal', equal, [false, true, false, false]],
    ['notEqual', notEqual, [true, false, true, true]],
    ['less', less, [true, false, false, false]],
    ['lessEqual', lessEqual, [true, true, false, false]],
    ['greater', greater, [false, false, true, false]],
    ['greaterEqual', greaterEqual, [false, true, true, false]],
  ];
  for (const [name, op, expected] of cases) {
    it(`${name} against 2 gives bool, with IEEE NaN semantics`, () => {
      const r = op(a, 2);
      expect(r.dtype).toBe('bool');
      expect(bools(r)).toEqual(expected);
    });
  }

  it('broadcasts, and keeps the operand order in values and in errors', () => {
    const col = f64([[1], [2], [3]]);
    const row = f64([2, 3]);
    expect(greater(col, row).toArray()).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
    ]);
    expect(greaterEqual(row, col).toArray()).toEqual([
      [1, 1],
      [1, 1],
      [0, 1],
    ]);
    expect(() => greater(zeros([2, 3]), zeros([4]))).toThrow(ShapeError);
    expect(() => greater(zeros([2, 3]), zeros([4]))).toThrow(
      'greater: shapes cannot be broadcast together, got [2,3] and [4]',
    );
    expect(() => lessEqual(zeros([3]), zeros([2]))).toThrow(
      'lessEqual: shapes cannot be broadcast together, got [3] and [2]',
    );
  });

  it('compares in the common dtype: a weak number takes float32 precision', () => {
    expect(equal(array([0.1]), 0.1).item()).toBe(1); // float32(0.1) == float32(0.1)
    expect(equal(f64([0.1]), array([0.1])).item()).toBe(0); // float64(0.1) != float32(0.1)
    expect(less(array([1, 2], { dtype: 'int32' }), 1.5).toArray()).toEqual([1, 0]);
    expect(equal(array([true, false]), 1).toArray()).toEqual([1, 0]);
    expect(less(1, 2).shape).toEqual([]);
  });

  it('handles 0-d, size-0 and strided operands like contiguous copies', () => {
    expect(less(f64(1), f64([0, 2])).toArray()).toEqual([0, 1]);
    expect(equal(zeros([0, 3]), 0).shape).toEqual([0, 3]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 12, maxLength: 12 }), (vals) => {
        const x = f64(vals).reshape(3, 4);
        const y = f64(vals.slice().reverse()).reshape(4, 3);
        for (const op of [equal, less, lessEqual, greater, greaterEqual, notEqual]) {
          expect(op(x.transpose(), y).toArray()).toEqual(op(x.transpose().copy(), y).toArray());
          expect(op(x.flip(), y.transpose()).toArray()).toEqual(
            op(x.flip().copy(), y.transpose().copy()).toArray(),
          );
          const step = x.slice(null, { step: 2 });
          expect(op(step, 0).toArray()).toEqual(op(step.copy(), 0).toArray());
        }
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('records no node inside a transform and passes no gradient', () => {
    let seen: NDArray | null = null;
    const g = grad((x: NDArray) => {
      seen = less(x, 1);
      return sum(mul(x, x));
    })(f64([0, 2]));
    expect(seen).not.toBeInstanceOf(Tracer);
    expect(g.toArray()).toEqual([0, 4]);
  });
});

describe('logical ops and NaN tests', () => {
  it('logicalAnd / logicalOr / logicalNot treat nonzero (and NaN) as true', () => {
    const x = f64([0, 1, nan, -2]);
    const y = array([true, false, true, true]);
    expect(bools(logicalAnd(x, y))).toEqual([false, false, true, true]);
    expect(bools(logicalOr(x, false))).toEqual([false, true, true, true]);
    expect(bools(logicalNot(x))).toEqual([true, false, false, false]);
    expect(logicalNot(array([0, 3], { dtype: 'int32' })).toArray()).toEqual([1, 0]);
    expect(logicalAnd(array([[1], [0]]), array([1, 1, 0])).toArray()).toEqual([
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(() => logicalOr(zeros([2]), zeros([3]))).toThrow(
      'logicalOr: shapes cannot be broadcast together, got [2] and [3]',
    );
  });

  it('isnan and isfinite on floats, ints and bools', () => {
    const x = array([1, nan, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]);
    expect(bools(isnan(x))).toEqual([false, true, false, false, false]);
    expect(bools(isfinite(x))).toEqual([true, false, false, false, true]);
    expect(bools(isfinite(arange(3)))).toEqual([true, true, true]);
    expect(bools(isnan(array([true])))).toEqual([false]);
    expect(isnan(f64(nan)).shape).toEqual([]);
    expect(isnan(f64([1, nan]).broadcastTo([2, 2])).toArray()).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});

describe('where', () => {
  it('selects elementwise with three-way broadcasting', () => {
    const c = array([[true], [false]]);
    const r = where(c, f64([1, 2, 3]), f64(-1));
    expect(r.dtype).toBe('float64');
    expect(r.toArray()).toEqual([
      [1, 2, 3],
      [-1, -1, -1],
    ]);
    expect(where(f64([0, nan, 2]), 1, 0).toArray()).toEqual([0, 1, 1]); // cond cast to bool
    expect(where(true, array([1], { dtype: 'int32' }), 2.5).dtype).toBe('float32');
    expect(where(array([true, false]), arange(2), arange(2).flip()).toArray()).toEqual([0, 0]);
    expect(where(zeros([0]), 1, 2).shape).toEqual([0]);
    expect(where(true, 1, 2).shape).toEqual([]);
  });

  it('gives the same results on strided views as on contiguous copies', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 12, maxLength: 12 }), (vals) => {
        const x = f64(vals).reshape(3, 4);
        const c = greater(x, 0).transpose();
        const a = x.flip().transpose();
        const b = f64([1, 2, 3]).broadcastTo([4, 3]);
        expect(where(c, a, b).toArray()).toEqual(where(c.copy(), a.copy(), b.copy()).toArray());
        const s = x.slice({ step: 2 }, { start: -1, step: -2 });
        expect(where(s, s.flip(), -1).toArray()).toEqual(where(s.copy(), s.flip().copy(), -1).toArray());
        expect(logicalAnd(s.transpose(), s.flip()).toArray()).toEqual(
          logicalAnd(s.transpose().copy(), s.flip().copy()).toArray(),
        );
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('names all three shapes when they cannot broadcast', () => {
    expect(() => where(zeros([2]), zeros([3]), 0)).toThrow(ShapeError);
    expect(() => where(zeros([2]), zeros([3]), 0)).toThrow(
      'where: shapes cannot be broadcast together, got [2] and [3] and []',
    );
    expect(() => where('x' as never, 1, 2)).toThrow(DTypeError);
  });

  it('sends the gradient to a where cond holds and to b elsewhere, summed to their shapes', () => {
    const c = array([true, false, true]);
    const [ga, gb] = grad((a: NDArray, b: NDArray) => sum(mul(where(c, a, b), f64([1, 2, 3]))), {
      argnums: [0, 1],
    })(f64([1, 1, 1]), f64(5));
    expect(ga.toArray()).toEqual([1, 0, 3]);
    expect(gb.toArray()).toEqual(2);
    expect(gb.shape).toEqual([]);
  });

  it('passes checkGrads to second order', () => {
    const c = array([
      [true, false, true],
      [false, false, true],
    ]);
    checkGrads(
      (a: NDArray, b: NDArray) => mul(where(c, mul(a, a), mul(b, a)), b),
      [
        f64([
          [0.3, -1.2, 2],
          [1.5, 0.7, -0.4],
        ]),
        f64([0.5, -2, 1.1]),
      ],
      { order: 2 },
    );
  });

  it('takes the cond from a comparison of traced values (no gradient through the cond)', () => {
    const g = grad((x: NDArray) => sum(where(greater(x, 0), x, mul(x, -2))))(f64([1, -1, 3]));
    expect(g.toArray()).toEqual([1, -2, 1]);
    expect(() => where(zeros([2]), zeros([2]), zeros([2, 3]))).toThrow(ShapeError);
  });
});
