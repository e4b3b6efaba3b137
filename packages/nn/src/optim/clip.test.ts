import { ArgumentError, array, type NDArray, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, countParams, globalNorm } from './clip.js';

const vals = (a: NDArray) => Array.from(a.contiguous().data.subarray(a.offset, a.offset + a.size));

describe('globalNorm', () => {
  it('is the L2 norm of every element together', () => {
    expect(globalNorm({ a: array([3]), b: [array([[0, 4]]).astype('float64')] })).toBe(5);
    expect(globalNorm({})).toBe(0);
    expect(globalNorm([array([1, 1]), 1, null])).toBeCloseTo(Math.sqrt(3), 15);
    expect(globalNorm({ x: array([3, 4]).transpose() })).toBe(5);
  });

  it('does not overflow or underflow where Σx² would', () => {
    expect(globalNorm({ a: array([3e200, 4e200], { dtype: 'float64' }) })).toBeCloseTo(5e200, -186);
    expect(globalNorm({ a: array([3e-200, 4e-200], { dtype: 'float64' }) }) / 5e-200).toBeCloseTo(1, 14);
  });

  it('propagates NaN and Infinity', () => {
    expect(globalNorm([array([1, Number.NaN, Number.POSITIVE_INFINITY])])).toBeNaN();
    expect(globalNorm([array([1, Number.NEGATIVE_INFINITY])])).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('clipGradNorm (PyTorch clip_grad_norm_)', () => {
  it('scales by maxNorm / (norm + 1e-6) when the norm is above maxNorm', () => {
    const grads = {
      w: array([[3, 0]]).astype('float32'),
      b: array([4], { dtype: 'float64' }),
      n: array([7]),
    };
    const { grads: g, norm } = clipGradNorm(grads, 1);
    expect(norm).toBeCloseTo(Math.sqrt(9 + 16 + 49), 14);
    const coef = 1 / (norm + 1e-6);
    expect(vals(g.w)[0]).toBeCloseTo(3 * coef, 7);
    expect(vals(g.b)[0]).toBe(4 * coef);
    expect(g.w.dtype).toBe('float32');
    expect(g.n).toBe(grads.n); // integer leaves pass through
    expect(vals(grads.w)).toEqual([3, 0]); // pure
  });

  it('leaves small gradients unchanged', () => {
    const grads = [array([0.3, 0.4])];
    const out = clipGradNorm(grads, 1);
    expect(out.grads).toBe(grads);
    expect(out.norm).toBeCloseTo(0.5, 7);
  });

  it('the clipped norm is min(norm, maxNorm) up to the 1e-6 guard', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        (xs, maxNorm) => {
          const { grads, norm } = clipGradNorm({ g: array(xs, { dtype: 'float64' }) }, maxNorm);
          const after = globalNorm(grads);
          expect(after).toBeCloseTo(Math.min(norm, (maxNorm * norm) / (norm + 1e-6)), 9);
          expect(after).toBeLessThanOrEqual(maxNorm);
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it('a non-finite norm gives NaN gradients, as PyTorch does', () => {
    const { grads, norm } = clipGradNorm([array([1, Number.NaN], { dtype: 'float64' })], 1);
    expect(norm).toBeNaN();
    expect(vals(grads[0]).every(Number.isNaN)).toBe(true);
  });

  it('validates maxNorm', () => {
    expect(() => clipGradNorm([array([1])], -1)).toThrow(
      'clipGradNorm: maxNorm must be a number >= 0, got -1',
    );
    expect(() => clipGradNorm([array([1])], Number.NaN)).toThrow(ArgumentError);
  });
});

describe('countParams', () => {
  it('counts every scalar', () => {
    expect(countParams({ weight: zeros([4, 3]), bias: zeros([4]) })).toBe(16);
    expect(countParams([{ w: zeros([2, 0]) }, 3, true, null, zeros([])])).toBe(3);
    expect(countParams({})).toBe(0);
  });
});
