import { ArgumentError, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import { expectClose, flat, randn, readConformance, type Tensor, toArr } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { jvp } from '../transforms/jvp.js';
import { vjp } from '../transforms/vjp.js';
import { mul } from './arith.js';
import { batchNorm, groupNorm, layerNorm } from './norm.js';
import { sum } from './sum.js';
import { tanh } from './unary.js';

/** Normalises each group of flat indices (biased variance) and applies per-index scale and shift. */
function refNorm(
  x: number[],
  groupOf: (i: number) => number,
  eps: number,
  w: (i: number) => number,
  b: (i: number) => number,
): number[] {
  const stats = new Map<number, number[]>();
  x.forEach((v, i) => {
    const g = groupOf(i);
    if (!stats.has(g)) stats.set(g, []);
    stats.get(g)!.push(v);
  });
  const mv = new Map<number, [number, number]>();
  for (const [g, vs] of stats) {
    const m = vs.reduce((a, c) => a + c, 0) / vs.length;
    mv.set(g, [m, vs.reduce((a, c) => a + (c - m) ** 2, 0) / vs.length]);
  }
  return x.map((v, i) => {
    const [m, va] = mv.get(groupOf(i))!;
    return ((v - m) / Math.sqrt(va + eps)) * w(i) + b(i);
  });
}

const maybe = (t: Tensor | null) => (t ? toArr(t) : null);

type NormFn = (x: NDArray, w: NDArray | null, b: NDArray | null, o: never) => NDArray;
const normOps: Record<string, NormFn> = { layerNorm, batchNorm, groupNorm } as Record<string, NormFn>;

describe('norm.json fixtures (PyTorch float64)', () => {
  const file = readConformance('norm');
  for (const c of file.cases) {
    it(c.id, () => {
      const w = maybe(c.inputs.weight);
      const b = maybe(c.inputs.bias);
      const f = (x: NDArray, wt: NDArray | null, bs: NDArray | null) =>
        normOps[c.op](x, wt, bs, c.args as never);
      const [y, pullback] = vjp(f as never, toArr(c.inputs.x), w, b);
      expectClose(y as NDArray, toArr(c.output), 1e-9, 1e-10);
      const grads = (pullback as (ct: NDArray) => NDArray[])(toArr(c.cotangent));
      const order = ['x', 'weight', 'bias'];
      for (const [k, g] of Object.entries(c.grads))
        expectClose(grads[order.indexOf(k)], toArr(g as Tensor), 1e-9, 1e-10);
    });
  }

  it('hvp.json: layernorm_cube, batchnorm_cube, groupnorm_tanh_sq', () => {
    const hvp = readConformance('hvp');
    const cube = (y: NDArray) => sum(mul(mul(y, y), y));
    const fns: Record<string, (i: Record<string, NDArray>) => NDArray> = {
      layernorm_cube: (i) => cube(layerNorm(i.x, i.w, i.b, { normalizedShape: [3, 4], eps: 1e-5 })),
      batchnorm_cube: (i) => cube(batchNorm(i.x, i.w, i.b, { eps: 1e-5 })),
      groupnorm_tanh_sq: (i) => {
        const t = tanh(groupNorm(i.x, i.w, i.b, { numGroups: 2, eps: 1e-5 }));
        return sum(mul(t, t));
      },
    };
    const cases = hvp.cases.filter((k: { fn: string }) => k.fn in fns);
    expect(cases.length).toBe(3);
    for (const c of cases) {
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, toArr(v as Tensor)]));
      const vector = Object.fromEntries(Object.entries(c.vector).map(([k, v]) => [k, toArr(v as Tensor)]));
      expectClose(fns[c.fn](inputs), toArr(c.output), 1e-9, 1e-10);
      const g = grad(fns[c.fn])(inputs);
      const [, hv] = jvp((i: Record<string, NDArray>) => grad(fns[c.fn])(i), [inputs], [vector]);
      for (const k of Object.keys(c.grads)) {
        expectClose(g[k], toArr(c.grads[k]), 1e-9, 1e-10);
        expectClose(hv[k], toArr(c.hvp[k]), 1e-9, 1e-10);
      }
    }
  });
});

