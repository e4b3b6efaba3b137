import { NDArray, zeros } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import { rand } from '../../test/helpers.js';
import { gemm, matmulKernel } from './matmul.js';

/** The shared LCG uniforms, in [-1, 1). */
const randUnit = (shape: readonly number[], seed = 1, dtype: 'float32' | 'float64' = 'float64') =>
  rand(shape, seed, dtype, 1);

/** Naive triple loop over 2-D operands of any strides, in float64. */
function naive(a: NDArray, b: NDArray): Float64Array {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const out = new Float64Array(m * n);
  const [ar, ac] = a.strides;
  const [br, bc] = b.strides;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += a.data[a.offset + i * ar + p * ac] * b.data[b.offset + p * br + j * bc];
      out[i * n + j] = s;
    }
  return out;
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= rtol * (1 + Math.abs(expected[i])))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

describe('matmulKernel', () => {
  it('blocked path: sizes crossing every block boundary (MC, KC, NC and partial tiles)', () => {
    const a = randUnit([70, 300], 1);
    const b = randUnit([300, 1031], 2);
    const out = matmulKernel(a, b);
    expect(out.shape).toEqual([70, 1031]);
    expectNear(out.data, naive(a, b), 1e-13);
  });

  it('transposed, flipped and stepped operands are read in place', () => {
    const a = randUnit([90, 67], 3).transpose(); // [67, 90], column-major
    const b = randUnit([181, 45], 4).slice({ step: 2 }).flip(1); // [91 -> 90.., 45] stepped and flipped
    const b2 = b.slice({ stop: 90 });
    const out = matmulKernel(a, b2);
    expectNear(out.data, naive(a, b2), 1e-13);
    expectNear(out.data, matmulKernel(a.copy(), b2.copy()).data, 1e-13);
  });

  it('small and thin shapes (matrix-vector, 1×n, n×1, k = 1)', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [1, 50, 1],
      [3, 7, 2],
      [100, 100, 1],
      [1, 100, 100],
      [2, 200, 300],
      [64, 1, 64],
    ]) {
      const a = randUnit([m, k], m + k);
      const b = randUnit([k, n], n);
      expectNear(matmulKernel(a, b).data, naive(a, b), 1e-13);
      expectNear(matmulKernel(a, b.transpose().copy().transpose()).data, naive(a, b), 1e-13);
    }
  });

  it('batches with broadcast (stride-0) batch axes', () => {
    const a = randUnit([3, 5, 40], 5);
    const b = randUnit([1, 40, 33], 6).broadcastTo([2, 3, 40, 33]);
    const ab = a.broadcastTo([2, 3, 5, 40]);
    const out = matmulKernel(ab, b);
    expect(out.shape).toEqual([2, 3, 5, 33]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        const ref = naive(a.slice(j), b.slice(i, j));
        expectNear(out.slice(i, j).copy().data, ref, 1e-13);
      }
  });

  it('empty shapes give zeros or empty arrays', () => {
    expect(matmulKernel(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmulKernel(zeros([0, 4]), zeros([4, 3])).shape).toEqual([0, 3]);
    expect(matmulKernel(zeros([0, 2, 4]), zeros([0, 4, 3])).shape).toEqual([0, 2, 3]);
  });

  it('float32 accumulates in float64 and rounds once', () => {
    const a = randUnit([33, 600], 7, 'float32');
    const b = randUnit([600, 40], 8, 'float32');
    const out = matmulKernel(a, b);
    expect(out.dtype).toBe('float32');
    const ref = naive(a, b);
    for (let i = 0; i < ref.length; i++)
      expect(Math.abs(out.data[i] - ref[i])).toBeLessThanOrEqual(Math.abs(ref[i]) * 2 ** -23 + 1e-12);
  });

  it('int32 products are exact and wrap like int32', () => {
    const a = new NDArray(Int32Array.from([1, 2, 3, 4]), [2, 2]);
    const b = new NDArray(Int32Array.from([5, 6, 7, 8]), [2, 2]);
    expect(matmulKernel(a, b).toArray()).toEqual([
      [19, 22],
      [43, 50],
    ]);
    const big = new NDArray(Int32Array.from([65536, 65536]), [1, 2]);
    expect(matmulKernel(big, new NDArray(Int32Array.from([32768, 0]), [2, 1])).item()).toBe(-(2 ** 31));
  });

  it('gemm accumulates into a block of a larger C', () => {
    const a = randUnit([5, 3], 9);
    const b = randUnit([3, 6], 10);
    const c = new Float64Array(8 * 10).fill(1);
    gemm(5, 6, 3, a.data, 0, 3, 1, b.data, 0, 6, 1, c, 2 * 10 + 3, 10);
    const ref = naive(a, b);
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 10; j++) {
        const inside = i >= 2 && i < 7 && j >= 3 && j < 9;
        expect(c[i * 10 + j]).toBeCloseTo(inside ? 1 + ref[(i - 2) * 6 + j - 3] : 1, 13);
      }
  });
});
