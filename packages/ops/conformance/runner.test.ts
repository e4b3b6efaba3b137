import type { NDArray } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import * as lucidOps from '../src/index.js';
import { add, astype, mul } from '../src/index.js';
import { parseCase } from './load.js';
import { runCase } from './runner.js';

const T = (shape: number[], data: number[], dtype?: 'int32') => ({
  shape,
  data,
  ...(dtype ? { dtype } : {}),
});

// Stand-ins for ops other modules provide, so the runner's plumbing is tested on its own: with them,
// `matmul_tanh_sq` becomes f(a, b) = sum((a * b)^2), whose derivatives are easy by hand.
const fakeOps: Record<string, unknown> = {
  ...lucidOps,
  tanh: (x: NDArray) => x,
  matmul: (a: NDArray, b: NDArray) => mul(a, b),
  linear: (x: NDArray, w: NDArray, b: NDArray | null) => (b === null ? mul(x, w) : add(mul(x, w), b)),
  nllLoss: (input: NDArray, target: NDArray) => {
    if (target.dtype !== 'int32') throw new Error(`target arrived as ${target.dtype}`);
    return mul(input, astype(target, input.dtype));
  },
};

// f = sum((a b)^2): grad_a = 2 a b^2, grad_b = 2 a^2 b; H v = (2 b^2 va + 4 a b vb, 4 a b va + 2 a^2 vb).
const hvpCase = (hvpB = [10, 12]) =>
  parseCase(
    {
      id: 'hvp/000',
      fn: 'matmul_tanh_sq',
      inputs: { a: T([2], [1, 2]), b: T([2], [3, -1]) },
      output: T([], [13]),
      grads: { a: T([2], [18, 4]), b: T([2], [6, -8]) },
      vector: { a: T([2], [1, 0.5]), b: T([2], [-1, 2]) },
      hvp: { a: T([2], [6, -15]), b: T([2], hvpB) },
    },
    0,
  );

describe('runCase', () => {
  it('hvp: output, gradients and reverse-over-reverse Hessian-vector products, in both dtypes', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const r = runCase(hvpCase(), 'hvp.json', dtype, fakeOps);
      expect(r.failures).toEqual([]);
      expect(r.worstErr).toBe(0);
    }
  });

  it('hvp: a wrong product, an unknown fn and a missing op are failures', () => {
    const wrong = runCase(hvpCase([10, 13]), 'hvp.json', 'float64', fakeOps);
    expect(wrong.failures).toMatchObject([{ what: 'hvp b', maxAbsErr: 1 }]);
    const c = hvpCase();
    if (c.kind === 'hvp') c.fn = 'not_a_function';
    expect(runCase(c, 'hvp.json', 'float64', fakeOps).failures).toEqual([
      {
        what: 'unknown op',
        message: 'unknown fn not_a_function: no definition in the conformance hvp table',
      },
    ]);
    const { matmul: _, ...noMatmul } = fakeOps;
    expect(runCase(hvpCase(), 'hvp.json', 'float64', noMatmul).failures).toEqual([
      { what: 'unknown op', message: 'unknown op matmul: not exported by @lucid-ts/ops' },
    ]);
  });

  it('passes null inputs through and differentiates only the present float inputs', () => {
    const c = parseCase(
      {
        id: 'linear/000',
        op: 'linear',
        args: {},
        inputs: { x: T([2], [1, 2]), weight: T([2], [3, 4]), bias: null },
        output: T([2], [3, 8]),
        cotangent: T([2], [1, -1]),
        grads: { x: T([2], [3, -4]), weight: T([2], [1, -2]) },
      },
      0,
    );
    for (const dtype of ['float64', 'float32'] as const)
      expect(runCase(c, 'f.json', dtype, fakeOps).failures).toEqual([]);
  });

  it('int32 targets stay int32 (also in float32 runs) and are not differentiated', () => {
    const c = parseCase(
      {
        id: 'nllLoss/000',
        op: 'nllLoss',
        args: { reduction: 'none' },
        inputs: { input: T([3], [0.5, 1, 2]), target: T([3], [1, 0, 2], 'int32') },
        output: T([3], [0.5, 0, 4]),
        cotangent: T([3], [1, 1, 1]),
        grads: { input: T([3], [1, 0, 2]) },
      },
      0,
    );
    expect(runCase(c, 'f.json', 'float32', fakeOps).failures).toEqual([]);
    if (c.kind === 'op') c.grads.target = c.grads.input;
    expect(runCase(c, 'f.json', 'float64', fakeOps).failures).toEqual([
      { what: 'grad target', message: 'no floating-point input named target to differentiate' },
    ]);
  });

  it('a result in the wrong dtype fails: float32 inputs must give float32 results', () => {
    const c = parseCase(
      {
        id: 'linear/001',
        op: 'linear',
        args: {},
        inputs: { x: T([1], [2]), weight: T([1], [3]), bias: null },
        output: T([1], [6]),
        cotangent: T([1], [1]),
        grads: {},
      },
      0,
    );
    const upcast = { ...fakeOps, linear: (x: NDArray, w: NDArray) => mul(astype(x, 'float64'), w) };
    expect(runCase(c, 'f.json', 'float32', upcast).failures).toMatchObject([
      { what: 'output', message: 'dtype float64, expected float32' },
    ]);
  });
});
