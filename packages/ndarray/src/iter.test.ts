import { describe, expect, it } from 'vitest';
import { arange, array, assign, forEachRun, map, reduce, ShapeError, zeros, zip } from './index.js';

describe('element loops', () => {
  it('map over contiguous and strided inputs', () => {
    const a = arange(6).reshape(2, 3);
    expect(map(a, (x) => x * 2).toArray()).toEqual([
      [0, 2, 4],
      [6, 8, 10],
    ]);
    expect(map(a.transpose(), (x) => x + 1).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(map(a, (x) => x / 4, 'float32').toArray()).toEqual([
      [0, 0.25, 0.5],
      [0.75, 1, 1.25],
    ]);
    expect(map(a, (x) => x % 2, 'bool').toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(map(zeros([0, 3]), (x) => x).shape).toEqual([0, 3]);
    expect(map(array(2), (x) => x * x).toArray()).toBe(4);
  });

  it('zip broadcasts', () => {
    const a = arange(6).reshape(2, 3);
    expect(zip(a, array([10, 20, 30]), (x, y) => x + y).toArray()).toEqual([
      [10, 21, 32],
      [13, 24, 35],
    ]);
    expect(zip(a.flip(0), array([[1], [2]]), (x, y) => x * y).toArray()).toEqual([
      [3, 4, 5],
      [0, 2, 4],
    ]);
    expect(zip(a, a, (x, y) => (x === y ? 1 : 0), 'bool').dtype).toBe('bool');
    expect(() => zip(a, arange(2), (x) => x)).toThrow(ShapeError);
  });

  it('reduce over axes with keepdims, in float64 accumulation', () => {
    const a = arange(24).reshape(2, 3, 4);
    const add = (s: number, x: number) => s + x;
    expect(reduce(a, add, 0).toArray()).toBe(276);
    expect(reduce(a, add, 0, { axis: [0, 2] }).toArray()).toEqual([60, 92, 124]);
    expect(reduce(a, add, 0, { axis: -1, keepdims: true }).shape).toEqual([2, 3, 1]);
    expect(reduce(a.permute(2, 1, 0), Math.max, Number.NEGATIVE_INFINITY, { axis: 0 }).toArray()).toEqual([
      [3, 15],
      [7, 19],
      [11, 23],
    ]);
    expect(reduce(zeros([0, 2]), add, 0, { axis: 0 }).toArray()).toEqual([0, 0]);
    // 1 + 1e-8 (float32 rounds to 1) added 1e4 times: float64 accumulation keeps the small terms.
    const small = zeros([10001], { dtype: 'float32' });
    small.data.fill(1e-8);
    small.data[0] = 1;
    expect(reduce(small, add, 0, { dtype: 'float64' }).item()).toBeCloseTo(1 + 1e-4, 9);
  });

  it('assign writes through strided views with broadcasting', () => {
    const a = zeros([2, 3], { dtype: 'int32' });
    assign(a.flip(1), array([1, 2, 3]));
    expect(a.toArray()).toEqual([
      [3, 2, 1],
      [3, 2, 1],
    ]);
    expect(() => assign(a.slice(0).broadcastTo([2, 3]), array(1))).toThrow(/broadcast view/);
  });

  it('forEachRun visits every element once, row-major', () => {
    const a = arange(24).reshape(2, 3, 4).slice(null, { step: 2 }, { step: -1 });
    const seen: number[] = [];
    forEachRun(a.shape, [a], (n, [o], [s]) => {
      for (let i = 0; i < n; i++) seen.push(a.data[o + i * s]);
    });
    expect(seen).toEqual((a.toArray() as number[][][]).flat(2));
    let calls = 0;
    forEachRun([2, 3, 4], [{ strides: [12, 4, 1], offset: 0 }], () => calls++);
    expect(calls).toBe(1);
    forEachRun([0, 4], [{ strides: [4, 1], offset: 0 }], () => calls++);
    expect(calls).toBe(1);
  });
});
