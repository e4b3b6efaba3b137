/**
 * Kernels: plain functions over concrete NDArrays, with no knowledge of tracing. Primitives call them
 * through the `kernels` table, so a faster implementation (WebAssembly SIMD, worker threads) can replace
 * one with `registerKernels` without touching any primitive.
 */
import { type DType, map, type NDArray, zip } from '@lucid-ts/ndarray';
import { matmulKernel } from './matmul.js';

export interface Kernels {
  /** Elementwise `f` over one array (any strides); result contiguous, of `dtype`. */
  unary(x: NDArray, f: (v: number) => number, dtype?: DType): NDArray;
  /** Elementwise `f` over two arrays of the same shape (any strides). */
  binary(a: NDArray, b: NDArray, f: (x: number, y: number) => number, dtype?: DType): NDArray;
  /** Batched matrix product of `[..., m, k]` and `[..., k, n]` (batch axes already broadcast; any strides). */
  matmul(a: NDArray, b: NDArray): NDArray;
}

export const kernels: Kernels = {
  unary: (x, f, dtype = x.dtype) => map(x, f, dtype),
  binary: (a, b, f, dtype = a.dtype) => zip(a, b, f, dtype),
  matmul: matmulKernel,
};

/** Replaces some kernels (e.g. with WebAssembly versions). Returns the previous ones, to restore. */
export function registerKernels(replacements: Partial<Kernels>): Partial<Kernels> {
  const previous: Partial<Kernels> = {};
  for (const key of Object.keys(replacements) as (keyof Kernels)[]) {
    (previous as Record<string, unknown>)[key] = kernels[key];
    (kernels as unknown as Record<string, unknown>)[key] = replacements[key];
  }
  return previous;
}
