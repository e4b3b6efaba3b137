/**
 * Helpers shared by the colocated tests of @lucid-ts/ops (never published: outside `src/`).
 * The generators are frozen: tests pin seeds against their output, so changing a formula changes tests.
 */
import { readFileSync } from 'node:fs';
import { type ArrayLike as ArrayValues, array, NDArray, zeros } from '@lucid-ts/ndarray';
import { expect } from 'vitest';

/** A float64 array from (nested) JS values. */
export const f64 = (x: ArrayValues): NDArray => array(x, { dtype: 'float64' });

/** An int32 array from (nested) JS values. */
export const i32 = (x: ArrayValues): NDArray => array(x, { dtype: 'int32' });

/** The elements of any view (strided, flipped, broadcast, offset) in row-major order. */
export const flat = (x: NDArray): number[] => Array.from(x.copy().data);

/**
 * Asserts `actual` equals `expected` elementwise within `atol + rtol·|expected|`; a non-finite expected
 * element (NaN, ±Infinity) must be matched exactly. An NDArray `expected` must have the same shape too.
 */
export function expectClose(
  actual: NDArray,
  expected: NDArray | number[] | number,
  rtol = 1e-12,
  atol = 1e-12,
): void {
  const e = typeof expected === 'number' ? [expected] : Array.isArray(expected) ? expected : flat(expected);
  if (expected instanceof NDArray) expect(actual.shape).toEqual(expected.shape);
  const a = flat(actual);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (!Number.isFinite(e[i])) expect(v, `element ${i}`).toBe(e[i]);
    else if (!(Math.abs(v - e[i]) <= atol + rtol * Math.abs(e[i]))) {
      throw new Error(`element ${i}: got ${v}, expected ${e[i]}`);
    }
  });
}

/**
 * Deterministic uniforms in [-half, half) (default [-2, 2)) from a 32-bit LCG, filled row-major:
 * `s ← 1664525·s + 1013904223 mod 2³²`, value `s/2³² · 2·half − half`.
 */
export function rand(
  shape: readonly number[],
  seed = 1,
  dtype: 'float32' | 'float64' = 'float64',
  half = 2,
): NDArray {
  const a = zeros(shape, { dtype });
  let s = seed >>> 0;
  for (let i = 0; i < a.size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a.data[i] = (s / 2 ** 32) * (2 * half) - half;
  }
  return a;
}

/** Deterministic float64 normals `shift + scale·z`, z by Box–Muller over a small LCG (two draws each). */
export function randn(shape: readonly number[], seed: number, scale = 1, shift = 0): NDArray {
  let s = seed * 2654435761 + 12345;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++)
    data[i] = shift + scale * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return array(data).reshape(shape);
}

/** Pearson's chi-square statistic of `counts` against `expected` counts (default: all equal). */
export function chiSquare(counts: number[], expected?: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const want = expected ?? counts.map(() => total / counts.length);
  return counts.reduce((s, c, i) => s + (c - want[i]) ** 2 / want[i], 0);
}

/** A tensor in the conformance fixture format (see shared/conformance/README.md). */
export interface Tensor {
  shape: number[];
  data: number[];
  dtype?: string;
}

/** A fixture tensor as an NDArray: int32 when tagged so, float64 otherwise. */
export const toArr = (t: Tensor): NDArray =>
  array(t.data, { dtype: t.dtype === 'int32' ? 'int32' : 'float64' }).reshape(t.shape);

/** Parses `<name>.json` of the shared fixtures (`../shared/conformance` next to the repository root). */
// biome-ignore lint/suspicious/noExplicitAny: fixture cases are untyped JSON
export function readConformance(name: string): { cases: any[] } {
  const url = new URL(`../../../../shared/conformance/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** Row-major multi-index of flat index `f` in `shape`. */
export function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = f % shape[i];
    f = Math.floor(f / shape[i]);
  }
  return idx;
}

/** Product of a list of sizes. */
export const prod = (v: readonly number[]): number => v.reduce((p, q) => p * q, 1);

/** Σ a·b over all elements, in row-major order (any strides). */
export function vdot(a: NDArray, b: NDArray): number {
  const x = a.copy().data;
  const y = b.copy().data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}
