import { array, fromTypedArray } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  castInput,
  compare,
  DEFAULT_RULE,
  F32_TOLERANCE,
  F64_TOLERANCE,
  LOOSE_RULE,
  toleranceFor,
} from './compare.js';
import { opEntry, type ShapeInfo } from './ops-table.js';

const f64 = (x: number[] | number[][] | number) => array(x, { dtype: 'float64' });

describe('tolerances (README "Comparing results")', () => {
  it('float64 is always rtol 1e-9, atol 1e-10, whatever the rule', () => {
    for (const rule of [DEFAULT_RULE, LOOSE_RULE, { kind: 'terms', terms: 1e6 } as const]) {
      expect(toleranceFor('float64', rule, f64([1000]))).toEqual({ rtol: 1e-9, atol: 1e-10 });
    }
  });

  it('float32 default is rtol 1e-4, atol 1e-5', () => {
    expect(toleranceFor('float32', DEFAULT_RULE, f64([1000]))).toEqual({ rtol: 1e-4, atol: 1e-5 });
  });

  it('the loosened rule scales atol by max(1, max|expected|)', () => {
    expect(toleranceFor('float32', LOOSE_RULE, f64([0.5, -0.25]))).toEqual({ rtol: 1e-3, atol: 1e-4 });
    expect(toleranceFor('float32', LOOSE_RULE, f64([3, -40]))).toEqual({ rtol: 1e-3, atol: 1e-4 * 40 });
    expect(toleranceFor('float32', LOOSE_RULE, f64([])).atol).toBe(1e-4);
  });

  it('the finer alternative uses 1e-5 sqrt(K) max(1, max|expected|)', () => {
    const t = toleranceFor('float32', { kind: 'terms', terms: 400 }, f64([[2, -8]]));
    expect(t.rtol).toBe(1e-3);
    expect(t.atol).toBeCloseTo(1e-5 * 20 * 8, 15);
    expect(toleranceFor('float32', { kind: 'terms', terms: 0 }, f64([0.1])).atol).toBe(1e-5);
  });

  const info = (
    args: Record<string, unknown>,
    inputs: [string, number[] | null][],
    output: number[],
  ): ShapeInfo => ({
    args,
    inputs,
    output,
  });

  it('conv K: Cin/groups * prod(kernel) for the output, per-tensor counts for the gradients', () => {
    // x [2, 4, 10], weight [6, 2, 3] (groups 2), out [2, 6, 8]
    const s = info(
      { groups: 2 },
      [
        ['x', [2, 4, 10]],
        ['weight', [6, 2, 3]],
        ['bias', [6]],
      ],
      [2, 6, 8],
    );
    const rule = opEntry('conv1d').rule!;
    expect(rule(s, 'output')).toEqual({ kind: 'terms', terms: 6 });
    expect(rule(s, 'weight')).toEqual({ kind: 'terms', terms: 16 }); // N * out length
    expect(rule(s, 'bias')).toEqual({ kind: 'terms', terms: 16 });
    expect(rule(s, 'x')).toEqual({ kind: 'terms', terms: Math.ceil((96 * 6) / 80) });
  });

  it('matmul K is the inner dimension; reductions the reduced count; "sum" losses only', () => {
    const mm = info(
      {},
      [
        ['a', [3, 50]],
        ['b', [50, 2]],
      ],
      [3, 2],
    );
    expect(opEntry('matmul').rule!(mm, 'output')).toEqual({ kind: 'terms', terms: 50 });
    expect(opEntry('matmul').rule!(mm, 'b')).toEqual({ kind: 'terms', terms: 3 });
    const red = info({ axis: [1], keepdims: false }, [['x', [4, 25]]], [4]);
    expect(opEntry('mean').rule!(red, 'x')).toEqual({ kind: 'terms', terms: 25 });
    expect(opEntry('max').rule).toBeUndefined();
    const loss = (reduction: string) =>
      info(
        { reduction },
        [
          ['input', [8, 3]],
          ['target', [8]],
        ],
        [],
      );
    expect(opEntry('crossEntropy').rule!(loss('sum'), 'input')).toEqual({ kind: 'terms', terms: 24 });
    expect(opEntry('crossEntropy').rule!(loss('mean'), 'input')).toEqual(DEFAULT_RULE);
    expect(opEntry('layerNorm').rule!(loss('mean'), 'x')).toEqual(LOOSE_RULE);
    expect(opEntry('exp').rule).toBeUndefined();
  });
});

