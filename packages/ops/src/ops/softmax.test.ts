import { array, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, flat, randn, readConformance, type Tensor, toArr } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { jvp } from '../transforms/jvp.js';
import { vjp } from '../transforms/vjp.js';
import { mul } from './arith.js';
import { logSoftmax, softmax } from './softmax.js';
import { sum } from './sum.js';

/** Reference softmax along `axis` of a [p, q, r] array with plain loops (no max shift: small inputs). */
function refSoftmax(x: NDArray, axis: number, log: boolean): number[] {
  const [p, q, r] = x.shape;
  const out = new Array(x.size).fill(0);
  const n = x.shape[axis];
  for (let i = 0; i < p; i++)
    for (let j = 0; j < q; j++)
      for (let k = 0; k < r; k++) {
        let s = 0;
        for (let t = 0; t < n; t++) {
          const idx = [i, j, k];
          idx[axis] = t;
          s += Math.exp(x.get(...idx));
        }
        const v = Math.exp(x.get(i, j, k)) / s;
        out[(i * q + j) * r + k] = log ? x.get(i, j, k) - Math.log(s) : v;
      }
  return out;
}

describe('softmax_loss.json fixtures: softmax and logSoftmax', () => {
  const file = readConformance('softmax_loss');
  const ops: Record<string, typeof softmax> = { softmax, logSoftmax };
  for (const c of file.cases.filter((k: { op: string }) => k.op in ops)) {
    it(c.id, () => {
      const [y, pullback] = vjp((x: NDArray) => ops[c.op](x, c.args), toArr(c.inputs.x));
      expectClose(y, toArr(c.output), 1e-9, 1e-10);
      expectClose(pullback(toArr(c.cotangent))[0], toArr(c.grads.x), 1e-9, 1e-10);
    });
  }
  it('hvp.json softmax_dot and logsoftmax_sq', () => {
    const hvp = readConformance('hvp');
    const fns: Record<string, (i: Record<string, NDArray>) => NDArray> = {
      softmax_dot: (i) => sum(mul(softmax(i.x, { axis: -1 }), i.c)),
      logsoftmax_sq: (i) => sum(mul(logSoftmax(i.x, { axis: 1 }), logSoftmax(i.x, { axis: 1 }))),
    };
    for (const c of hvp.cases.filter((k: { fn: string }) => k.fn in fns)) {
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, toArr(v as Tensor)]));
      const vector = Object.fromEntries(Object.entries(c.vector).map(([k, v]) => [k, toArr(v as Tensor)]));
      const g = grad(fns[c.fn])(inputs);
      const [, hv] = jvp((i: Record<string, NDArray>) => grad(fns[c.fn])(i), [inputs], [vector]);
      for (const k of Object.keys(c.grads)) {
        expectClose(g[k], toArr(c.grads[k]), 1e-9, 1e-10);
        expectClose(hv[k], toArr(c.hvp[k]), 1e-9, 1e-10);
      }
      expectClose(fns[c.fn](inputs), toArr(c.output), 1e-9, 1e-10);
    }
  });
});

describe('softmax and logSoftmax forward', () => {
  it('match nested loops on every axis and strided views', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -3, max: 2 }), (seed, axis) => {
        const base = randn([3, 4, 5], seed, 3);
        const ax = axis < 0 ? axis + 3 : axis;
        expectClose(softmax(base, { axis }), refSoftmax(base, ax, false));
        expectClose(logSoftmax(base, { axis }), refSoftmax(base, ax, true), 1e-12, 1e-12);
        const views = [
          base.flip(1),
          base.permute(2, 0, 1).permute(1, 2, 0),
          base.slice(0).broadcastTo([2, 4, 5]),
        ];
        const stepped = randn([6, 4, 10], seed).slice({ step: 2 }, null, { start: 9, step: -2 });
        for (const v of [...views, stepped]) {
          expectClose(softmax(v, { axis }), softmax(v.copy(), { axis }), 0, 0);
          expectClose(logSoftmax(v, { axis }), logSoftmax(v.copy(), { axis }), 0, 0);
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('is stable for huge logits and exact where log(softmax) underflows', () => {
    expectClose(softmax(f64([1000, 1000])), [0.5, 0.5]);
    expectClose(logSoftmax(f64([0, 1000])), [-1000, 0]);
    expectClose(softmax(f64([-1000, 0])), [0, 1]);
    expectClose(logSoftmax(f64([Number.NEGATIVE_INFINITY, 0])), [Number.NEGATIVE_INFINITY, 0]);
    expectClose(softmax(f64([Number.NEGATIVE_INFINITY, 0])), [0, 1]);
  });

  it('NaN propagates along its lane only', () => {
    const y = softmax(
      f64([
        [1, Number.NaN],
        [1, 2],
      ]),
    );
    expect(flat(y).map(Number.isNaN)).toEqual([true, true, false, false]);
    const l = logSoftmax(
      f64([
        [1, Number.NaN],
        [1, 2],
      ]),
    );
    expect(flat(l).map(Number.isNaN)).toEqual([true, true, false, false]);
  });

  it('dtypes, defaults, 0-d and empty', () => {
    expect(softmax(array([1, 2, 3])).dtype).toBe('float32');
    const f = softmax(
      array(
        [
          [1, 2],
          [3, 5],
        ],
        { dtype: 'float32' },
      ),
    );
    expect(f.dtype).toBe('float32');
    expect(f.get(1, 1)).toBe(Math.fround(1 / (1 + Math.exp(-2))));
    expect(softmax(f64(3)).item()).toBe(1);
    expect(logSoftmax(f64(3), { axis: 0 }).item()).toBe(0);
    expect(softmax(zeros([2, 0])).shape).toEqual([2, 0]);
    expect(logSoftmax(zeros([0, 3]), { axis: 0 }).shape).toEqual([0, 3]);
    expectClose(softmax(f64([[0, Math.log(3)]]), { axis: 1 }), [0.25, 0.75]);
  });

  it('errors', () => {
    expect(() => softmax(zeros([3, 4]), { axis: 2 })).toThrow(
      'softmax: axis must be an integer in [-2, 1] for rank 2, got 2',
    );
    expect(() => logSoftmax(zeros([3]), { axis: -2 })).toThrow(ShapeError);
    expect(() => softmax(f64(1), { axis: 1 })).toThrow(
      'softmax: axis must be an integer in [-1, 0] for rank 1, got 1',
    );
  });
});

describe('softmax gradients', () => {
  it('checkGrads order 2 in float64', () => {
    const x = randn([3, 4], 5);
    const c = randn([3, 4], 6);
    for (const axis of [0, 1, -1]) {
      checkGrads((a: NDArray) => mul(softmax(a, { axis }), c), [x], { order: 2 });
      checkGrads((a: NDArray) => mul(logSoftmax(a, { axis }), c), [x], { order: 2 });
    }
    checkGrads((a: NDArray) => logSoftmax(a, { axis: 1 }), [randn([2, 3, 2], 9)], { order: 2 });
    checkGrads((a: NDArray) => softmax(a), [f64(0.3)], { order: 2 });
  });

  it('gradient of sum(softmax) is zero; of logSoftmax at a class is onehot - softmax', () => {
    const x = f64([0.5, -1, 2]);
    expectClose(grad((a: NDArray) => sum(softmax(a)))(x), [0, 0, 0], 0, 1e-15);
    const s = flat(softmax(x));
    const g = grad((a: NDArray) => sum(mul(logSoftmax(a), f64([0, 1, 0]))))(x);
    expectClose(g, [-s[0], 1 - s[1], -s[2]]);
  });
});
