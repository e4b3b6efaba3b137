import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  arange,
  array,
  fromTypedArray,
  isNDArray,
  NDArray,
  ShapeError,
  zeros,
} from './index.js';

const grid = () => arange(24).reshape(2, 3, 4);

describe('NDArray construction', () => {
  it('wraps a buffer with row-major strides by default', () => {
    const a = new NDArray(new Float64Array(6), [2, 3]);
    expect(a.dtype).toBe('float64');
    expect(a.strides).toEqual([3, 1]);
    expect(a.size).toBe(6);
    expect(a.ndim).toBe(2);
    expect(a.isContiguous).toBe(true);
  });

  it('refuses layouts that reach outside the buffer', () => {
    expect(() => new NDArray(new Float32Array(5), [2, 3])).toThrow(ArgumentError);
    expect(() => new NDArray(new Float32Array(5), [2], [-1], 0)).toThrow(/outside the buffer of 5 elements/);
    expect(() => new NDArray(new Float32Array(5), [2], [1, 1])).toThrow(ShapeError);
    expect(() => new NDArray(new Float32Array(5), [-1])).toThrow(ShapeError);
  });

  it('accepts size-0 and 0-d layouts', () => {
    expect(new NDArray(new Float32Array(0), [0, 3]).size).toBe(0);
    expect(new NDArray(new Float32Array(1), []).item()).toBe(0);
  });

  it('is recognised by isNDArray', () => {
    expect(isNDArray(zeros([1]))).toBe(true);
    expect(isNDArray({ shape: [1] })).toBe(false);
    expect(isNDArray(null)).toBe(false);
  });
});

describe('views', () => {
  it('reshape is a view with -1 inference and errors on size mismatch', () => {
    const a = grid();
    const r = a.reshape(4, -1);
    expect(r.shape).toEqual([4, 6]);
    expect(r.data).toBe(a.data);
    expect(a.reshape([24]).get(23)).toBe(23);
    expect(() => a.reshape(5, -1)).toThrow('reshape: cannot infer -1 in shape [5,-1] for 24 elements');
    expect(() => a.reshape(5, 5)).toThrow('reshape: shape [5,5] holds 25 elements, got an array of 24');
    expect(() => a.reshape(-1, -1)).toThrow(ShapeError);
  });

  it('reshape copies only when the strides forbid a view', () => {
    const t = grid().transpose();
    const flat = t.reshape(-1);
    expect(flat.data).not.toBe(t.data);
    expect(flat.toArray()).toEqual((t.contiguous().toArray() as number[][][]).flat(2));
    // Splitting a strided axis is still a view.
    const s = arange(12).slice({ step: 2 });
    expect(s.reshape(2, 3).data).toBe(s.data);
    expect(s.reshape(2, 3).toArray()).toEqual([
      [0, 2, 4],
      [6, 8, 10],
    ]);
  });

  it('permute and transpose', () => {
    const a = grid();
    const p = a.permute(2, 0, 1);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.get(3, 1, 2)).toBe(a.get(1, 2, 3));
    expect(a.permute([1, 2, 0]).shape).toEqual([3, 4, 2]);
    expect(a.transpose().shape).toEqual([4, 3, 2]);
    expect(a.transpose(0, -1).shape).toEqual([4, 3, 2]);
    expect(a.transpose(0, 1).get(2, 1, 3)).toBe(a.get(1, 2, 3));
    expect(() => a.permute(0, 0, 1)).toThrow(
      'permute: axes must be a permutation, got [0,0,1] for shape [2,3,4]',
    );
    expect(() => a.permute(0, 1)).toThrow(ShapeError);
    expect(() => a.transpose(0)).toThrow(ArgumentError);
    expect(() => a.transpose(0, 3)).toThrow(ShapeError);
  });

  it('slice with steps, negative steps, negative indices and integer indexing', () => {
    const v = arange(10);
    expect(v.slice({ start: 1, stop: 8, step: 3 }).toArray()).toEqual([1, 4, 7]);
    expect(v.slice({ step: -1 }).toArray()).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(v.slice({ start: -2, step: -3 }).toArray()).toEqual([8, 5, 2]);
    expect(v.slice({ start: 100, stop: -100, step: -4 }).toArray()).toEqual([9, 5, 1]);
    expect(v.slice({ start: 5, stop: 2 }).toArray()).toEqual([]);
    expect(v.slice(-1).toArray()).toBe(9);
    const a = grid();
    const row = a.slice(1, -1);
    expect(row.shape).toEqual([4]);
    expect(row.toArray()).toEqual([20, 21, 22, 23]);
    expect(a.slice(null, { step: 2 }, 0).toArray()).toEqual([
      [0, 8],
      [12, 20],
    ]);
    expect(() => a.slice(2)).toThrow('slice: index 2 is out of bounds for axis 0 with size 2');
    expect(() => a.slice(null, { step: 0 })).toThrow('slice: step must be nonzero, got 0 on axis 1');
    expect(() => a.slice(0, 0, 0, 0)).toThrow(ShapeError);
    expect(() => a.slice(0.5)).toThrow(ArgumentError);
  });

  it('broadcastTo uses stride 0 and checks NumPy rules', () => {
    const b = arange(3).reshape(3, 1).broadcastTo([2, 3, 4]);
    expect(b.strides).toEqual([0, 1, 0]);
    expect(b.get(1, 2, 3)).toBe(2);
    expect(() => arange(3).broadcastTo([4])).toThrow('broadcastTo: cannot broadcast shape [3] to [4]');
    expect(() => arange(3).broadcastTo([])).toThrow(ShapeError);
    expect(() => b.set([0, 0, 0], 1)).toThrow(/broadcast view/);
  });

  it('expandDims and squeeze', () => {
    const a = arange(6).reshape(2, 3);
    expect(a.expandDims(0).shape).toEqual([1, 2, 3]);
    expect(a.expandDims(-1).shape).toEqual([2, 3, 1]);
    expect(a.expandDims(1).isContiguous).toBe(true);
    expect(() => a.expandDims(3)).toThrow('expandDims: axis must be an integer in [-3, 2] for rank 3, got 3');
    const s = zeros([1, 2, 1, 3, 1]);
    expect(s.squeeze().shape).toEqual([2, 3]);
    expect(s.squeeze(-1).shape).toEqual([1, 2, 1, 3]);
    expect(s.squeeze([0, 2]).shape).toEqual([2, 3, 1]);
    expect(() => s.squeeze(1)).toThrow(
      'squeeze: axis 1 must have size 1 to be squeezed, got shape [1,2,1,3,1]',
    );
    expect(array(5).expandDims(0).toArray()).toEqual([5]);
  });

  it('flip uses negative strides', () => {
    const a = arange(6).reshape(2, 3);
    expect(a.flip(1).toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(a.flip().toArray()).toEqual([
      [5, 4, 3],
      [2, 1, 0],
    ]);
    expect(a.flip([]).toArray()).toEqual(a.toArray());
    expect(a.flip(0).strides).toEqual([-3, 1]);
    expect(zeros([0, 2]).flip().shape).toEqual([0, 2]);
    expect(() => a.flip([0, 0])).toThrow('flip: axis repeats axis 0, got [0,0]');
  });

  it('diagonal follows NumPy', () => {
    const m = arange(12).reshape(3, 4);
    expect(m.diagonal().toArray()).toEqual([0, 5, 10]);
    expect(m.diagonal(1).toArray()).toEqual([1, 6, 11]);
    expect(m.diagonal(-1).toArray()).toEqual([4, 9]);
    expect(m.diagonal(10).toArray()).toEqual([]);
    expect(grid().diagonal(0, 1, 2).toArray()).toEqual([
      [0, 5, 10],
      [12, 17, 22],
    ]);
    expect(() => arange(3).diagonal()).toThrow(ShapeError);
  });

  it('asStrided builds sliding windows and refuses out-of-bounds views', () => {
    const w = arange(5).asStrided([3, 3], [1, 1]);
    expect(w.toArray()).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
    ]);
    expect(() => arange(5).asStrided([3, 3], [1, 2])).toThrow(/asStrided: view reaches elements 0\.\.6/);
    expect(() => arange(5).asStrided([2], [-1], 0)).toThrow(ArgumentError);
    expect(arange(5).asStrided([2], [-1], 4).toArray()).toEqual([4, 3]);
  });
});