describe('forward values against loops', () => {
  it('layerNorm over one and two trailing axes, with and without affine', () => {
    const x = randn([2, 3, 4], 1, 3, 5);
    const w = randn([3, 4], 2);
    const b = randn([3, 4], 3);
    const xs = flat(x);
    expectClose(
      layerNorm(x, w, b, { normalizedShape: [3, 4] }),
      refNorm(
        xs,
        (i) => Math.floor(i / 12),
        1e-5,
        (i) => w.data[i % 12],
        (i) => b.data[i % 12],
      ),
    );
    expectClose(
      layerNorm(x, null, undefined, { normalizedShape: 4, eps: 0.1 }),
      refNorm(
        xs,
        (i) => Math.floor(i / 4),
        0.1,
        () => 1,
        () => 0,
      ),
    );
  });

  it('batchNorm per channel over N and spatial axes', () => {
    const x = randn([3, 2, 5], 4, 2, -1);
    const w = randn([2], 5);
    const b = randn([2], 6);
    const ch = (i: number) => Math.floor(i / 5) % 2;
    expectClose(
      batchNorm(x, w, b),
      refNorm(
        flat(x),
        ch,
        1e-5,
        (i) => w.data[ch(i)],
        (i) => b.data[ch(i)],
      ),
    );
    const x2 = randn([4, 3], 7);
    expectClose(
      batchNorm(x2, null, null, { eps: 0 }),
      refNorm(
        flat(x2),
        (i) => i % 3,
        0,
        () => 1,
        () => 0,
      ),
    );
  });

  it('groupNorm per (sample, group)', () => {
    const x = randn([2, 6, 2, 2], 8, 1, 2);
    const w = randn([6], 9);
    const b = randn([6], 10);
    const ch = (i: number) => Math.floor(i / 4) % 6;
    const grp = (i: number) => Math.floor(i / 24) * 3 + Math.floor(ch(i) / 2);
    expectClose(
      groupNorm(x, w, b, { numGroups: 3 }),
      refNorm(
        flat(x),
        grp,
        1e-5,
        (i) => w.data[ch(i)],
        (i) => b.data[ch(i)],
      ),
    );
    expectClose(
      groupNorm(x, null, null, { numGroups: 6 }),
      refNorm(
        flat(x),
        (i) => Math.floor(i / 4),
        1e-5,
        () => 1,
        () => 0,
      ),
    );
  });

  it('strided inputs match contiguous copies; float32 stays float32; large offsets stay accurate', () => {
    const base = randn([4, 3, 6], 11);
    const views = [base.transpose(0, 2).slice(null, null, { step: 2 }), base.flip(2).permute(0, 2, 1)];
    for (const v of views) {
      expectClose(
        layerNorm(v, null, null, { normalizedShape: v.shape.slice(1) }),
        layerNorm(v.copy(), null, null, { normalizedShape: v.shape.slice(1) }),
        1e-13,
        1e-13,
      );
      expectClose(batchNorm(v, null, null), batchNorm(v.copy(), null, null), 1e-13, 1e-13);
      expectClose(
        groupNorm(v, null, null, { numGroups: v.shape[1] }),
        groupNorm(v.copy(), null, null, { numGroups: v.shape[1] }),
        1e-13,
        1e-13,
      );
    }
    const wb = randn([3], 12).broadcastTo([2, 3]).slice(0);
    expectClose(
      batchNorm(base.slice(null, null, 0), wb, wb),
      batchNorm(base.slice(null, null, 0).copy(), wb.copy(), wb.copy()),
      1e-13,
      1e-13,
    );
    const f = layerNorm(base.astype('float32'), null, null, { normalizedShape: [6] });
    expect(f.dtype).toBe('float32');
    expectClose(f, layerNorm(base, null, null, { normalizedShape: [6] }), 1e-5, 1e-5);
    const shifted = randn([2, 8], 13, 1, 1e6);
    expectClose(
      layerNorm(shifted, null, null, { normalizedShape: [8] }),
      refNorm(
        flat(shifted),
        (i) => Math.floor(i / 8),
        1e-5,
        () => 1,
        () => 0,
      ),
      1e-8,
      1e-8,
    );
  });

  it('a group of one element normalises to exactly 0', () => {
    const y = layerNorm(randn([5, 1], 14), null, null, { normalizedShape: [1] });
    expect(flat(y)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('norm gradients', () => {
  it('checkGrads order 2 in float64 for x, weight and bias', () => {
    const x = randn([2, 4, 3], 15);
    const w4 = randn([4], 16);
    const b4 = randn([4], 17);
    const w3 = randn([3], 18);
    const b3 = randn([3], 19);
    checkGrads(
      (a: NDArray, w: NDArray, b: NDArray) => layerNorm(a, w, b, { normalizedShape: [3] }),
      [x, w3, b3],
      { order: 2 },
    );
    checkGrads((a: NDArray) => layerNorm(a, null, null, { normalizedShape: [4, 3], eps: 0.1 }), [x], {
      order: 2,
    });
    checkGrads((a: NDArray, w: NDArray, b: NDArray) => batchNorm(a, w, b), [x, w4, b4], { order: 2 });
    checkGrads((a: NDArray, w: NDArray, b: NDArray) => groupNorm(a, w, b, { numGroups: 2 }), [x, w4, b4], {
      order: 2,
    });
  });
});

describe('norm errors', () => {
  it('shapes, groups, eps', () => {
    const x = zeros([2, 3, 4]);
    expect(() => layerNorm(x, zeros([5]), zeros([5]), { normalizedShape: [5] })).toThrow(
      'layerNorm: normalizedShape must be non-empty and match the trailing dimensions of x, got normalizedShape [5] and x shape [2,3,4]',
    );
    expect(() => layerNorm(x, zeros([3]), zeros([4]), { normalizedShape: [4] })).toThrow(
      'layerNorm: weight must have shape [4] (normalizedShape), got [3]',
    );
    expect(() => layerNorm(x, null, zeros([3, 4]), { normalizedShape: [4] })).toThrow(ShapeError);
    expect(() => layerNorm(x, null, null, { normalizedShape: [] })).toThrow(ShapeError);
    expect(() => layerNorm(zeros([4]), null, null, { normalizedShape: [2, 4] })).toThrow(ShapeError);
    expect(() => batchNorm(zeros([4, 3]), zeros([4]), zeros([4]))).toThrow(
      'batchNorm: weight must have shape [3] (one per channel), got [4]',
    );
    expect(() => batchNorm(zeros([1, 3]), null, null)).toThrow(
      'batchNorm: training needs more than 1 value per channel, got x shape [1,3]',
    );
    expect(() => batchNorm(zeros([3]), null, null)).toThrow(
      'batchNorm: x must have shape [N, C, ...] (rank >= 2), got [3]',
    );
    expect(() => groupNorm(zeros([2, 4, 5]), zeros([4]), zeros([4]), { numGroups: 3 })).toThrow(
      'groupNorm: channels must be divisible by numGroups, got x shape [2,4,5] and numGroups=3',
    );
    expect(() => groupNorm(zeros([2, 4, 5]), null, null, { numGroups: 0 })).toThrow(ArgumentError);
    expect(() => groupNorm(zeros([2, 4]), null, zeros([2]), { numGroups: 2 })).toThrow(ShapeError);
    expect(() => layerNorm(x, null, null, { normalizedShape: [4], eps: -1 })).toThrow(
      'layerNorm: eps must be a non-negative number, got -1',
    );
  });
});
