import { ArgumentError, array, DTypeError, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import { grad, mul, type PyTree, square, sub, sum } from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import { adam, adamw } from './adam.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { cosineAnnealing } from './schedules.js';
import { sgd } from './sgd.js';

const f64 = (v: number[]) => array(v, { dtype: 'float64' });
const vals = (a: NDArray) => Array.from(a.contiguous().data.subarray(a.offset, a.offset + a.size));

/** f(θ) = ½ Σ a (θ − c)² + ½ λ Σ θ², computed in plain numbers. */
function quadratic(a: number[], c: number[], theta: number[], l2 = 0): number {
  return theta.reduce((s, t, i) => s + 0.5 * a[i] * (t - c[i]) ** 2 + 0.5 * l2 * t * t, 0);
}

type Make = (lr: number) => Optimizer;
interface Variant {
  name: string;
  make: Make;
  /** Per-coordinate step length of the first update in units of lr (bounds the overshoot). */
  reach: number;
  /** L2 weight decay folded into the gradient (its objective includes it). */
  l2: number;
  /** A sign-like first step (Adam family, RMSprop): needs lr below the distance to the optimum. */
  normalised: boolean;
}

const variants: Variant[] = [
  { name: 'sgd', make: (lr) => sgd({ lr }), reach: 1, l2: 0, normalised: false },
  {
    name: 'sgd momentum',
    make: (lr) => sgd({ lr, momentum: 0.9, dampening: 0.3 }),
    reach: 1,
    l2: 0,
    normalised: false,
  },
  {
    name: 'sgd nesterov wd',
    make: (lr) => sgd({ lr, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
    reach: 1.9,
    l2: 0.1,
    normalised: false,
  },
  { name: 'adam', make: (lr) => adam({ lr }), reach: 1, l2: 0, normalised: true },
  {
    name: 'adam amsgrad wd',
    make: (lr) => adam({ lr, amsgrad: true, weightDecay: 0.05 }),
    reach: 1,
    l2: 0.05,
    normalised: true,
  },
  { name: 'adamw', make: (lr) => adamw({ lr, weightDecay: 0.1 }), reach: 1.6, l2: 0, normalised: true },
  { name: 'rmsprop', make: (lr) => rmsprop({ lr }), reach: 10, l2: 0, normalised: true },
  {
    name: 'rmsprop centered momentum wd',
    make: (lr) => rmsprop({ lr, centered: true, momentum: 0.5, weightDecay: 0.1 }),
    reach: 11,
    l2: 0.1,
    normalised: true,
  },
];

const problem = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    a: fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
    c: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n }),
    delta: fc.array(
      fc.tuple(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.boolean()).map(([d, s]) => (s ? d : -d)),
      { minLength: n, maxLength: n },
    ),
  }),
);

describe('every optimizer: one step on a convex quadratic decreases it', () => {
  for (const v of variants) {
    it(v.name, () => {
      fc.assert(
        fc.property(problem, ({ a, c, delta }) => {
          const theta = c.map((ci, i) => ci + delta[i]);
          const loss = (p: { w: NDArray }) => mul(0.5, sum(mul(f64(a), square(sub(p.w, f64(c))))));
          const params = { w: f64(theta) };
          const g = grad(loss)(params);
          // Small enough: below 2/curvature for gradient steps, below the distance to the (regularised)
          // optimum for normalised, sign-like steps.
          const curvature = Math.max(...a) + v.l2;
          const dist = Math.min(...theta.map((t, i) => Math.abs(t - (a[i] * c[i]) / (a[i] + v.l2))));
          fc.pre(dist > 1e-3);
          const lr = v.normalised ? Math.min(0.5 * dist, 0.01) / v.reach : 1 / (curvature * v.reach);
          const opt = v.make(lr);
          const { params: next } = opt.update(g, opt.init(params), params);
          const before = quadratic(a, c, theta, v.l2);
          const after = quadratic(a, c, vals(next.w), v.l2);
          expect(after).toBeLessThan(before);
        }),
        { seed: 20240501, numRuns: 60 },
      );
    });
  }
});