describe('compare', () => {
  it('accepts |a - e| <= atol + rtol |e| and reports the largest error', () => {
    const r = compare(f64([1 + 5e-10, 2, 0]), f64([1, 2, 5e-11]), F64_TOLERANCE);
    expect(r.ok).toBe(true);
    expect(r.maxAbsErr).toBeCloseTo(5e-10, 15);
  });

  it('rejects an element outside the tolerance and names it', () => {
    const r = compare(f64([1, 2.001, 3]), f64([1, 2, 3]), F32_TOLERANCE);
    expect(r.ok).toBe(false);
    expect(r.worstIndex).toBe(1);
    expect(r.maxAbsErr).toBeCloseTo(1e-3, 12);
    expect(r.message).toBe('at flat index 1: got 2.001, expected 2');
  });

  it('NaN and infinities always fail, even where the tolerance would allow anything', () => {
    const loose = { rtol: 1e9, atol: 1e9 };
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const r = compare(f64([1, bad]), f64([1, 2]), loose);
      expect(r.ok).toBe(false);
      expect(r.message).toBe(`${bad} at flat index 1 (expected 2)`);
    }
  });

  it('shapes must match exactly (same size is not enough); 0-d is not [1]', () => {
    expect(compare(f64([[1, 2, 3]]), f64([1, 2, 3]), F64_TOLERANCE).message).toBe(
      'shape [1,3], expected [3]',
    );
    expect(compare(f64([1]), f64(1), F64_TOLERANCE).ok).toBe(false);
    expect(compare(f64(1), f64(1), F64_TOLERANCE).ok).toBe(true);
    expect(compare(f64([]).reshape(0, 2), f64([]).reshape(0, 2), F64_TOLERANCE).ok).toBe(true);
  });

  it('checks the dtype of the run and rejects non-arrays', () => {
    const r = compare(f64([1]), f64([1]), F32_TOLERANCE, 'float32');
    expect(r.message).toBe('dtype float64, expected float32');
    expect(compare([1], f64([1]), F64_TOLERANCE).message).toBe('expected an NDArray, got a JS array');
    expect(compare(undefined, f64([1]), F64_TOLERANCE).message).toBe('expected an NDArray, got undefined');
  });

  it('compares strided results in row-major order', () => {
    const t = f64([
      [1, 2],
      [3, 4],
    ]).transpose();
    expect(
      compare(
        t,
        f64([
          [1, 3],
          [2, 4],
        ]),
        F64_TOLERANCE,
      ).ok,
    ).toBe(true);
    expect(compare(f64([3, 2, 1]).flip(), f64([1, 2, 3]), F64_TOLERANCE).ok).toBe(true);
  });

  it('property: equal finite arrays pass; a perturbation beyond tolerance fails', () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 20 }), fc.nat(), (xs, k) => {
        const e = fromTypedArray(Float64Array.from(xs), [xs.length]);
        expect(compare(e.copy(), e, F64_TOLERANCE).ok).toBe(true);
        const i = k % xs.length;
        const a = Float64Array.from(xs);
        a[i] += 2 * (1e-10 + 1e-9 * Math.abs(xs[i]));
        const r = compare(fromTypedArray(a, [xs.length]), e, F64_TOLERANCE);
        expect(r.ok).toBe(false);
        expect(r.worstIndex).toBe(i);
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});

describe('castInput', () => {
  it('rounds float64 inputs to float32 once in float32 runs; leaves int32 and float64 runs alone', () => {
    const x = f64([0.1, 1 / 3]);
    const c = castInput(x, 'float32');
    expect(c.dtype).toBe('float32');
    expect([...c.data]).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(castInput(x, 'float64')).toBe(x);
    const t = array([1, 2], { dtype: 'int32' });
    expect(castInput(t, 'float32')).toBe(t);
  });
});
