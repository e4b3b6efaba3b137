import { NDArray, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { prod, rand, unravel } from '../../test/helpers.js';
import {
  type ConvGeometry,
  convForwardKernel,
  convInputGradKernel,
  convTuning,
  convWeightGradKernel,
} from './conv.js';

type Float = 'float32' | 'float64';

/**
 * The trilinear form by definition, one term at a time: y = conv(x, w), and the two adjoints at g. Input
 * positions outside [0, in) are skipped (zero padding; rows past the last window are never reached).
 */
function reference(x: NDArray, w: NDArray, g: NDArray, geom: ConvGeometry) {
  const [n, cin] = x.shape;
  const cout = w.shape[0];
  const cig = cin / geom.groups;
  const cog = cout / geom.groups;
  const y = zeros([n, cout, ...geom.outSize], { dtype: 'float64' });
  const dx = zeros(x.shape, { dtype: 'float64' });
  const dw = zeros(w.shape, { dtype: 'float64' });
  const outs = prod(geom.outSize);
  const ks = prod(geom.kernelSize);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < cout; o++)
      for (let pf = 0; pf < outs; pf++) {
        const p = unravel(pf, geom.outSize);
        for (let c = 0; c < cig; c++)
          for (let kf = 0; kf < ks; kf++) {
            const k = unravel(kf, geom.kernelSize);
            const pos = p.map((v, i) => v * geom.stride[i] + k[i] * geom.dilation[i] - geom.padBefore[i]);
            if (pos.some((v, i) => v < 0 || v >= geom.inSize[i])) continue;
            const ci = Math.floor(o / cog) * cig + c;
            const xv = x.get(b, ci, ...pos);
            const wv = w.get(o, c, ...k);
            const gv = g.get(b, o, ...p);
            y.set([b, o, ...p], y.get(b, o, ...p) + xv * wv);
            dx.set([b, ci, ...pos], dx.get(b, ci, ...pos) + gv * wv);
            dw.set([o, c, ...k], dw.get(o, c, ...k) + gv * xv);
          }
      }
  return { y, dx, dw };
}

