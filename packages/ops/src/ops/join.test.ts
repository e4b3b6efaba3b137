import { ArgumentError, arange, array, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f64, rand } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { mul } from './arith.js';
import { concat, split, stack } from './join.js';
import { sum } from './sum.js';

describe('concat', () => {
  it('joins along an existing axis', () => {
    const a = arange(6).reshape(2, 3);
    const b = arange(6, 8).reshape(2, 1);
    expect(concat([a, b], 1).toArray()).toEqual([
      [0, 1, 2, 6],
      [3, 4, 5, 7],
    ]);
    expect(concat([a, a], -2).shape).toEqual([4, 3]);
    expect(concat([a])).toBe(a);
    expect(concat([zeros([0, 3]), a]).toArray()).toEqual(a.toArray());
  });

  it('promotes dtypes across inputs', () => {
    const c = concat([array([1, 2]), f64([0.5])]);
    expect(c.dtype).toBe('float64');
    expect(c.toArray()).toEqual([1, 2, 0.5]);
    expect(concat([array([true]), array([3])]).dtype).toBe('int32');
  });

  it('gives each input its range of the cotangent', () => {
    const w = f64([1, 2, 3, 4, 5]);
    const [ga, gb] = grad((a: NDArray, b: NDArray) => sum(mul(concat([a, b]), w)), { argnums: [0, 1] })(
      rand([2]),
      rand([3]),
    );
    expect(ga.toArray()).toEqual([1, 2]);
    expect(gb.toArray()).toEqual([3, 4, 5]);
  });

  it('strided inputs (transposed, flipped, broadcast) give the same result as copies', () => {
    const a = rand([3, 2], 3).transpose();
    const b = rand([2, 4], 4).flip(1);
    const c = f64([[1], [2]]).broadcastTo([2, 3]);
    expect(concat([a, b, c], 1).toArray()).toEqual(concat([a.copy(), b.copy(), c.copy()], 1).toArray());
  });

  it('errors', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])])).toThrow(
      new ShapeError(
        'concat: arrays must have the same shape except along axis 0, got [2,3] at entry 0 and [2,4] at entry 1',
      ),
    );
    expect(() => concat([zeros([2, 3]), zeros([2, 3])], 2)).toThrow(
      'concat: axis must be an integer in [-2, 1] for rank 2, got 2',
    );
    expect(() => concat([zeros([2]), zeros([1, 2])])).toThrow(ShapeError);
    expect(() => concat([f64(1), f64(2)])).toThrow(
      'concat: arrays must have at least 1 dimension, got shape [] at entry 0',
    );
    expect(() => concat([])).toThrow(
      new ArgumentError('concat: xs must be a non-empty list of arrays, got an empty list'),
    );
  });
});

describe('stack', () => {
  it('adds the new axis at position axis of the output', () => {
    const a = rand([2, 3], 1);
    const b = rand([2, 3], 2);
    expect(stack([a, b]).shape).toEqual([2, 2, 3]);
    expect(stack([a, b], 1).shape).toEqual([2, 2, 3]);
    expect(stack([a, b], -1).shape).toEqual([2, 3, 2]);
    expect(stack([a, b], -1).get(1, 2, 1)).toBe(b.get(1, 2));
    expect(stack([f64(1), f64(2)]).toArray()).toEqual([1, 2]);
    expect(stack([1, 2]).dtype).toBe('float32');
  });

  it('errors', () => {
    expect(() => stack([zeros([2, 3]), zeros([3, 2])])).toThrow(
      new ShapeError('stack: arrays must have the same shape, got [2,3] at entry 0 and [3,2] at entry 1'),
    );
    expect(() => stack([zeros([2, 3])], 3)).toThrow(
      'stack: axis must be an integer in [-3, 2] for rank 3, got 3',
    );
  });
});

describe('split', () => {
  const x = arange(12).reshape(6, 2);

  it('equal sections and split points (NumPy), as views', () => {
    const parts = split(x, 3);
    expect(parts.map((p) => p.toArray())).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
      [
        [8, 9],
        [10, 11],
      ],
    ]);
    expect(parts[1].data).toBe(x.data);
    expect(split(x, [1, 4]).map((p) => p.shape)).toEqual([
      [1, 2],
      [3, 2],
      [2, 2],
    ]);
    expect(split(x, [-2, 9]).map((p) => p.shape[0])).toEqual([4, 2, 0]);
    expect(split(x, 2, 1).map((p) => p.toArray())).toEqual([
      [[0], [2], [4], [6], [8], [10]],
      [[1], [3], [5], [7], [9], [11]],
    ]);
    expect(split(zeros([0]), 3).map((p) => p.shape)).toEqual([[0], [0], [0]]);
  });

  it('the pieces concat back, and gradients flow through them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }), (points) => {
        points.sort((p, q) => p - q);
        expect(concat(split(x, points)).toArray()).toEqual(x.toArray());
      }),
      { seed: 42, numRuns: 50 },
    );
    const g = grad((v: NDArray) => {
      const [a] = split(v, [1, 3]);
      return sum(mul(a, 2));
    })(rand([4]));
    expect(g.toArray()).toEqual([2, 0, 0, 0]);
  });

  it('errors', () => {
    expect(() => split(x, 4)).toThrow(
      new ArgumentError(
        'split: sections must be a positive integer that divides axis 0 (size 6) evenly, got 4 for shape [6,2]',
      ),
    );
    expect(() => split(x, [1.5])).toThrow('split: indices must be integers, got [1.5]');
    expect(() => split(x, 2, 2)).toThrow('split: axis must be an integer in [-2, 1] for rank 2, got 2');
  });
});

describe('second-order gradient checks (float64)', () => {
  // Inputs enter through v² so that gradients come out of `mul` contiguous (checkGrads reads `.data`).
  it('concat', () => {
    checkGrads(
      (a: NDArray, b: NDArray) => {
        const y = concat([mul(a, a), mul(b, b)], 1);
        return mul(y, y);
      },
      [rand([2, 3], 1), rand([2, 2], 2)],
      { order: 2 },
    );
  });
  it('stack', () => {
    checkGrads(
      (a: NDArray, b: NDArray) => {
        const y = stack([mul(a, a), mul(b, b)], -1);
        return mul(y, y);
      },
      [rand([2, 3], 3), rand([2, 3], 4)],
      { order: 2 },
    );
  });
  it('split', () => {
    checkGrads(
      (a: NDArray) => {
        const [p, q] = split(mul(a, a), [1], 1);
        return mul(sum(mul(p, p)), sum(q));
      },
      [rand([2, 3], 5)],
      { order: 2 },
    );
  });
});
