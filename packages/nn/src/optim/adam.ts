import type { PyTree } from '@lucid-ts/ops';
import {
  checkOption,
  defineOptimizer,
  type LeafUpdate,
  type LearningRate,
  type Optimizer,
  optimizerName,
} from './optimizer.js';

export interface AdamOptions {
  /** Learning rate γ, or a schedule `(step) => γ` (default 1e-3). */
  lr?: LearningRate;
  /** Decay β1 of the first-moment average (default 0.9). */
  beta1?: number;
  /** Decay β2 of the second-moment average (default 0.999). */
  beta2?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty λ added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad?: boolean;
}

/** Adam/AdamW state: the update count, the moment averages and (with AMSGrad) their running maximum. */
export interface AdamState {
  readonly step: number;
  readonly expAvg: PyTree;
  readonly expAvgSq: PyTree;
  readonly maxExpAvgSq: PyTree | null;
  readonly [buffer: string]: PyTree;
}

const DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false };

/**
 * Adam, exactly PyTorch's `torch.optim.Adam` (with `t` = step + 1):
 *
 * ```
 * g ← ∇θ + λθ
 * m ← β1·m + (1 − β1)·g        v ← β2·v + (1 − β2)·g²        (AMSGrad: v̄ ← max(v̄, v), used for v below)
 * θ ← θ − γ/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * ```
 * @example
 * const opt = adam({ lr: 1e-3 });
 * let state = opt.init(params);
 * ({ params, state } = opt.update(grad(loss)(params), state, params));
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily('adam', options, 0, false);
}

/**
 * AdamW, exactly PyTorch's `torch.optim.AdamW`: the decay is decoupled from the gradient and applied
 * before the Adam step, `θ ← θ − γλθ`, then Adam without L2 term. `weightDecay` defaults to 1e-2.
 * @example const opt = adamw({ lr: 3e-4, weightDecay: 0.1 });
 */
export function adamw(options: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily('adamw', options, 1e-2, true);
}

function adamFamily(
  fn: string,
  options: AdamOptions,
  wdDefault: number,
  decoupled: boolean,
): Optimizer<AdamState> {
  const {
    lr = 1e-3,
    beta1 = 0.9,
    beta2 = 0.999,
    eps = 1e-8,
    weightDecay = wdDefault,
    amsgrad = false,
  } = options ?? {};
  const name = optimizerName(
    fn,
    lr,
    { beta1, beta2, eps, weightDecay, amsgrad },
    {
      ...DEFAULTS,
      weightDecay: wdDefault,
    },
  );
  checkOption(name, 'beta1', beta1, 0, 1, true);
  checkOption(name, 'beta2', beta2, 0, 1, true);
  checkOption(name, 'eps', eps, 0);
  checkOption(name, 'weightDecay', weightDecay, 0);
  return defineOptimizer<AdamState>({
    name,
    lr,
    buffers: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
    active: amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'],
    kernel: (u: LeafUpdate) => {
      const { n, lr, param: p, grad, buffers, outParam, outBuffers } = u;
      const [m, v, vmax] = buffers;
      const [outM, outV, outVmax] = outBuffers;
      const t = u.step + 1;
      const stepSize = lr / (1 - beta1 ** t);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
      const l2 = decoupled ? 0 : weightDecay;
      const shrink = decoupled ? 1 - lr * weightDecay : 1;
      for (let i = 0; i < n; i++) {
        const g = grad[i] + l2 * p[i];
        outM[i] = beta1 * m[i] + (1 - beta1) * g;
        outV[i] = beta2 * v[i] + (1 - beta2) * g * g;
        let second = outV[i];
        if (amsgrad) second = outVmax[i] = Math.max(vmax[i], outV[i]);
        outParam[i] = p[i] * shrink - (stepSize * outM[i]) / (Math.sqrt(second) / bc2Sqrt + eps);
      }
    },
  });
}
