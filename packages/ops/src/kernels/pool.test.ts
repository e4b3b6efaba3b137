/**
 * Pooling kernels: the window-view (interior) path agrees with the bounds-checked (border) path, float32
 * scatters round once, strided gathers, and the NaN rule.
 */
import { array, NDArray } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slidingWindows } from '../ops/pool-prims.js';
import { poolArgmax, poolGather, poolMean, poolMeanTranspose, poolScatter, type WindowDim } from './pool.js';

/** The same windows with an empty interior: every window then takes the bounds-checked path. */
const borderOnly = (w: WindowDim): WindowDim => ({ ...w, interiorLo: 0, interiorHi: 0 });

function random(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64'): NDArray {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return new NDArray(data, shape);
}

const flat = (a: NDArray) => Array.from(a.copy().data as ArrayLike<number>);

/** Equal up to the order of summation. */
function near(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-15);
}

const geometry = fc.integer({ min: 1, max: 3 }).chain((nd) =>
  fc.array(
    fc
      .record({
        k: fc.integer({ min: 1, max: 3 }),
        s: fc.integer({ min: 1, max: 3 }),
        d: fc.integer({ min: 1, max: 2 }),
        p: fc.integer({ min: 0, max: 1 }),
        extra: fc.integer({ min: 0, max: 4 }),
        ceil: fc.boolean(),
        cip: fc.boolean(),
      })
      .map(({ k, s, d, p, extra, ceil, cip }) =>
        slidingWindows(d * (k - 1) + 1 + extra, k, s, Math.min(p, k >> 1), d, ceil, cip),
      ),
    { minLength: nd, maxLength: nd },
  ),
);

describe('pooling kernels', () => {
  it('the window-view path and the bounds-checked path agree', () => {
    fc.assert(
      fc.property(geometry, fc.integer(), (dims, seed) => {
        const x = random([2, 3, ...dims.map((w) => w.inSize)], seed);
        const border = dims.map(borderOnly);
        expect(Array.from(poolArgmax(x, dims))).toEqual(Array.from(poolArgmax(x, border)));
        near(flat(poolMean(x, border, null)), flat(poolMean(x, dims, null)));
        const g = random([2, 3, ...dims.map((w) => w.outSize)], seed + 1);
        near(flat(poolMeanTranspose(g, border, 3)), flat(poolMeanTranspose(g, dims, 3)));
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('float32 results are the float64 ones rounded once', () => {
    fc.assert(
      fc.property(geometry, fc.integer(), (dims, seed) => {
        const x32 = random([1, 2, ...dims.map((w) => w.inSize)], seed, 'float32');
        const x64 = x32.astype('float64');
        expect(flat(poolMean(x32, dims, null))).toEqual(flat(poolMean(x64, dims, null)).map(Math.fround));
        const g32 = random([1, 2, ...dims.map((w) => w.outSize)], seed + 1, 'float32');
        const g64 = g32.astype('float64');
        expect(flat(poolMeanTranspose(g32, dims, null))).toEqual(
          flat(poolMeanTranspose(g64, dims, null)).map(Math.fround),
        );
        const idx = poolArgmax(x64, dims);
        expect(flat(poolScatter(g32, idx, dims))).toEqual(flat(poolScatter(g64, idx, dims)).map(Math.fround));
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('gathers from strided arrays as from their copies', () => {
    fc.assert(
      fc.property(geometry, fc.integer(), (dims, seed) => {
        const x = random([2, 2, ...dims.map((w) => w.inSize)], seed);
        const idx = poolArgmax(x, dims);
        for (const v of [x.flip(), x.slice({ step: -1 }), x.permute([1, 0, ...dims.map((_, i) => i + 2)])]) {
          expect(flat(poolGather(v, idx, dims))).toEqual(flat(poolGather(v.copy(), idx, dims)));
        }
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('NaN wins, at the last NaN of the window (PyTorch: val > max || isnan(val))', () => {
    const dims = [slidingWindows(4, 4, 4, 0, 1, false)];
    const x = array([[[1, Number.NaN, 5, Number.NaN]]], { dtype: 'float64' });
    expect(Array.from(poolArgmax(x, dims))).toEqual([3]);
    expect(Array.from(poolArgmax(x, dims.map(borderOnly)))).toEqual([3]);
  });
});
