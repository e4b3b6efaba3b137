/**
 * Each optimizer against a reference written here straight from the algorithm boxes of PyTorch's
 * documentation (torch.optim.SGD / Adam / AdamW / RMSprop), over several steps, in float64.
 */
import { array, type NDArray } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adam, adamw } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

type Vec = number[];
/** One reference step: the gradient g_t at θ_{t-1}, t ≥ 1, returns θ_t (and updates its own state). */
type RefStep = (theta: Vec, g: Vec, t: number) => Vec;

function refSgd(o: {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}): RefStep {
  const b: Vec = [];
  return (theta, grad, t) =>
    theta.map((th, i) => {
      let g = grad[i];
      if (o.weightDecay !== 0) g = g + o.weightDecay * th;
      if (o.momentum !== 0) {
        b[i] = t > 1 ? o.momentum * b[i] + (1 - o.dampening) * g : g;
        g = o.nesterov ? g + o.momentum * b[i] : b[i];
      }
      return th - o.lr * g;
    });
}

function refAdam(
  o: {
    lr: (t: number) => number;
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    amsgrad: boolean;
  },
  decoupled: boolean,
): RefStep {
  const m: Vec = [];
  const v: Vec = [];
  const vmax: Vec = [];
  return (theta, grad, t) =>
    theta.map((th, i) => {
      const lr = o.lr(t - 1);
      let g = grad[i];
      if (decoupled) th = th - lr * o.weightDecay * th;
      else if (o.weightDecay !== 0) g = g + o.weightDecay * th;
      m[i] = o.beta1 * (m[i] ?? 0) + (1 - o.beta1) * g;
      v[i] = o.beta2 * (v[i] ?? 0) + (1 - o.beta2) * g * g;
      const mHat = m[i] / (1 - o.beta1 ** t);
      let vHat: number;
      if (o.amsgrad) {
        vmax[i] = Math.max(vmax[i] ?? 0, v[i]);
        vHat = vmax[i] / (1 - o.beta2 ** t);
      } else {
        vHat = v[i] / (1 - o.beta2 ** t);
      }
      return th - (lr * mHat) / (Math.sqrt(vHat) + o.eps);
    });
}

function refRmsprop(o: {
  lr: number;
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;
}): RefStep {
  const v: Vec = [];
  const gAve: Vec = [];
  const b: Vec = [];
  return (theta, grad) =>
    theta.map((th, i) => {
      let g = grad[i];
      if (o.weightDecay !== 0) g = g + o.weightDecay * th;
      v[i] = o.alpha * (v[i] ?? 0) + (1 - o.alpha) * g * g;
      let vTilde = v[i];
      if (o.centered) {
        gAve[i] = (gAve[i] ?? 0) * o.alpha + (1 - o.alpha) * g;
        vTilde = vTilde - gAve[i] * gAve[i];
      }
      if (o.momentum > 0) {
        b[i] = o.momentum * (b[i] ?? 0) + g / (Math.sqrt(vTilde) + o.eps);
        return th - o.lr * b[i];
      }
      return th - (o.lr * g) / (Math.sqrt(vTilde) + o.eps);
    });
}

const vals = (a: NDArray) => Array.from(a.data.subarray(a.offset, a.offset + a.size));

/** Runs both for `steps` steps with gradients g_t = a ⊙ (θ − c) + noise_t (so they depend on θ). */
function compare(opt: Optimizer, ref: RefStep, p: Problem, rtol = 1e-11): void {
  const grad = (theta: Vec, t: number) => theta.map((th, i) => p.a[i] * (th - p.c[i]) + p.noise[t][i]);
  let refTheta = p.theta.slice();
  let params = { layer: { w: array(p.theta, { dtype: 'float64' }) } };
  let state = opt.init(params);
  for (let t = 1; t <= p.noise.length; t++) {
    const g = grad(vals(params.layer.w), t - 1);
    refTheta = ref(refTheta, grad(refTheta, t - 1), t);
    ({ params, state } = opt.update({ layer: { w: array(g, { dtype: 'float64' }) } }, state, params));
    const got = vals(params.layer.w);
    got.forEach((x, i) => {
      expect(Math.abs(x - refTheta[i])).toBeLessThanOrEqual(rtol * (1 + Math.abs(refTheta[i])));
    });
  }
}

interface Problem {
  theta: Vec;
  a: Vec;
  c: Vec;
  noise: Vec[];
}
const n = 4;
const vec = (min: number, max: number) =>
  fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });
const problem: fc.Arbitrary<Problem> = fc.record({
  theta: vec(-2, 2),
  a: vec(0.1, 3),
  c: vec(-2, 2),
  noise: fc.array(vec(-1, 1), { minLength: 6, maxLength: 6 }),
});
const runs = { seed: 424242, numRuns: 40 };

