import {
  ArgumentError,
  arange,
  array,
  DTypeError,
  type NDArray,
  type NestedArray,
  ShapeError,
  zeros,
} from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f64, rand } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { mul } from './arith.js';
import { gather, take, takeAlongAxis } from './gather.js';
import { sum } from './sum.js';

/** Every multi-index of `shape`, row-major. */
function* indicesOf(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((p, d) => p * d, 1);
  for (let f = 0; f < n; f++) {
    const idx = new Array<number>(shape.length);
    let r = f;
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k] = r % shape[k];
      r = Math.floor(r / shape[k]);
    }
    yield idx;
  }
}

/** Reference take along an axis, element by element with `get`. */
function refTake(x: NDArray, idx: NDArray, axis: number): NestedArray {
  const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
  const out = zeros(shape, { dtype: 'float64' });
  let f = 0;
  for (const p of indicesOf(shape)) {
    const i = idx.get(...p.slice(axis, axis + idx.ndim));
    out.data[f++] = x.get(...p.slice(0, axis), i, ...p.slice(axis + idx.ndim));
  }
  return out.toArray();
}

describe('take / gather', () => {
  const x = arange(12).reshape(3, 4);

  it('picks along an axis; the indices axes replace it', () => {
    expect(take(x, [2, 0, 2], { axis: 0 }).toArray()).toEqual([
      [8, 9, 10, 11],
      [0, 1, 2, 3],
      [8, 9, 10, 11],
    ]);
    expect(take(x, [[1], [-1]], { axis: 1 }).toArray()).toEqual([
      [[1], [3]],
      [[5], [7]],
      [[9], [11]],
    ]);
    expect(take(x, array([5, -1, 0]))).toEqual(take(x.reshape(-1), [5, 11, 0], { axis: 0 }));
    expect(take(x, array([5, -1, 0])).toArray()).toEqual([5, 11, 0]);
    expect(take(x, array(3)).toArray()).toEqual(3);
    expect(take(f64(5), [0, -1]).toArray()).toEqual([5, 5]);
    expect(take(x, [], { axis: 1 }).shape).toEqual([3, 0]);
    expect(take(zeros([0, 2]), [], { axis: 0 }).shape).toEqual([0, 2]);
    expect(take(x, [1]).dtype).toBe('int32');
    expect(gather).toBe(take);
  });

  it('matches a reference on random shapes, strided x and strided indices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 2 }),
        fc.nat(),
        fc.nat(),
        (shape, idxShape, seed, ax) => {
          const axis = ax % shape.length;
          const base = rand([...shape].reverse(), seed).transpose();
          const n = shape[axis];
          const idx = zeros(idxShape, { dtype: 'int32' });
          for (let i = 0; i < idx.size; i++) idx.data[i] = ((seed + 7 * i) % (2 * n)) - n;
          const strided = idx.ndim > 0 ? idx.flip(0) : idx;
          expect(take(base, strided, { axis }).toArray()).toEqual(refTake(base, strided, axis));
          expect(take(base.copy(), strided.copy(), { axis }).toArray()).toEqual(refTake(base, strided, axis));
        },
      ),
      { seed: 42, numRuns: 50 },
    );
    const b = f64([1, 2, 3]).broadcastTo([2, 3]);
    expect(take(b, array([2, 0]).broadcastTo([2, 2]), { axis: 1 }).toArray()).toEqual([
      [
        [3, 1],
        [3, 1],
      ],
      [
        [3, 1],
        [3, 1],
      ],
    ]);
  });

  it('its VJP accumulates duplicate indices', () => {
    const g = grad((v: NDArray) => sum(mul(take(v, [0, 0, 2, -1], { axis: 0 }), f64([[1], [2], [3], [4]]))))(
      rand([3, 2]),
    );
    expect(g.toArray()).toEqual([
      [3, 3],
      [0, 0],
      [7, 7],
    ]);
    const g32 = grad((v: NDArray) => sum(take(v, [1, 1])))(array([1, 2], { dtype: 'float32' }));
    expect(g32.dtype).toBe('float32');
    expect(g32.toArray()).toEqual([0, 2]);
  });

  it('rejects bad indices before computing', () => {
    expect(() => take(x, [0, 4], { axis: 1 })).toThrow(
      new ArgumentError('take: index 4 is out of bounds for axis 1 with size 4'),
    );
    expect(() => take(x, [-13])).toThrow('take: index -13 is out of bounds for axis 0 with size 12');
    expect(() => take(zeros([0]), [0])).toThrow('take: index 0 is out of bounds for axis 0 with size 0');
    expect(() => take(x, f64([1]))).toThrow(new DTypeError('take: indices must be int32, got float64'));
    expect(() => take(x, [0.5])).toThrow(
      new ArgumentError('take: indices must be integers in the int32 range, got [0.5]'),
    );
    expect(() => take(x, [0], { axis: 2 })).toThrow(
      'take: axis must be an integer in [-2, 1] for rank 2, got 2',
    );
  });
});

