import { ArgumentError, array, type NDArray, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, flat } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { elu, gelu, leakyRelu, relu, selu, sigmoid, silu, softplus } from './activations.js';
import { sum } from './sum.js';

const { NaN: nan, POSITIVE_INFINITY: inf } = Number;

/** This file's tolerances: rtol 2e-15, atol 0. */
const close = (actual: NDArray, expected: number[], rtol = 2e-15, atol = 0) =>
  expectClose(actual, expected, rtol, atol);

const geluTanh = (x: NDArray) => gelu(x, { approximate: 'tanh' });
const CASES: [string, (x: NDArray) => NDArray][] = [
  ['sigmoid', sigmoid],
  ['relu', relu],
  ['leakyRelu', (x) => leakyRelu(x, { negativeSlope: 0.2 })],
  ['elu', (x) => elu(x, { alpha: 1.5 })],
  ['selu', selu],
  ['gelu', gelu],
  ['geluTanh', geluTanh],
  ['silu', silu],
  ['softplus', (x) => softplus(x, { beta: 2, threshold: 3 })],
];

/** Raw doubles in [-1, 1] mapped to [-4, 4] but kept 0.1 away from 0 (the kinks) and from 1.5 (the softplus threshold). */
const valuesArb = (n: number) =>
  fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n })
    .map((vs) =>
      vs.map((v) => (v < 0 ? -0.1 : 0.1) + 3.9 * v).map((v) => (Math.abs(v - 1.5) < 0.1 ? v + 0.2 : v)),
    );

describe('forward values against 40-digit references', () => {
  it('sigmoid, stable at both tails', () => {
    close(sigmoid(f64([0, 2, -30, 800, -800])), [0.5, 0.8807970779778824, 9.357622968839299e-14, 1, 0]);
    expect(flat(sigmoid(f64([-745])))[0]).toBeGreaterThan(0);
    expect(flat(sigmoid(array([100, -100])))).toEqual([1, Math.fround(3.7200759760208356e-44)]);
  });

  it('relu, leakyRelu, elu, selu', () => {
    expect(flat(relu(f64([-1, 0, 2.5])))).toEqual([0, 0, 2.5]);
    close(leakyRelu(f64([-2, 3])), [-0.02, 3]);
    close(leakyRelu(f64([-2, 3]), { negativeSlope: 0.1 }), [-0.2, 3]);
    close(elu(f64([-1, 2])), [-0.6321205588285577, 2]);
    close(elu(f64([-1]), { alpha: 2 }), [-1.2642411176571153]);
    close(selu(f64([-1, 2])), [-1.1113307378125628, 2.101401974710961]);
  });

  it('gelu (erf form), accurate in both tails', () => {
    close(
      gelu(f64([1, -1, -5, 0.3, 3, -10])),
      [
        0.8413447460685429, -0.15865525393145705, -1.4332578593959695e-6, 0.1853734266566858,
        2.99595030590511, -7.619853024160526e-23,
      ],
      1e-14, // in the far tail, rounding x/√2 costs ~x² ulps whatever the erfc
    );
  });

  it('gelu (tanh form)', () => {
    close(
      geluTanh(f64([1, -1, -3, 0.5, 2])),
      [
        0.8411919906082767, -0.1588080093917233, -0.003637392081773019, 0.34571400982514394,
        1.954597694087775,
      ],
      1e-14,
    );
  });

  it('silu and softplus, on both sides of the threshold', () => {
    close(silu(f64([1, -2, 4, -800])), [0.7310585786300049, -0.23840584404423512, 3.928055160151634, -0]);
    close(softplus(f64([0, -30, 19.9, 30])), [Math.LN2, 9.357622968839737e-14, 19.900000002277924, 30]);
    close(softplus(f64([2, 3]), { beta: 2, threshold: 5 }), [2.0090749639589047, 3]);
    close(softplus(f64([-1]), { beta: 0.5 }), [0.9481539683602134]);
    close(softplus(f64([800]), { threshold: inf }), [800]); // no overflow without the threshold
  });
});

