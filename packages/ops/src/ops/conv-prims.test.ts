import type { NDArray } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rand as uniform, vdot } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { jvp } from '../transforms/jvp.js';
import { vjp } from '../transforms/vjp.js';
import { mul } from './arith.js';
import { type ConvGeometry, conv, convInputGrad, convWeightGrad } from './conv-prims.js';
import { sum } from './sum.js';
import { tanh } from './unary.js';

/** Uniform values in [-1, 1) from `seed` (the helpers' generator with half-width 1). */
const rand = (shape: readonly number[], seed: number) => uniform(shape, seed, 'float64', 1);

interface Case {
  geom: ConvGeometry;
  x: NDArray;
  w: NDArray;
  g: NDArray;
}

// Explicit geometries, including asymmetric padding and input rows that no window reads.
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    dims: fc.array(
      fc.record({
        k: fc.integer({ min: 1, max: 3 }),
        s: fc.integer({ min: 1, max: 2 }),
        d: fc.integer({ min: 1, max: 2 }),
        pb: fc.integer({ min: 0, max: 1 }),
        out: fc.integer({ min: 1, max: 2 }),
        in: fc.integer({ min: 1, max: 5 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    groups: fc.integer({ min: 1, max: 2 }),
    n: fc.integer({ min: 1, max: 2 }),
    seed: fc.nat(),
  })
  .map(({ dims, groups, n, seed }) => {
    const geom: ConvGeometry = {
      inSize: dims.map((v) => v.in),
      outSize: dims.map((v) => v.out),
      kernelSize: dims.map((v) => v.k),
      stride: dims.map((v) => v.s),
      dilation: dims.map((v) => v.d),
      padBefore: dims.map((v) => v.pb),
      groups,
    };
    return {
      geom,
      x: rand([n, groups, ...geom.inSize], seed),
      w: rand([2 * groups, 1, ...geom.kernelSize], seed + 1),
      g: rand([n, 2 * groups, ...geom.outSize], seed + 2),
    };
  });

describe('conv primitives', () => {
  it('are the three partial maps of one trilinear form: <conv(x,w), g> = <x, convInputGrad(g,w)> = <w, convWeightGrad(x,g)>', () => {
    fc.assert(
      fc.property(caseArb, ({ geom, x, w, g }) => {
        const t = vdot(conv(x, w, geom), g);
        expect(vdot(x, convInputGrad(g, w, geom))).toBeCloseTo(t, 10);
        expect(vdot(w, convWeightGrad(x, g, geom))).toBeCloseTo(t, 10);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('conv: first and second derivatives in x and w (checkGrads order 2)', () => {
    fc.assert(
      fc.property(caseArb, ({ geom, x, w }) => {
        checkGrads((a: NDArray, b: NDArray) => tanh(conv(a, b, geom)), [x, w], { order: 2 });
      }),
      { seed: 42, numRuns: 12 },
    );
  });

  it('convInputGrad: first and second derivatives in g and w (checkGrads order 2)', () => {
    fc.assert(
      fc.property(caseArb, ({ geom, w, g }) => {
        checkGrads((a: NDArray, b: NDArray) => tanh(convInputGrad(a, b, geom)), [g, w], { order: 2 });
      }),
      { seed: 42, numRuns: 12 },
    );
  });

  it('convWeightGrad: first and second derivatives in x and g (checkGrads order 2)', () => {
    fc.assert(
      fc.property(caseArb, ({ geom, x, g }) => {
        checkGrads((a: NDArray, b: NDArray) => tanh(convWeightGrad(a, b, geom)), [x, g], { order: 2 });
      }),
      { seed: 42, numRuns: 12 },
    );
  });

  it('third order: the Hessian-vector product of sum(conv(x, w)^2) differentiates again', () => {
    fc.assert(
      fc.property(caseArb, ({ geom, x, w }) => {
        const f = (a: NDArray, b: NDArray) => {
          const y = conv(a, b, geom);
          return sum(mul(y, y));
        };
        const hvp = (a: NDArray, b: NDArray) =>
          jvp((p: NDArray, q: NDArray) => grad(f, { argnums: [0, 1] })(p, q) as NDArray[], [a, b], [x, w])[1];
        checkGrads(hvp as (a: NDArray, b: NDArray) => NDArray[], [x, w]);
      }),
      { seed: 42, numRuns: 5 },
    );
  });

  it('rules return cotangents with the shapes and dtype of the inputs', () => {
    const geom: ConvGeometry = {
      inSize: [5],
      outSize: [2],
      kernelSize: [2],
      stride: [2],
      dilation: [1],
      padBefore: [1],
      groups: 1,
    };
    const x = rand([1, 2, 5], 1).astype('float32');
    const w = rand([3, 2, 2], 2).astype('float32');
    const [y, pullback] = vjp((a: NDArray, b: NDArray) => conv(a, b, geom), x, w);
    expect(y.shape).toEqual([1, 3, 2]);
    const [dx, dw] = pullback(rand([1, 3, 2], 3).astype('float32'));
    expect([dx.shape, dx.dtype, dw.shape, dw.dtype]).toEqual([[1, 2, 5], 'float32', [3, 2, 2], 'float32']);
  });

  it('refuse shapes that do not match the geometry (an internal error: callers validate)', () => {
    const geom: ConvGeometry = {
      inSize: [4],
      outSize: [3],
      kernelSize: [2],
      stride: [1],
      dilation: [1],
      padBefore: [0],
      groups: 1,
    };
    expect(() => conv(rand([1, 1, 5], 1), rand([1, 1, 2], 2), geom)).toThrow(
      'internal: conv: x must have shape [1,1,4], got [1,1,5]',
    );
  });
});