function expectClose(actual: NDArray, expected: NDArray, rtol = 1e-12, atol = 1e-12): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.copy().data;
  const e = expected.copy().data;
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]}`);
    }
  }
}

interface Case {
  geom: ConvGeometry;
  n: number;
  cig: number;
  cog: number;
}

// Any explicit geometry: the input may be shorter than the windows reach (implicit zeros after) or longer
// (rows no window reads), padding may exceed the kernel, groups split channels.
const dimArb = fc.record({
  k: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 3 }),
  d: fc.integer({ min: 1, max: 2 }),
  pb: fc.integer({ min: 0, max: 2 }),
  out: fc.integer({ min: 1, max: 3 }),
  in: fc.integer({ min: 1, max: 7 }),
});
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    dims: fc.array(dimArb, { minLength: 1, maxLength: 3 }),
    groups: fc.integer({ min: 1, max: 2 }),
    cig: fc.integer({ min: 1, max: 2 }),
    cog: fc.integer({ min: 1, max: 2 }),
    n: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ dims, groups, cig, cog, n }) => ({
    geom: {
      inSize: dims.map((v) => v.in),
      outSize: dims.map((v) => v.out),
      kernelSize: dims.map((v) => v.k),
      stride: dims.map((v) => v.s),
      dilation: dims.map((v) => v.d),
      padBefore: dims.map((v) => v.pb),
      groups,
    },
    n,
    cig,
    cog,
  }));

function operands({ geom, n, cig, cog }: Case, seed: number, dtype: Float = 'float64') {
  const x = rand([n, cig * geom.groups, ...geom.inSize], seed, dtype);
  const w = rand([cog * geom.groups, cig, ...geom.kernelSize], seed + 1, dtype);
  const g = rand([n, cog * geom.groups, ...geom.outSize], seed + 2, dtype);
  return { x, w, g };
}

function checkAll(c: Case, seed: number): void {
  const { x, w, g } = operands(c, seed);
  const ref = reference(x, w, g, c.geom);
  expectClose(convForwardKernel(x, w, c.geom), ref.y);
  expectClose(convInputGradKernel(g, w, c.geom), ref.dx);
  expectClose(convWeightGradKernel(x, g, c.geom), ref.dw);
}

describe('conv kernels', () => {
  afterEach(() => {
    convTuning.tileElements = 1 << 17;
  });

  it('forward, input gradient and weight gradient equal the trilinear form term by term', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, seed) => checkAll(c, seed)),
      { seed: 42, numRuns: 50 },
    );
  });

  it('give the same results when the output rows are split into tiles of any size', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.integer({ min: 1, max: 3 }), (c, seed, rowsPerTile) => {
        const rows = c.cig * prod(c.geom.kernelSize) * (c.geom.outSize.at(-1) ?? 1);
        convTuning.tileElements = rowsPerTile * rows; // tiles of 1 to 3 output rows
        checkAll(c, seed);
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('float32: computed in float64 and rounded once', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, seed) => {
        const { x, w, g } = operands(c, seed, 'float32');
        const ref = reference(x, w, g, c.geom);
        const y = convForwardKernel(x, w, c.geom);
        const dx = convInputGradKernel(g, w, c.geom);
        const dw = convWeightGradKernel(x, g, c.geom);
        for (const [got, want] of [
          [y, ref.y],
          [dx, ref.dx],
          [dw, ref.dw],
        ]) {
          expect(got.dtype).toBe('float32');
          // Summation order differs from the reference only at the float64 level.
          expectClose(got, want.astype('float32'), 1e-7, 1e-7);
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('read strided operands (flipped, transposed, stepped) as their contiguous copies', () => {
    const geom: ConvGeometry = {
      inSize: [5, 4],
      outSize: [3, 2],
      kernelSize: [2, 3],
      stride: [2, 1],
      dilation: [1, 1],
      padBefore: [1, 0],
      groups: 2,
    };
    const x = rand([2, 4, 4, 5], 3).transpose(2, 3); // [2, 4, 5, 4]
    const w = rand([2, 2, 2, 6], 4).slice(null, null, null, { step: 2 }).flip(); // [2, 2, 2, 3]
    const g = rand([2, 3, 2, 2], 5).permute(0, 3, 1, 2).flip(1); // [2, 2, 3, 2]
    const ref = reference(x.copy(), w.copy(), g.copy(), geom);
    expectClose(convForwardKernel(x, w, geom), ref.y);
    expectClose(convInputGradKernel(g, w, geom), ref.dx);
    expectClose(convWeightGradKernel(x, g, geom), ref.dw);
    const xb = rand([1, 4, 1, 1], 6).broadcastTo([2, 4, 5, 4]);
    expectClose(convForwardKernel(xb, w, geom), reference(xb.copy(), w, g, geom).y);
  });

  it('give zeros of the right shapes for empty batches, channels and unreachable inputs', () => {
    const geom: ConvGeometry = {
      inSize: [3],
      outSize: [2],
      kernelSize: [2],
      stride: [1],
      dilation: [1],
      padBefore: [0],
      groups: 1,
    };
    expect(convForwardKernel(zeros([0, 2, 3]), zeros([4, 2, 2]), geom).shape).toEqual([0, 4, 2]);
    expect(convInputGradKernel(zeros([0, 4, 2]), zeros([4, 2, 2]), geom).shape).toEqual([0, 2, 3]);
    expect(convWeightGradKernel(zeros([0, 2, 3]), zeros([0, 4, 2]), geom).toArray()).toEqual(
      zeros([4, 2, 2]).toArray(),
    );
    expect(convForwardKernel(rand([1, 0, 3], 1), zeros([4, 0, 2]), geom).toArray()).toEqual([
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    ]);
    // Windows that only see padding: the input is never read, its gradient is zero.
    const far = { ...geom, padBefore: [9], kernelSize: [1] };
    const x = rand([1, 1, 3], 2);
    expect(convForwardKernel(x, rand([1, 1, 1], 3), far).toArray()).toEqual([[[0, 0]]]);
    expect(convInputGradKernel(rand([1, 1, 2], 4), rand([1, 1, 1], 3), far).toArray()).toEqual([[[0, 0, 0]]]);
  });

  it('propagate NaN and Infinity only to the outputs whose windows read them', () => {
    const geom: ConvGeometry = {
      inSize: [6],
      outSize: [5],
      kernelSize: [2],
      stride: [1],
      dilation: [1],
      padBefore: [0],
      groups: 1,
    };
    const x = rand([1, 1, 6], 1);
    x.set([0, 0, 2], Number.NaN);
    x.set([0, 0, 5], Number.POSITIVE_INFINITY);
    const w = new NDArray(new Float64Array([1, 2]), [1, 1, 2]);
    const y = convForwardKernel(x, w, geom).toArray() as number[][][];
    expect(y[0][0].map((v) => (Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? 'ok' : v))).toEqual([
      'ok',
      'nan',
      'nan',
      'ok',
      Number.POSITIVE_INFINITY,
    ]);
  });
});
