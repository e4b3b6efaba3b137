import { describe, expect, it } from 'vitest';
import {
  arange,
  array,
  eye,
  fromTypedArray,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  ShapeError,
  zeros,
  zerosLike,
} from './index.js';

describe('array', () => {
  it('infers dtypes like JAX: bool, int32, float32', () => {
    expect(array([true, false]).dtype).toBe('bool');
    expect(
      array([
        [1, 2],
        [3, 4],
      ]).dtype,
    ).toBe('int32');
    expect(array([1, 2.5]).dtype).toBe('float32');
    expect(array([2 ** 31]).dtype).toBe('float32');
    expect(array(3).shape).toEqual([]);
    expect(array([]).dtype).toBe('float32');
    expect(array([[], []]).shape).toEqual([2, 0]);
  });

  it('honours an explicit dtype and rounds to it', () => {
    const a = array([0.1, 1.9], { dtype: 'float32' });
    expect(a.get(0)).toBe(Math.fround(0.1));
    expect(array([0.1, 1.9], { dtype: 'int32' }).toArray()).toEqual([0, 1]);
    expect(array([0, 3], { dtype: 'bool' }).toArray()).toEqual([0, 1]);
  });

  it('copies typed arrays and nested typed arrays', () => {
    const src = new Float64Array([1, 2]);
    const a = array(src);
    expect(a.dtype).toBe('float64');
    src[0] = 9;
    expect(a.get(0)).toBe(1);
    expect(array([new Int32Array([1, 2]), new Int32Array([3, 4])]).shape).toEqual([2, 2]);
  });

  it('rejects ragged nesting', () => {
    expect(() => array([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => array([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => array([1, [2]] as never)).toThrow(/ragged/);
  });
});

describe('constructors', () => {
  it('fromTypedArray shares the buffer and checks the size', () => {
    const buf = new Float32Array(6);
    const a = fromTypedArray(buf, [2, 3]);
    expect(a.data).toBe(buf);
    expect(fromTypedArray(new Uint8Array(2)).dtype).toBe('bool');
    expect(() => fromTypedArray(buf, [4])).toThrow('fromTypedArray: shape [4] needs 4 elements, got 6');
  });

  it('zeros, ones, full and their Like variants', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(full([1], true).dtype).toBe('bool');
    const a = arange(4, undefined, 1, { dtype: 'float64' }).reshape(2, 2);
    expect(zerosLike(a).dtype).toBe('float64');
    expect(onesLike(a, { dtype: 'int32' }).toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(fullLike(a, 2.5).toArray()).toEqual([
      [2.5, 2.5],
      [2.5, 2.5],
    ]);
    expect(() => zeros([2, -1])).toThrow('zeros: shape must hold non-negative integers, got [2,-1]');
    expect(() => zeros([1.5])).toThrow(ShapeError);
  });

  it('arange follows NumPy', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 1).size).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow('arange: step must be nonzero, got 0');
    expect(() => arange(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });

  it('linspace includes the end point unless told not to', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(0, 1, 4, { endpoint: false }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(linspace(0, 1, 0).size).toBe(0);
    expect(linspace(0, 0.3, 4, { dtype: 'float64' }).get(3)).toBe(0.3);
  });

  it('eye with offset diagonals', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3, { k: 1 }).toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(3, 2, { k: -1 }).toArray()).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
    ]);
  });
});
