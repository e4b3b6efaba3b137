import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { arange, array, zeros } from './index.js';

describe('NumPy-style printing', () => {
  it('integers, aligned and nested with blank lines between blocks', () => {
    expect(arange(8).reshape(2, 2, 2).toString()).toBe(
      'array([[[0, 1],\n        [2, 3]],\n\n       [[4, 5],\n        [6, 7]]], dtype=int32)',
    );
  });

  it('floats aligned on the decimal point, shortest in their own precision', () => {
    expect(
      array([
        [0.1, 0.25],
        [1, 2],
      ]).toString(),
    ).toBe('array([[0.1 , 0.25],\n       [1.  , 2.  ]], dtype=float32)');
    expect(array([1, 2], { dtype: 'float64' }).toString()).toBe('array([1., 2.], dtype=float64)');
    expect(array([1 / 3], { dtype: 'float64' }).toString()).toBe('array([0.33333333], dtype=float64)');
    expect(array([-1.5, Number.NaN, Number.POSITIVE_INFINITY]).toString()).toBe(
      'array([-1.5,  nan,  inf], dtype=float32)',
    );
  });

  it('scientific notation for wide ranges', () => {
    expect(array([1e-5, 1e10]).toString()).toBe('array([1.e-05, 1.e+10], dtype=float32)');
    expect(array([1.5e-7, 2], { dtype: 'float64' }).toString()).toBe(
      'array([1.5e-07, 2.0e+00], dtype=float64)',
    );
  });

  it('bool, 0-d and empty arrays', () => {
    expect(array([true, false]).toString()).toBe('array([ True, False], dtype=bool)');
    expect(array(3.5).toString()).toBe('array(3.5, dtype=float32)');
    expect(zeros([0, 3]).toString()).toBe('array([], shape=(0, 3), dtype=float32)');
    expect(zeros([0]).toString()).toBe('array([], shape=(0,), dtype=float32)');
  });

  it('summarises past 1000 elements and wraps long rows', () => {
    expect(arange(2000).toString()).toBe('array([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)');
    const big = arange(3000).reshape(30, 100).toString();
    expect(big.split('\n')).toHaveLength(7);
    expect(big).toContain('       ...,\n');
    const wrapped = arange(30).toString().split('\n');
    expect(wrapped.length).toBeGreaterThan(1);
    for (const line of wrapped) expect(line.length).toBeLessThanOrEqual(75 + 'dtype=int32)'.length);
  });

  it('util.inspect prints the same text', () => {
    const a = arange(3);
    expect(inspect(a)).toBe(a.toString());
    expect(String(a)).toBe(a.toString());
  });
});