describe('optimizers match the PyTorch documentation algorithms over 6 steps (float64)', () => {
  it('sgd: momentum, dampening, nesterov, weight decay', () => {
    const opts = fc.record({
      lr: fc.double({ min: 0.001, max: 0.3, noNaN: true }),
      momentum: fc.constantFrom(0, 0.5, 0.9),
      dampening: fc.constantFrom(0, 0.25),
      nesterov: fc.boolean(),
      weightDecay: fc.constantFrom(0, 0.01, 0.3),
    });
    fc.assert(
      fc.property(problem, opts, (p, o) => {
        const cfg = { ...o, nesterov: o.nesterov && o.momentum > 0, dampening: o.nesterov ? 0 : o.dampening };
        compare(sgd(cfg), refSgd(cfg), p);
      }),
      runs,
    );
  });

  for (const decoupled of [false, true]) {
    it(`${decoupled ? 'adamw' : 'adam'}: betas, eps, weight decay, amsgrad, a schedule`, () => {
      const opts = fc.record({
        lr: fc.double({ min: 0.001, max: 0.2, noNaN: true }),
        beta1: fc.constantFrom(0, 0.5, 0.9),
        beta2: fc.constantFrom(0.9, 0.999),
        eps: fc.constantFrom(1e-8, 1e-3),
        weightDecay: fc.constantFrom(0, 0.01, 0.2),
        amsgrad: fc.boolean(),
        scheduled: fc.boolean(),
      });
      fc.assert(
        fc.property(problem, opts, (p, { scheduled, lr, ...o }) => {
          const schedule = (step: number) => (scheduled ? lr / (1 + step) : lr);
          const make = decoupled ? adamw : adam;
          compare(
            make({ ...o, lr: scheduled ? schedule : lr }),
            refAdam({ ...o, lr: schedule }, decoupled),
            p,
          );
        }),
        runs,
      );
    });
  }

  it('rmsprop: alpha, eps, momentum, centered, weight decay', () => {
    const opts = fc.record({
      lr: fc.double({ min: 0.0001, max: 0.05, noNaN: true }),
      alpha: fc.constantFrom(0.9, 0.99),
      eps: fc.constantFrom(1e-8, 1e-2),
      momentum: fc.constantFrom(0, 0.5, 0.9),
      centered: fc.boolean(),
      weightDecay: fc.constantFrom(0, 0.1),
    });
    fc.assert(
      fc.property(problem, opts, (p, o) => compare(rmsprop(o), refRmsprop(o), p, 1e-9)),
      runs,
    );
  });
});

describe('hand-computed steps', () => {
  // f(θ) = θ²/2, so g = θ; θ0 = 1, lr = 0.1, μ = 0.9.
  const steps = (opt: Optimizer, k: number) => {
    let params = { w: array([1], { dtype: 'float64' }) };
    let state = opt.init(params);
    const out: number[] = [];
    for (let i = 0; i < k; i++) {
      ({ params, state } = opt.update(params, state, params));
      out.push(params.w.item());
    }
    return out;
  };

  it('sgd momentum: the buffer starts as the first gradient', () => {
    // b1 = 1, θ1 = 0.9; b2 = 0.9·1 + 0.9 = 1.8, θ2 = 0.9 − 0.18 = 0.72
    const got = steps(sgd({ lr: 0.1, momentum: 0.9 }), 2);
    expect(got[0]).toBeCloseTo(0.9, 15);
    expect(got[1]).toBeCloseTo(0.72, 15);
  });

  it('sgd nesterov', () => {
    // b1 = 1, θ1 = 1 − 0.1·1.9 = 0.81; b2 = 0.9 + 0.81 = 1.71, θ2 = 0.81 − 0.1·(0.81 + 0.9·1.71) = 0.5751
    const got = steps(sgd({ lr: 0.1, momentum: 0.9, nesterov: true }), 2);
    expect(got[0]).toBeCloseTo(0.81, 15);
    expect(got[1]).toBeCloseTo(0.5751, 15);
  });

  it('adam and adamw first step', () => {
    // m̂ = g, v̂ = g²: θ1 = θ0 − lr·g/(|g| + ε); AdamW first shrinks θ0 by (1 − lr·λ).
    expect(steps(adam({ lr: 0.1, eps: 0 }), 1)[0]).toBeCloseTo(0.9, 15);
    expect(steps(adamw({ lr: 0.1, eps: 0, weightDecay: 0.5 }), 1)[0]).toBeCloseTo(0.95 - 0.1, 15);
    // Adam's L2 decay changes g to θ + λθ, which the normalised step does not see in magnitude.
    expect(steps(adam({ lr: 0.1, eps: 0, weightDecay: 0.5 }), 1)[0]).toBeCloseTo(0.9, 15);
  });

  it('rmsprop first step', () => {
    // v = 0.01·g², θ1 = θ0 − lr·g/(0.1|g|) = 1 − 10·lr
    expect(steps(rmsprop({ lr: 0.01, eps: 0 }), 1)[0]).toBeCloseTo(0.9, 14);
    // centered: v − ḡ² = 0.01 − 0.0001 = 0.0099
    expect(steps(rmsprop({ lr: 0.01, eps: 0, centered: true }), 1)[0]).toBeCloseTo(
      1 - 0.01 / Math.sqrt(0.0099),
      14,
    );
  });

  it('float32 params are updated in float32 storage', () => {
    const opt = adam({ lr: 0.1 });
    const params = { w: array([1, 2]).astype('float32') };
    const { params: next, state } = opt.update(params, opt.init(params), params);
    expect(next.w.data).toBeInstanceOf(Float32Array);
    expect((state.expAvg as { w: NDArray }).w.data).toBeInstanceOf(Float32Array);
    const got = vals(next.w);
    expect(got[0]).toBeCloseTo(0.9, 6);
    expect(got[1]).toBeCloseTo(1.9, 6);
  });
});