describe('dtypes, special values and shapes', () => {
  it('compute int32 in float32, except relu which keeps int32; float32 stays float32', () => {
    for (const [name, op] of CASES) {
      const want = name === 'relu' ? 'int32' : 'float32';
      expect(op(array([-1, 2], { dtype: 'int32' })).dtype, name).toBe(want);
      expect(op(array([-1, 2], { dtype: 'float32' })).dtype, name).toBe('float32');
      expect(op(f64([-1, 2])).dtype, name).toBe('float64');
    }
    expect(flat(relu(array([-3, 4], { dtype: 'int32' })))).toEqual([0, 4]);
    expect(relu(array([true])).dtype).toBe('int32');
  });

  it('round float32 results once', () => {
    const x = array([0.3, -1.7], { dtype: 'float32' });
    const v = flat(x);
    expect(flat(sigmoid(x))).toEqual(v.map((t) => Math.fround(1 / (1 + Math.exp(-t)))));
    expect(flat(silu(x))).toEqual(v.map((t) => Math.fround(t / (1 + Math.exp(-t)))));
  });

  it('propagate NaN', () => {
    for (const [name, op] of CASES) expect(flat(op(f64([nan]))), name).toEqual([nan]);
  });

  it('handle infinities', () => {
    expect(flat(sigmoid(f64([inf, -inf])))).toEqual([1, 0]);
    expect(flat(relu(f64([inf, -inf])))).toEqual([inf, 0]);
    expect(flat(elu(f64([inf, -inf])))).toEqual([inf, -1]);
    expect(flat(softplus(f64([inf, -inf])))).toEqual([inf, 0]);
    expect(flat(gelu(f64([inf])))).toEqual([inf]);
  });

  it('keep 0-d and size-0 shapes', () => {
    for (const [, op] of CASES) {
      expect(op(f64(0.5)).shape).toEqual([]);
      expect(op(zeros([2, 0], { dtype: 'float64' })).shape).toEqual([2, 0]);
    }
  });

  it('give the same results on strided views as on contiguous copies', () => {
    fc.assert(
      fc.property(valuesArb(12), (raw) => {
        const base = f64(raw).reshape(3, 4);
        const views = [
          base.transpose(),
          base.flip(),
          base.slice({ step: 2 }, { start: 3, step: -2 }),
          base.slice(1).broadcastTo([2, 4]),
        ];
        for (const [name, op] of CASES)
          for (const v of views) expect(flat(op(v)), name).toEqual(flat(op(v.copy())));
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('validate options with named errors', () => {
    expect(() => leakyRelu(f64([1]), { negativeSlope: nan })).toThrow(ArgumentError);
    expect(() => leakyRelu(f64([1]), { negativeSlope: nan })).toThrow(
      'leakyRelu: negativeSlope must be a finite number, got NaN',
    );
    expect(() => elu(f64([1]), { alpha: inf })).toThrow('elu: alpha must be a finite number, got Infinity');
    expect(() => gelu(f64([1]), { approximate: 'fast' as never })).toThrow(
      `gelu: approximate must be 'none' or 'tanh', got "fast"`,
    );
    expect(() => softplus(f64([1]), { beta: 0 })).toThrow('softplus: beta must be nonzero, got 0');
    expect(() => softplus(f64([1]), { threshold: nan })).toThrow(
      'softplus: threshold must be a number, got NaN',
    );
  });
});

describe('gradients', () => {
  it('pass checkGrads to second order in float64, away from the kinks', () => {
    fc.assert(
      fc.property(valuesArb(6), (raw) => {
        const x = f64(raw).reshape(2, 3);
        for (const [, op] of CASES) checkGrads(op, [x], { order: 2 });
      }),
      { seed: 42, numRuns: 4 },
    );
  });

  const d1 = (op: (x: NDArray) => NDArray) => grad((x: NDArray) => sum(op(x)));
  const d2 = (op: (x: NDArray) => NDArray) => grad((x: NDArray) => sum(d1(op)(x)));

  it('match closed forms and 40-digit references (first and second derivatives)', () => {
    const x = f64([0.7]);
    close(d1(gelu)(x), [0.9766141011336599], 1e-14);
    close(d2(gelu)(x), [0.4715034393838095], 1e-13);
    close(d1(geluTanh)(x), [0.9763572186561039], 1e-14);
    close(d2(geluTanh)(x), [0.4708629268446337], 1e-13);
    close(d2(silu)(x), [0.3912205946779789], 1e-13);
    const s = 1 / (1 + Math.exp(-0.7));
    close(d1(sigmoid)(x), [s * (1 - s)]);
    close(d2(sigmoid)(x), [s * (1 - s) * (1 - 2 * s)], 1e-14);
  });

  it('follow PyTorch at and around the kinks', () => {
    const x = f64([-2, 0, 3]);
    expect(flat(d1(relu)(x))).toEqual([0, 0, 1]);
    close(d1((t) => leakyRelu(t, { negativeSlope: 0.1 }))(x), [0.1, 0.1, 1]);
    close(d1(elu)(x), [Math.exp(-2), 1, 1]);
    // softplus: sigmoid(beta x) below the threshold, exactly 1 on the linear side
    close(d1((t) => softplus(t, { beta: 2, threshold: 4 }))(f64([1, 2.5])), [1 / (1 + Math.exp(-2)), 1]);
  });
});
