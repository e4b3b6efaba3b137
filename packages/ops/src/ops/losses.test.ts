import { ArgumentError, array, DTypeError, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import {
  expectClose,
  f64,
  flat,
  i32,
  randn,
  readConformance,
  type Tensor,
  toArr,
} from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { jvp } from '../transforms/jvp.js';
import { vjp } from '../transforms/vjp.js';
import { gelu } from './activations.js';
import { linear } from './linalg.js';
import { binaryCrossEntropyWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss } from './losses.js';
import { tanh } from './unary.js';

const lossOps: Record<string, (a: NDArray, b: NDArray, o: never) => NDArray> = {
  mseLoss,
  crossEntropy,
  nllLoss,
  binaryCrossEntropyWithLogits,
};

describe('softmax_loss.json fixtures: losses', () => {
  const file = readConformance('softmax_loss');
  for (const c of file.cases.filter((k: { op: string }) => k.op in lossOps)) {
    it(c.id, () => {
      const input = toArr(c.inputs.input);
      const target = toArr(c.inputs.target);
      const integer = c.inputs.target.dtype === 'int32';
      const f = integer
        ? (a: NDArray) => lossOps[c.op](a, target, c.args as never)
        : (a: NDArray, b: NDArray) => lossOps[c.op](a, b, c.args as never);
      const [y, pullback] = vjp(f as (a: NDArray, b: NDArray) => NDArray, input, target);
      expectClose(y, toArr(c.output), 1e-9, 1e-10);
      const grads = pullback(toArr(c.cotangent));
      for (const [k, g] of Object.entries(c.grads)) {
        expectClose(grads[k === 'input' ? 0 : 1], toArr(g as Tensor), 1e-9, 1e-10);
      }
    });
  }
});

describe('losses against per-element references', () => {
  const x = randn([4, 3], 1, 2);
  const t = randn([4, 3], 2);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const tot = (v: number[]) => v.reduce((a, b) => a + b, 0);

  it('mse, l1, huber, bce with every reduction', () => {
    const xs = flat(x);
    const ts = flat(t);
    const refs: [typeof mseLoss, (a: number, b: number) => number][] = [
      [mseLoss, (a, b) => (a - b) ** 2],
      [l1Loss, (a, b) => Math.abs(a - b)],
      [huberLoss, (a, b) => (Math.abs(a - b) < 1 ? 0.5 * (a - b) ** 2 : Math.abs(a - b) - 0.5)],
      [
        binaryCrossEntropyWithLogits,
        (a, b) => -(b * Math.log(1 / (1 + Math.exp(-a))) + (1 - b) * Math.log(1 - 1 / (1 + Math.exp(-a)))),
      ],
    ];
    for (const [op, ref] of refs) {
      const el = xs.map((v, i) => ref(v, ts[i]));
      expectClose(op(x, t, { reduction: 'none' }), el, 1e-12, 1e-12);
      expectClose(op(x, t), mean(el), 1e-12, 1e-12);
      expectClose(op(x, t, { reduction: 'sum' }), tot(el), 1e-12, 1e-12);
      expect(op(x, t, { reduction: 'none' }).shape).toEqual([4, 3]);
      expect(op(x, t).shape).toEqual([]);
    }
    const d = flat(huberLoss(f64([0.5, 3, -4]), f64([0, 0, 0]), { delta: 2, reduction: 'none' }));
    expect(d).toEqual([0.125, 2 * (3 - 1), 2 * (4 - 1)]);
  });

  it('bce with logits is stable for huge logits and exact 0/1 targets', () => {
    expectClose(binaryCrossEntropyWithLogits(f64([1000, -1000, 0]), f64([1, 0, 1]), { reduction: 'none' }), [
      0,
      0,
      Math.LN2,
    ]);
    expectClose(binaryCrossEntropyWithLogits(f64([-1000]), f64([1])), 1000);
    expectClose(binaryCrossEntropyWithLogits(f64([40]), f64([0])), 40);
  });

  it('crossEntropy and nllLoss against loops, with label smoothing and spatial dims', () => {
    const logits = randn([3, 4, 2], 3, 2);
    const target = i32([
      [0, 3],
      [2, 2],
      [1, 0],
    ]);
    for (const eps of [0, 0.2, 1]) {
      const el: number[] = [];
      for (let n = 0; n < 3; n++)
        for (let d = 0; d < 2; d++) {
          const z = [0, 1, 2, 3].map((c) => logits.get(n, c, d));
          const lse = Math.log(tot(z.map(Math.exp)));
          const lp = z.map((v) => v - lse);
          el.push((1 - eps) * -lp[target.get(n, d)] + eps * mean(lp.map((v) => -v)));
        }
      expectClose(crossEntropy(logits, target, { labelSmoothing: eps, reduction: 'none' }), el);
      expectClose(crossEntropy(logits, target, { labelSmoothing: eps }), mean(el));
      expectClose(crossEntropy(logits, target, { labelSmoothing: eps, reduction: 'sum' }), tot(el));
    }
    const nll = nllLoss(logits, target, { reduction: 'none' });
    expect(nll.shape).toEqual([3, 2]);
    expect(flat(nll)).toEqual([
      -logits.get(0, 0, 0),
      -logits.get(0, 3, 1),
      -logits.get(1, 2, 0),
      -logits.get(1, 2, 1),
      -logits.get(2, 1, 0),
      -logits.get(2, 0, 1),
    ]);
  });

  it('1-D logits with a 0-d target; probability targets; strided inputs', () => {
    const z = f64([1, 2, 3]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expectClose(crossEntropy(z, i32(2)), lse - 3);
    expect(crossEntropy(z, i32(2), { reduction: 'none' }).shape).toEqual([]);
    expectClose(nllLoss(z, i32(1)), -2);
    const logits = randn([4, 3], 8);
    const onehot = f64([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expectClose(crossEntropy(logits, onehot), crossEntropy(logits, i32([0, 2, 1, 2])), 1e-14, 1e-14);
    expectClose(
      crossEntropy(logits, onehot, { labelSmoothing: 0.3 }),
      crossEntropy(logits, i32([0, 2, 1, 2]), { labelSmoothing: 0.3 }),
      1e-14,
      1e-14,
    );
    const wide = randn([3, 4], 9);
    expectClose(
      crossEntropy(wide.transpose(), i32([0, 1, 2, 0])),
      crossEntropy(wide.transpose().copy(), i32([0, 1, 2, 0])),
      0,
      0,
    );
    const tFlip = i32([2, 1, 0, 1]).flip();
    expectClose(crossEntropy(logits.flip(0), tFlip), crossEntropy(logits.flip(0).copy(), tFlip.copy()), 0, 0);
    const b = randn([3], 10).broadcastTo([2, 3]);
    expectClose(mseLoss(b, x.slice({ step: 2 })), mseLoss(b.copy(), x.slice({ step: 2 }).copy()), 0, 0);
  });

  it('a -inf logit of another class does not poison the loss', () => {
    const y = crossEntropy(f64([[0, Number.NEGATIVE_INFINITY, 0]]), i32([0]));
    expectClose(y, Math.LN2);
  });

  it('dtypes, empty batches', () => {
    const x32 = array(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    expect(crossEntropy(x32, i32([0, 1])).dtype).toBe('float32');
    expect(mseLoss(x32, x32).dtype).toBe('float32');
    expect(mseLoss(array([1, 2]), array([1, 4])).item()).toBe(2); // ints compute in float32
    expect(crossEntropy(zeros([0, 3], { dtype: 'float64' }), i32([]), { reduction: 'sum' }).item()).toBe(0);
    expect(crossEntropy(zeros([0, 3], { dtype: 'float64' }), i32([])).item()).toBeNaN();
    expect(mseLoss(zeros([0]), zeros([0]), { reduction: 'none' }).shape).toEqual([0]);
  });
});

describe('loss gradients', () => {
  it('checkGrads order 2 in float64 for both arguments', () => {
    const x = randn([4, 3], 4, 2);
    const t = randn([4, 3], 5);
    const p = randn([4, 3], 6).flip(); // soft targets in (0, 1)
    const probs = array(
      flat(p).map((v) => 1 / (1 + Math.exp(-v))),
      { dtype: 'float64' },
    ).reshape(4, 3);
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      checkGrads((a: NDArray, b: NDArray) => mseLoss(a, b, { reduction }), [x, t], { order: 2 });
      checkGrads((a: NDArray, b: NDArray) => l1Loss(a, b, { reduction }), [x, t], { order: 2 });
      checkGrads((a: NDArray, b: NDArray) => huberLoss(a, b, { reduction, delta: 0.7 }), [x, t], {
        order: 2,
      });
      checkGrads((a: NDArray, b: NDArray) => binaryCrossEntropyWithLogits(a, b, { reduction }), [x, probs], {
        order: 2,
      });
      const target = i32([0, 2, 1, 1]);
      checkGrads((a: NDArray) => crossEntropy(a, target, { reduction, labelSmoothing: 0.1 }), [x], {
        order: 2,
      });
      checkGrads((a: NDArray) => nllLoss(a, target, { reduction }), [x], { order: 2 });
      checkGrads((a: NDArray, b: NDArray) => crossEntropy(a, b, { reduction }), [x, probs], { order: 2 });
    }
    checkGrads(
      (a: NDArray) =>
        crossEntropy(
          a,
          i32([
            [0, 1],
            [2, 2],
          ]),
        ),
      [randn([2, 3, 2], 7)],
      { order: 2 },
    );
  });

  it('the gradient of bce w.r.t. the target is -x (times the reduction scale)', () => {
    const x = f64([0.5, -2]);
    const g = grad((a: NDArray, b: NDArray) => binaryCrossEntropyWithLogits(a, b), { argnums: 1 })(
      x,
      f64([0.3, 1]),
    );
    expectClose(g, [-0.25, 1]);
  });

  it('hvp.json: mlp_tanh_ce, mlp_gelu_ce_smooth, mse_tanh_linear, bce_logits_linear', () => {
    const hvp = readConformance('hvp');
    type In = Record<string, NDArray>;
    const fns: Record<string, (i: In, target: NDArray) => NDArray> = {
      mlp_tanh_ce: (i, t) => crossEntropy(linear(tanh(linear(i.x, i.W1, i.b1)), i.W2, i.b2), t),
      mlp_gelu_ce_smooth: (i, t) =>
        crossEntropy(linear(gelu(linear(i.x, i.W1, i.b1), { approximate: 'tanh' }), i.W2, i.b2), t, {
          reduction: 'sum',
          labelSmoothing: 0.1,
        }),
      mse_tanh_linear: (i) => mseLoss(tanh(linear(i.x, i.W, i.b)), i.t),
      bce_logits_linear: (i) => binaryCrossEntropyWithLogits(linear(i.x, i.W, i.b), i.t),
    };
    const cases = hvp.cases.filter((k: { fn: string }) => k.fn in fns);
    expect(cases.length).toBe(4);
    for (const c of cases) {
      const floats: In = {};
      for (const k of Object.keys(c.vector)) floats[k] = toArr(c.inputs[k]);
      const target = c.inputs.target ? toArr(c.inputs.target) : zeros([0]);
      const vector = Object.fromEntries(Object.entries(c.vector).map(([k, v]) => [k, toArr(v as Tensor)]));
      const f = (i: In) => fns[c.fn](i, target);
      expectClose(f(floats), toArr(c.output), 1e-9, 1e-10);
      const g = grad(f)(floats);
      const [, hv] = jvp((i: In) => grad(f)(i), [floats], [vector]);
      for (const k of Object.keys(c.grads)) {
        expectClose(g[k], toArr(c.grads[k]), 1e-9, 1e-10);
        expectClose(hv[k], toArr(c.hvp[k]), 1e-9, 1e-10);
      }
    }
  });
});

describe('loss errors', () => {
  const x = zeros([4, 3]);
  it('reductions, shapes, targets, label smoothing', () => {
    expect(() => mseLoss(zeros([3, 4]), zeros([5]))).toThrow(
      'mseLoss: input and target must have the same shape, got [3,4] and [5]',
    );
    expect(() => binaryCrossEntropyWithLogits(zeros([4]), zeros([3]))).toThrow(ShapeError);
    expect(() => l1Loss(zeros([4]), zeros([1]))).toThrow(ShapeError);
    expect(() => mseLoss(x, x, { reduction: 'avg' as never })).toThrow(
      `mseLoss: reduction must be 'none', 'mean' or 'sum', got "avg"`,
    );
    expect(() => crossEntropy(x, i32([0, 5, 2, 1]))).toThrow(
      'crossEntropy: target values must be class indices in [0, 3), got 5',
    );
    expect(() => crossEntropy(x, i32([0, -1, 2, 1]))).toThrow(ArgumentError);
    expect(() => crossEntropy(x, i32([0, 1, 2, 0, 1]))).toThrow(
      'crossEntropy: target must have shape [4] for input [4,3], got [5]',
    );
    expect(() => nllLoss(x, i32([0, 1, 2]))).toThrow(ShapeError);
    expect(() => crossEntropy(x, i32([0, 1, 2, 0]), { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be in [0, 1], got 1.5',
    );
    expect(() => nllLoss(x, f64([0, 1, 2, 0]))).toThrow(DTypeError);
    expect(() => crossEntropy(x, f64([0, 1, 2, 0]))).toThrow(ShapeError);
    expect(() => crossEntropy(zeros([]), i32(0))).toThrow(ShapeError);
    expect(() => huberLoss(x, x, { delta: 0 })).toThrow('huberLoss: delta must be a positive number, got 0');
  });
});
