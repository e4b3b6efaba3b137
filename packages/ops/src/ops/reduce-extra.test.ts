import { array, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f64, randn } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { mul } from './arith.js';
import { all, any, argmax, argmin, cumprod, cumsum, exclusiveProd } from './reduce-extra.js';
import { sum } from './sum.js';

/** Reference scan along `axis` with nested loops over a [a, b, c] array. */
function refScan(
  x: NDArray,
  axis: number,
  f: (acc: number, v: number) => number,
  init: number,
): number[][][] {
  const [p, q, r] = x.shape;
  const out: number[][][] = [];
  for (let i = 0; i < p; i++) {
    out.push([]);
    for (let j = 0; j < q; j++) out[i].push(new Array(r).fill(0));
  }
  const n = x.shape[axis];
  for (let i = 0; i < (axis === 0 ? 1 : p); i++)
    for (let j = 0; j < (axis === 1 ? 1 : q); j++)
      for (let k = 0; k < (axis === 2 ? 1 : r); k++) {
        let acc = init;
        for (let t = 0; t < n; t++) {
          const idx = [i, j, k];
          idx[axis] = t;
          acc = f(acc, x.get(...idx));
          out[idx[0]][idx[1]][idx[2]] = acc;
        }
      }
  return out;
}

describe('argmax and argmin', () => {
  it('values, first occurrence on ties, flattened index without axis', () => {
    const x = array([
      [1, 5, 5],
      [7, 2, 7],
    ]);
    expect(argmax(x, { axis: 1 }).toArray()).toEqual([1, 0]);
    expect(argmin(x, { axis: 0 }).toArray()).toEqual([0, 1, 0]);
    expect(argmax(x).item()).toBe(3);
    expect(argmax(x).dtype).toBe('int32');
    expect(argmax(x).shape).toEqual([]);
    expect(argmax(x, { keepdims: true }).shape).toEqual([1, 1]);
    expect(argmax(x, { axis: -1, keepdims: true }).toArray()).toEqual([[1], [0]]);
    expect(argmin(array(4)).item()).toBe(0);
  });

  it('NaN counts as the extreme (first NaN wins), as NumPy', () => {
    const x = f64([1, Number.NaN, 9, Number.NaN]);
    expect(argmax(x).item()).toBe(1);
    expect(argmin(x).item()).toBe(1);
    expect(argmax(f64([Number.NaN, 3])).item()).toBe(0);
  });

  it('strided views agree with copies and with a reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -3, max: 2 }), (seed, axis) => {
        const base = randn([4, 3, 5], seed);
        for (const v of [
          base.transpose(),
          base.flip(2),
          base.slice({ step: 2 }, null, { start: 4, step: -2 }),
        ]) {
          expect(argmax(v, { axis }).toArray()).toEqual(argmax(v.copy(), { axis }).toArray());
          expect(argmin(v, { axis }).toArray()).toEqual(argmin(v.copy(), { axis }).toArray());
          expect(argmax(v).item()).toBe(argmax(v.copy()).item());
        }
        const flat = Array.from(base.data as Float64Array);
        expect(argmax(base).item()).toBe(flat.indexOf(Math.max(...flat)));
      }),
      { seed: 42, numRuns: 20 },
    );
  });

  it('errors: empty axis, axis out of range', () => {
    expect(() => argmax(zeros([2, 0]), { axis: 1 })).toThrow(
      'argmax: axis 1 must not be empty, got shape [2,0]',
    );
    expect(() => argmin(zeros([0]))).toThrow(ShapeError);
    expect(argmax(zeros([0, 2]), { axis: 1 }).shape).toEqual([0]);
    expect(() => argmax(zeros([2, 3]), { axis: 2 })).toThrow(
      'argmax: axis must be an integer in [-2, 1] for rank 2, got 2',
    );
  });
});