describe('every optimizer: many steps converge, in float32 too', () => {
  const cases: [string, Optimizer][] = [
    ['sgd', sgd({ lr: 0.1 })],
    ['sgd nesterov', sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
    ['adam', adam({ lr: 0.05 })],
    ['adamw', adamw({ lr: 0.05, weightDecay: 0 })],
    ['adam amsgrad', adam({ lr: 0.05, amsgrad: true })],
    ['rmsprop', rmsprop({ lr: 0.01, momentum: 0.5 })],
    ['rmsprop centered', rmsprop({ lr: 0.01, centered: true })],
  ];
  for (const [name, opt] of cases) {
    it(name, () => {
      const target = array([1, -2, 0.5]);
      const loss = (p: { w: NDArray }) => sum(square(sub(p.w, target)));
      let params = { w: array([0, 0, 0]).astype('float32') };
      let state = opt.init(params);
      const start = loss(params).item();
      for (let i = 0; i < 300; i++) ({ params, state } = opt.update(grad(loss)(params), state, params));
      expect(params.w.dtype).toBe('float32');
      expect(loss(params).item()).toBeLessThan(start * 1e-3);
      expect(state.step).toBe(300);
    });
  }
});

describe('purity, dtypes and structure', () => {
  const all: [string, Optimizer][] = [
    ['sgd', sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.1 })],
    ['adam', adam({ amsgrad: true, weightDecay: 0.1 })],
    ['adamw', adamw()],
    ['rmsprop', rmsprop({ centered: true, momentum: 0.9 })],
  ];

  it('never writes into params, grads or state, and keeps each dtype', () => {
    for (const [, opt] of all) {
      const params: { layers: [{ w: NDArray }, { b: NDArray }] } = {
        layers: [
          {
            w: array([
              [1, 2],
              [3, 4],
            ]).astype('float32'),
          },
          { b: f64([0.5, -1]) },
        ],
      };
      // A strided (transposed) grad view must be read in logical order.
      const gw = array([
        [0.1, 0.3],
        [0.2, 0.4],
      ])
        .astype('float32')
        .transpose();
      const grads = { layers: [{ w: gw }, { b: f64([1, 2]) }] };
      const snapshot = (t: PyTree) => JSON.stringify(t, (_k, v) => (v?.dtype ? [v.dtype, vals(v)] : v));
      let state = opt.init(params);
      ({ state } = opt.update(grads, state, params)); // a state with non-zero buffers
      const before = [snapshot(params), snapshot(grads), snapshot(state)];
      const out = opt.update(grads, state, params);
      expect([snapshot(params), snapshot(grads), snapshot(state)]).toEqual(before);
      expect(out.params.layers[0].w.dtype).toBe('float32');
      expect(out.params.layers[1].b.dtype).toBe('float64');
      expect(out.params.layers[0].w.shape).toEqual([2, 2]);
      for (const [k, buf] of Object.entries(out.state)) {
        if (k !== 'step' && buf !== null) expect((buf as typeof params).layers[0].w.dtype).toBe('float32');
      }
      expect(out.state.step).toBe(2);
    }
  });

  it('passes integer leaves through, skips null grads, keeps null subtrees', () => {
    const opt = adam({ lr: 0.1 });
    const params = { w: f64([1]), count: array([3]), frozen: f64([5]), none: null, k: 2 };
    const state = opt.init(params);
    expect(state.expAvg).toEqual({
      w: expect.anything(),
      count: null,
      frozen: expect.anything(),
      none: null,
      k: null,
    });
    const grads = { w: f64([1]), count: array([0]), frozen: null, none: null, k: 0 };
    const { params: next, state: s2 } = opt.update(grads, state, params);
    expect(next.count).toBe(params.count);
    expect(next.frozen).toBe(params.frozen);
    expect(next.k).toBe(2);
    expect(next.none).toBeNull();
    expect(vals(next.w)[0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 15); // Adam's first step: lr·g/(|g| + ε)
    expect((s2.expAvg as { frozen: NDArray }).frozen).toBe((state.expAvg as { frozen: NDArray }).frozen);
  });

  it('checks grads and state against params, naming the leaf', () => {
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const params = { layers: [{ w: f64([1, 2]) }] };
    const state = opt.init(params);
    expect(() => opt.update({ layers: [{ w: f64([1, 2, 3]) }] }, state, params)).toThrow(ShapeError);
    expect(() => opt.update({ layers: [{ w: f64([1, 2, 3]) }] }, state, params)).toThrow(
      "sgd(lr=0.1, momentum=0.9): grad at 'layers.0.w' must have the param's shape [2], got [3]",
    );
    expect(() => opt.update({ layers: [] }, state, params)).toThrow(
      "sgd(lr=0.1, momentum=0.9): grads must have the structure of params, expected an array of 1, got an array of 0 at 'layers'",
    );
    expect(() => opt.update({ layers: [{ v: f64([1, 2]) }] }, state, params)).toThrow(
      /expected keys \[w\], got \[v\]/,
    );
    expect(() => opt.update({ layers: [{ w: array([true, false]) }] }, state, params)).toThrow(DTypeError);
    expect(() => opt.update({ layers: [{ w: 3 }] }, state, params)).toThrow(
      /grad at 'layers.0.w' must be an NDArray/,
    );
    expect(() =>
      opt.update({ layers: [{ w: f64([1, 2]) }] }, { ...state, momentumBuffer: null }, params),
    ).toThrow(/state.momentumBuffer must have the structure of params/);
    expect(() => opt.update(params, { ...state, step: -1 }, params)).toThrow(
      /state.step must be a non-negative integer/,
    );
    expect(() => opt.update(params, null as never, params)).toThrow(ArgumentError);
  });

  it('rejects bad hyperparameters when built', () => {
    expect(() => sgd({ lr: -1 })).toThrow(
      'sgd(lr=-1): lr must be a finite number >= 0 or a schedule (step) => number, got -1',
    );
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow(/nesterov needs momentum > 0 and dampening = 0/);
    expect(() => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(ArgumentError);
    expect(() => sgd({ lr: Number.NaN })).toThrow(ArgumentError);
    expect(() => adam({ beta1: 1 })).toThrow(
      'adam(lr=0.001, beta1=1): beta1 must be a finite number in [0, 1), got 1',
    );
    expect(() => adam({ beta2: -0.1 })).toThrow(ArgumentError);
    expect(() => adamw({ eps: -1 })).toThrow(ArgumentError);
    expect(() => rmsprop({ alpha: Number.NaN })).toThrow(ArgumentError);
    expect(() => rmsprop({ momentum: -0.5 })).toThrow(ArgumentError);
    expect(() => adam({ weightDecay: -1 })).toThrow(ArgumentError);
  });

  it('names show lr and the options that differ from the defaults', () => {
    expect(sgd({ lr: 0.1, momentum: 0.9, nesterov: true }).name).toBe(
      'sgd(lr=0.1, momentum=0.9, nesterov=true)',
    );
    expect(adam().name).toBe('adam(lr=0.001)');
    expect(adamw({ weightDecay: 0.1 }).name).toBe('adamw(lr=0.001, weightDecay=0.1)');
    expect(rmsprop({ lr: cosineAnnealing({ lr: 1, tMax: 10 }), centered: true }).name).toBe(
      'rmsprop(lr=schedule, centered=true)',
    );
  });

  it('a schedule gives the rate of each update, counted from 0', () => {
    const seen: number[] = [];
    const opt = sgd({
      lr: (step) => {
        seen.push(step);
        return 0.5 ** step;
      },
    });
    let params = { w: f64([0]) };
    let state = opt.init(params);
    for (let i = 0; i < 3; i++) ({ params, state } = opt.update({ w: f64([1]) }, state, params));
    expect(seen).toEqual([0, 1, 2]);
    expect(vals(params.w)[0]).toBeCloseTo(-(1 + 0.5 + 0.25), 14);
    const broken = sgd({ lr: () => Number.NaN });
    expect(() => broken.update({ w: f64([1]) }, broken.init(params), params)).toThrow(
      'sgd(lr=schedule): the lr schedule must return a finite number >= 0, got NaN at step 0',
    );
  });

  it('the state is a pytree that survives a safetensors round trip', () => {
    for (const [, opt] of all) {
      const params = {
        layers: [{ w: array([[1, 2]]).astype('float32') }],
        b: f64([3]),
      };
      const grads = { layers: [{ w: array([[0.5, -1]]).astype('float32') }], b: f64([2]) };
      let state: OptimizerState = opt.init(params);
      ({ state } = opt.update(grads, state, params));
      const restored = loadSafetensors(saveSafetensors(state), { like: state });
      expect(restored.step).toBe(1);
      const a = opt.update(grads, state, params);
      const b = opt.update(grads, restored, params);
      expect(vals(b.params.layers[0].w)).toEqual(vals(a.params.layers[0].w));
      // Without `like`, step comes back as a 0-d array, which update also accepts.
      const loose = loadSafetensors(saveSafetensors(state)) as OptimizerState;
      expect(vals(opt.update(grads, loose, params).params.b)).toEqual(vals(a.params.b));
    }
  });
});