describe('element access and copies', () => {
  it('get/set/item with negative indices', () => {
    const a = zeros([2, 3], { dtype: 'int32' });
    a.set([1, -1], 7.9);
    expect(a.get(1, 2)).toBe(7);
    expect(a.get(-1, -1)).toBe(7);
    expect(() => a.get(0)).toThrow('get: expected 2 indices for shape [2,3], got 1');
    expect(() => a.get(2, 0)).toThrow('get: index 2 is out of bounds for axis 0 with size 2');
    expect(array([[4]]).item()).toBe(4);
    expect(() => a.item()).toThrow('item: array must have exactly one element, got shape [2,3]');
  });

  it('writes through a view land in the base', () => {
    const a = arange(6).reshape(2, 3);
    a.flip(1).set([0, 0], 100);
    expect(a.get(0, 2)).toBe(100);
  });

  it('contiguous returns itself when already contiguous', () => {
    const a = grid();
    expect(a.contiguous()).toBe(a);
    const t = a.permute(1, 0, 2);
    expect(t.isContiguous).toBe(false);
    const c = t.contiguous();
    expect(c.isContiguous).toBe(true);
    expect(c.toArray()).toEqual(t.toArray());
    expect(a.slice(1).isContiguous).toBe(true);
    const row = a.slice(1);
    expect(row.contiguous()).toBe(row);
    expect(zeros([0, 3]).slice(null, 2).shape).toEqual([0]);
    const empty = zeros([2, 0]).transpose();
    expect(empty.isContiguous).toBe(true);
    expect(empty.contiguous()).toBe(empty);
  });

  it('copy owns its buffer; astype converts', () => {
    const a = array([-1.7, 0, 2.5, Number.NaN]);
    const c = a.copy();
    expect(c.data).not.toBe(a.data);
    expect(a.astype('int32').toArray()).toEqual([-1, 0, 2, 0]);
    expect(a.astype('bool').toArray()).toEqual([1, 0, 1, 1]);
    expect(a.astype('float64').dtype).toBe('float64');
    expect(() => a.astype('int64' as never)).toThrow(
      'astype: dtype must be one of float32, float64, int32, bool, got int64',
    );
  });

  it('toArray of 0-d, size-0 and strided arrays', () => {
    expect(array(2.5).toArray()).toBe(2.5);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(
      fromTypedArray(new Int32Array([1, 2, 3, 4]), [2, 2])
        .transpose()
        .toArray(),
    ).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });
});