describe('takeAlongAxis', () => {
  it('picks one element per position (PyTorch gather)', () => {
    const x = f64([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    expect(
      takeAlongAxis(
        x,
        array([
          [2, 0],
          [1, -1],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [30, 10],
      [50, 60],
    ]);
    expect(takeAlongAxis(x, array([[1, 0, 1]]), 0).toArray()).toEqual([[40, 20, 60]]);
    expect(takeAlongAxis(x, [5, 0], null).toArray()).toEqual([60, 10]);
    expect(takeAlongAxis(x, zeros([2, 0], { dtype: 'int32' }), 1).shape).toEqual([2, 0]);
  });

  it('broadcasts x and indices off the axis (NumPy)', () => {
    const x = f64([[1, 2, 3]]);
    const idx = array([[0], [2]]);
    expect(takeAlongAxis(x, idx, 1).toArray()).toEqual([[1], [3]]);
    const g = grad((v: NDArray) => sum(takeAlongAxis(v, idx, 1)))(x);
    expect(g.toArray()).toEqual([[1, 0, 1]]);
  });

  it('matches take on every row, for strided inputs', () => {
    const x = rand([4, 5], 3).transpose();
    const idx = array([
      [0, 3, 3],
      [1, 1, 2],
      [3, 0, 0],
      [2, 2, 1],
      [0, 1, 2],
    ]);
    const out = takeAlongAxis(x, idx.flip(0), 1);
    for (let i = 0; i < 5; i++) {
      const row = idx.flip(0).slice(i).copy();
      expect(out.slice(i).toArray()).toEqual(take(x.slice(i), row, { axis: 0 }).toArray());
    }
  });

  it('its VJP accumulates duplicates', () => {
    const g = grad((v: NDArray) => sum(takeAlongAxis(v, array([[0, 0, 1]]), 1)))(rand([2, 2]));
    expect(g.toArray()).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });

  it('errors', () => {
    const x = zeros([2, 3]);
    expect(() => takeAlongAxis(x, array([0, 1]), 1)).toThrow(
      new ShapeError('takeAlongAxis: indices must have the rank of x (2), got indices [2] and x [2,3]'),
    );
    expect(() => takeAlongAxis(x, zeros([3, 1], { dtype: 'int32' }), 1)).toThrow(
      'takeAlongAxis: x and indices must broadcast except along axis 1, got x [2,3] and indices [3,1]',
    );
    expect(() => takeAlongAxis(x, array([[3]]), 1)).toThrow(
      new ArgumentError('takeAlongAxis: index 3 is out of bounds for axis 1 with size 3'),
    );
  });
});

describe('second-order gradient checks (float64)', () => {
  // Inputs enter through v² so that gradients come out of `mul` contiguous (checkGrads reads `.data`).
  it('take (duplicates, negative indices, 2-D indices)', () => {
    checkGrads(
      (v: NDArray) => {
        const y = take(
          mul(v, v),
          [
            [0, -1],
            [2, 0],
          ],
          { axis: 1 },
        );
        return mul(y, y);
      },
      [rand([2, 3], 5)],
      { order: 2 },
    );
  });
  it('takeAlongAxis with broadcasting', () => {
    checkGrads(
      (v: NDArray) => {
        const y = takeAlongAxis(
          mul(v, v),
          array([
            [0, 2, 2],
            [1, 1, 0],
          ]).reshape(2, 1, 3),
          2,
        );
        return mul(y, y);
      },
      [rand([1, 3, 3], 6)],
      { order: 2 },
    );
  });
});