describe('all and any', () => {
  it('values, NaN is true, empty identities', () => {
    const x = array([
      [1, 0, 2],
      [3, 4, 5],
    ]);
    expect(all(x, { axis: 1 }).toArray()).toEqual([0, 1]);
    expect(any(x, { axis: 0 }).toArray()).toEqual([1, 1, 1]);
    expect(any(array([[0, 0]]), { axis: 1, keepdims: true }).toArray()).toEqual([[0]]);
    expect(all(x).dtype).toBe('bool');
    expect(all(f64([Number.NaN])).item()).toBe(1);
    expect(all(zeros([0])).item()).toBe(1);
    expect(any(zeros([0])).item()).toBe(0);
    expect(any(x.transpose(), { axis: 0 }).toArray()).toEqual([1, 1]);
    expect(() => all(x, { axis: 2 })).toThrow(/^all: axis/);
  });
});

describe('cumsum and cumprod', () => {
  it('match nested-loop references on every axis and on strided views', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 }), (seed, axis) => {
        const base = randn([3, 4, 5], seed);
        for (const v of [base, base.flip(axis), base.permute(1, 0, 2).reshape(3, 4, 5)]) {
          const cs = cumsum(v, { axis }).toArray() as number[][][];
          const want = refScan(v, axis, (a, b) => a + b, 0);
          cs.flat(2).forEach((c, i) => {
            expect(c).toBeCloseTo(want.flat(2)[i], 12);
          });
          const cp = cumprod(v, { axis }).toArray() as number[][][];
          const wantP = refScan(v, axis, (a, b) => a * b, 1);
          cp.flat(2).forEach((c, i) => {
            expect(c).toBeCloseTo(wantP.flat(2)[i], 12);
          });
        }
      }),
      { seed: 42, numRuns: 20 },
    );
  });

  it('flattens without an axis; dtypes; 0-d and empty', () => {
    expect(
      cumsum(
        array([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([1, 3, 6, 10]);
    expect(
      cumsum(
        array([
          [1, 2],
          [3, 4],
        ]),
      ).dtype,
    ).toBe('int32');
    expect(cumsum(array([true, true, false])).toArray()).toEqual([1, 2, 2]);
    expect(cumsum(array([true])).dtype).toBe('int32');
    expect(cumprod(array([1, 2, 3, 4])).toArray()).toEqual([1, 2, 6, 24]);
    expect(cumsum(array(5)).toArray()).toEqual([5]);
    expect(cumsum(zeros([2, 0]), { axis: 1 }).shape).toEqual([2, 0]);
    expect(cumprod(zeros([0, 3]), { axis: 0 }).shape).toEqual([0, 3]);
    const f = array([0.1, 0.2, 0.3], { dtype: 'float32' });
    expect(cumsum(f).dtype).toBe('float32');
    expect(cumsum(f).get(2)).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2) + Math.fround(0.3)));
    expect(cumsum(f64([1, Number.NaN, 2])).toArray()).toEqual([1, Number.NaN, Number.NaN]);
    expect(() => cumsum(zeros([2, 2]), { axis: -3 })).toThrow(/^cumsum: axis/);
  });

  it('gradients (order 2), including cumprod and exclusive products through zeros', () => {
    const x = randn([3, 4], 11);
    checkGrads((a: NDArray) => mul(cumsum(a, { axis: 0 }), cumsum(a, { axis: 1 })), [x], { order: 2 });
    checkGrads((a: NDArray) => cumprod(a, { axis: 1 }), [x], { order: 2 });
    checkGrads((a: NDArray) => cumprod(a), [x], { order: 2 });
    const z = f64([2, 0, 3, 0.5]);
    checkGrads((a: NDArray) => cumprod(a), [z], { order: 2 });
    // d/dx1 sum(cumprod x) at x1 = 0: x0 + x0 x2 + x0 x2 x3 = 2 + 6 + 3.
    expect(grad((a: NDArray) => sum(cumprod(a)))(z).get(1)).toBe(11);
    expect(
      exclusiveProd(
        f64([
          [2, 0, 3],
          [1, 2, 4],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [0, 6, 0],
      [8, 4, 2],
    ]);
    expect(exclusiveProd(f64([[2, 0, 3]]), 0).toArray()).toEqual([[1, 1, 1]]);
  });
});
