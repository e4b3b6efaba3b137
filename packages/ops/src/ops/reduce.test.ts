import { ArgumentError, array, type NDArray, normalizeAxes, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, flat, randn, readConformance, toArr } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { vjp } from '../transforms/vjp.js';
import { mul } from './arith.js';
import { logsumexp, max, mean, min, prod, std, variance, var as varOp } from './reduce.js';
import { sum } from './sum.js';

/** The values each output element reduces, grouped by output element in row-major order (reference). */
function groups(x: NDArray, axes: readonly number[]): number[][] {
  const keptDims = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out: number[][] = Array.from({ length: keptDims.reduce((a, b) => a * b, 1) }, () => []);
  const idx = x.shape.map(() => 0);
  for (let k = 0; k < x.size; k++) {
    let o = 0;
    for (let i = 0; i < x.ndim; i++) o = o * keptDims[i] + (axes.includes(i) ? 0 : idx[i]);
    out[o].push(x.get(...idx));
    for (let i = x.ndim - 1; i >= 0; i--) {
      if (++idx[i] < x.shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

const refs: Record<string, (v: number[]) => number> = {
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  prod: (v) => v.reduce((a, b) => a * b, 1),
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  var: (v) => {
    const m = refs.mean(v);
    return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
  },
  std: (v) => Math.sqrt(refs.var(v)),
  logsumexp: (v) => {
    const m = Math.max(...v);
    return m + Math.log(v.reduce((a, b) => a + Math.exp(b - m), 0));
  },
};

type ReduceFn = (x: NDArray, o: { axis?: number | number[] | null; keepdims?: boolean }) => NDArray;
const ops: Record<string, ReduceFn> = { sum, mean, prod, max, min, var: varOp, std, logsumexp };

describe('reduce.json fixtures (PyTorch float64)', () => {
  const file = readConformance('reduce');
  for (const c of file.cases) {
    it(c.id, () => {
      const op = ops[c.op] as (x: NDArray, o: unknown) => NDArray;
      const [y, pullback] = vjp((x: NDArray) => op(x, c.args), toArr(c.inputs.x));
      expectClose(y, toArr(c.output), 1e-9, 1e-10);
      const [gx] = pullback(toArr(c.cotangent));
      expectClose(gx, toArr(c.grads.x), 1e-9, 1e-10);
    });
  }
});

describe('forward values against nested loops', () => {
  const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
  it('every reduction over random shapes, axes and keepdims', () => {
    fc.assert(
      fc.property(
        shapes,
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        fc.integer(),
        (shape, seed, keepdims, pick) => {
          const x = randn(shape, seed);
          const axes = shape.map((_, i) => i).filter((i) => (pick >> i) & 1);
          const axis = pick % 5 === 0 ? null : axes;
          const g = groups(x, normalizeAxes('t', axis, x.ndim));
          for (const name of Object.keys(refs)) {
            const y = ops[name](x, { axis, keepdims });
            const want = g.map((v) =>
              (name === 'var' || name === 'std') && v.length === 1 ? Number.NaN : refs[name](v),
            );
            expectClose(y, want, 1e-12, 1e-12);
            expect(y.dtype).toBe('float64');
          }
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it('variance options: correction 0 and 2, keepdims shapes', () => {
    const x = f64([
      [1, 2, 3, 4],
      [2, 2, 2, 10],
    ]);
    expectClose(variance(x, { axis: 1, correction: 0 }), [1.25, 12]);
    expectClose(variance(x, { axis: 1, correction: 2 }), [2.5, 24]);
    expect(std(x, { axis: -1, keepdims: true }).shape).toEqual([2, 1]);
    expectClose(std(x, { correction: 0 }), [Math.sqrt((refs.var(flat(x)) * 7) / 8)]);
  });

  it('var is accurate for large offsets (two-pass)', () => {
    const x = f64([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(variance(x).item()).toBe(1);
    expect(variance(x.astype('float32')).item()).toBe(0); // float32 cannot hold the offsets
  });

  it('logsumexp is stable for large and -inf inputs', () => {
    expect(logsumexp(f64([1000, 1000])).item()).toBeCloseTo(1000 + Math.LN2, 10);
    expect(logsumexp(f64([-1000, -1000])).item()).toBeCloseTo(-1000 + Math.LN2, 10);
    expect(logsumexp(f64([Number.NEGATIVE_INFINITY, 0])).item()).toBe(0);
    expect(logsumexp(f64([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).item()).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(logsumexp(f64([Number.POSITIVE_INFINITY, 0])).item()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('dtypes, NaN, 0-d and empty arrays', () => {
  it('result dtypes', () => {
    const i = array([
      [1, 2],
      [3, 4],
    ]);
    expect(mean(i).dtype).toBe('float32');
    expect(mean(i).item()).toBe(2.5);
    expect(max(i, { axis: 0 }).dtype).toBe('int32');
    expect(max(i, { axis: 0 }).toArray()).toEqual([3, 4]);
    expect(prod(i).dtype).toBe('int32');
    expect(prod(i).item()).toBe(24);
    expect(prod(array([true, true])).dtype).toBe('int32');
    expect(max(array([false, true])).dtype).toBe('bool');
    expect(variance(i).dtype).toBe('float32');
    expect(logsumexp(i).dtype).toBe('float32');
    const f = array([0.1, 0.2, 0.3], { dtype: 'float32' });
    expect(mean(f).dtype).toBe('float32');
    expect(mean(f).item()).toBe(Math.fround(0.2));
    expect(std(f).dtype).toBe('float32');
  });

  it('float32 accumulates in float64', () => {
    const f = zeros([100000], { dtype: 'float32' });
    (f.data as Float32Array).fill(0.1);
    expect(mean(f).item()).toBe(Math.fround(Math.fround(0.1) * 1));
    expect(Math.abs(variance(f).item())).toBeLessThan(1e-12);
  });

  it('NaN propagates through max, min, prod, mean and logsumexp', () => {
    const x = f64([
      [1, Number.NaN, 3],
      [4, 5, 6],
    ]);
    for (const op of [max, min, prod, mean, logsumexp, variance]) {
      const y = op(x, { axis: 1 });
      expect(Number.isNaN(y.get(0))).toBe(true);
      expect(Number.isNaN(y.get(1))).toBe(false);
    }
    expect(max(f64([Number.NaN, 1])).item()).toBeNaN();
    expect(max(f64([1, Number.NaN])).item()).toBeNaN();
    expect(min(f64([Number.NaN, 1])).item()).toBeNaN();
    expect(max(f64([Number.NEGATIVE_INFINITY, 2])).item()).toBe(2);
  });

  it('0-d inputs reduce to themselves', () => {
    const s = f64(3);
    for (const op of [mean, prod, max, min, logsumexp]) expect(op(s).item()).toBeCloseTo(3, 14);
    expect(variance(s, { correction: 0 }).item()).toBe(0);
    expect(variance(s).item()).toBeNaN(); // n - correction = 0, as PyTorch
    expect(mean(s, { axis: [] }).shape).toEqual([]);
  });

  it('empty reductions: identities, NaN, -inf, or ShapeError where there is no identity', () => {
    const e = zeros([0, 3], { dtype: 'float64' });
    expect(sum(e, { axis: 0 }).toArray()).toEqual([0, 0, 0]);
    expect(prod(e, { axis: 0 }).toArray()).toEqual([1, 1, 1]);
    expect(mean(e).item()).toBeNaN();
    expect(logsumexp(e, { axis: 0 }).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(variance(e, { axis: 0 }).size).toBe(3);
    expect(max(e, { axis: 1 }).shape).toEqual([0]);
    expect(mean(e, { axis: 1 }).shape).toEqual([0]);
    expect(() => max(e, { axis: 0 })).toThrow(ShapeError);
    expect(() => min(e)).toThrow(
      'min: reduced axes must not be empty (there is no identity), got shape [0,3] and axis null',
    );
  });
});

describe('strided inputs give the same results as contiguous copies', () => {
  it('transposed, flipped, broadcast and stepped views', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        (seed, ax, keepdims) => {
          const base = randn([4, 3, 5], seed);
          const views = [
            base.transpose(),
            base.flip(1),
            base.slice({ step: 2 }, null, { start: 4, step: -2 }),
            base.slice(0).broadcastTo([2, 3, 5]),
            base.permute(1, 2, 0).flip(),
          ];
          for (const v of views) {
            for (const op of Object.values(ops)) {
              for (const axis of [null, ax, [0, 2]]) {
                const o = { axis, keepdims };
                expectClose(op(v, o), op(v.copy(), o), 1e-13, 1e-13);
              }
            }
          }
        },
      ),
      { seed: 42, numRuns: 10 },
    );
  });
});

describe('gradients', () => {
  const x = randn([3, 4], 7);
  const cube = randn([2, 3, 4], 3);
  it('checkGrads order 2 in float64 for every reduction', () => {
    for (const [name, op] of Object.entries(ops)) {
      for (const axis of [null, 1, [0, 1]]) {
        checkGrads((a: NDArray) => mul(op(a, { axis }), op(a, { axis })), [x], {
          order: 2,
          seed: name.length,
        });
      }
      checkGrads((a: NDArray) => op(a, { axis: [0, 2], keepdims: true }), [cube], { order: 2 });
    }
  });

  it('var and std with correction 0, and the gradient of var', () => {
    checkGrads((a: NDArray) => std(a, { axis: 0, correction: 0 }), [x], { order: 2 });
    const g = grad((a: NDArray) => variance(a, { correction: 0 }))(f64([1, 2, 3, 6]));
    expectClose(g, [(2 * (1 - 3)) / 4, (2 * (2 - 3)) / 4, 0, (2 * 3) / 4]);
  });

  it('prod gradient is exact with one zero and with two zeros, and second derivatives there', () => {
    const g1 = grad((a: NDArray) => prod(a))(f64([2, 0, 3, 4]));
    expect(g1.toArray()).toEqual([0, 24, 0, 0]);
    const g2 = grad((a: NDArray) => prod(a))(f64([2, 0, 3, 0]));
    expect(g2.toArray()).toEqual([0, 0, 0, 0]);
    // d²/dx1 dx3 of prod at x = [2, 0, 3, 0] is x0 x2 = 6.
    const h = grad((a: NDArray) => sum(mul(grad((b: NDArray) => prod(b))(a), f64([0, 1, 0, 0]))))(
      f64([2, 0, 3, 0]),
    );
    expect(h.toArray()).toEqual([0, 0, 0, 6]);
    const m = f64([
      [1, 0, 2],
      [3, 4, 0],
    ]);
    expect(grad((a: NDArray) => sum(prod(a, { axis: 0 })))(m).toArray()).toEqual([
      [3, 4, 0],
      [1, 0, 2],
    ]);
    expect(
      grad((a: NDArray) => prod(a))(
        f64([
          [1, 2],
          [3, 0],
        ]),
      ).toArray(),
    ).toEqual([
      [0, 0],
      [0, 6],
    ]);
    checkGrads(
      (a: NDArray) => prod(a, { axis: [0, 1] }),
      [
        f64([
          [1.5, 0],
          [2, -1],
        ]),
      ],
      { order: 2 },
    );
  });

  it('max and min split the gradient equally between ties', () => {
    const t = f64([
      [1, 3, 3],
      [2, 0, 2],
    ]);
    expect(grad((a: NDArray) => sum(max(a, { axis: 1 })))(t).toArray()).toEqual([
      [0, 0.5, 0.5],
      [0.5, 0, 0.5],
    ]);
    expect(grad((a: NDArray) => sum(min(a, { axis: 0 })))(t).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 1],
    ]);
    expect(grad((a: NDArray) => max(a))(f64([5, 5, 5, 5])).toArray()).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('logsumexp gradient is the softmax, also for large inputs', () => {
    const g = grad((a: NDArray) => logsumexp(a))(f64([1000, 1000, 1000 - Math.log(2)]));
    expectClose(g, [0.4, 0.4, 0.2], 1e-12, 1e-12);
  });
});

describe('errors', () => {
  const x = zeros([2, 3, 4]);
  it('axis out of range or repeated', () => {
    expect(() => mean(x, { axis: 3 })).toThrow('mean: axis must be an integer in [-3, 2] for rank 3, got 3');
    expect(() => mean(x, { axis: [-4] })).toThrow(ShapeError);
    expect(() => max(x, { axis: [1, 1] })).toThrow('max: axis repeats axis 1, got [1,1]');
    expect(() => variance(x, { axis: 3, keepdims: true })).toThrow(
      'var: axis must be an integer in [-3, 2] for rank 3, got 3',
    );
    expect(() => std(x, { axis: 1.5 })).toThrow(ShapeError);
    expect(() => logsumexp(x, { axis: 5 })).toThrow(/^logsumexp: axis/);
    expect(() => prod(x, { axis: -4 })).toThrow(/^prod: axis/);
  });

  it('bad correction', () => {
    expect(() => variance(x, { correction: -1 })).toThrow(ArgumentError);
    expect(() => std(x, { correction: Number.NaN })).toThrow(
      'std: correction must be a non-negative number, got NaN',
    );
  });
});
