import type { PyTree } from '@lucid-ts/ops';
import {
  checkOption,
  defineOptimizer,
  type LearningRate,
  type Optimizer,
  optimizerName,
} from './optimizer.js';

export interface RmspropOptions {
  /** Learning rate γ, or a schedule `(step) => γ` (default 1e-2). */
  lr?: LearningRate;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator after the square root (default 1e-8). */
  eps?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Normalise by the estimated variance instead of the raw second moment (default false). */
  centered?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/** RMSprop state: the update count, the squared-gradient average, and optional mean and momentum buffers. */
export interface RmspropState {
  readonly step: number;
  readonly squareAvg: PyTree;
  readonly gradAvg: PyTree | null;
  readonly momentumBuffer: PyTree | null;
  readonly [buffer: string]: PyTree;
}

/**
 * RMSprop, exactly PyTorch's `torch.optim.RMSprop`:
 *
 * ```
 * g ← ∇θ + λθ
 * v ← αv + (1 − α)g²
 * centered: ḡ ← αḡ + (1 − α)g,  d ← √(v − ḡ²) + ε      else d ← √v + ε
 * momentum: b ← μb + g/d,  θ ← θ − γb                    else θ ← θ − γ·g/d
 * ```
 * All buffers start at zero (unlike SGD's momentum buffer).
 * @example const opt = rmsprop({ lr: 1e-3, momentum: 0.9, centered: true });
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer<RmspropState> {
  const {
    lr = 1e-2,
    alpha = 0.99,
    eps = 1e-8,
    momentum = 0,
    centered = false,
    weightDecay = 0,
  } = options ?? {};
  const name = optimizerName(
    'rmsprop',
    lr,
    { alpha, eps, momentum, centered, weightDecay },
    {
      alpha: 0.99,
      eps: 1e-8,
      momentum: 0,
      centered: false,
      weightDecay: 0,
    },
  );
  checkOption(name, 'alpha', alpha, 0);
  checkOption(name, 'eps', eps, 0);
  checkOption(name, 'momentum', momentum, 0);
  checkOption(name, 'weightDecay', weightDecay, 0);
  const active = ['squareAvg'];
  if (centered) active.push('gradAvg');
  if (momentum > 0) active.push('momentumBuffer');
  return defineOptimizer<RmspropState>({
    name,
    lr,
    buffers: ['squareAvg', 'gradAvg', 'momentumBuffer'],
    active,
    kernel: ({ n, lr, param: p, grad, buffers, outParam, outBuffers }) => {
      const [sq, ...rest] = buffers;
      const [outSq, ...outRest] = outBuffers;
      const [avg, buf] = centered ? rest : [undefined, rest[0]];
      const [outAvg, outBuf] = centered ? outRest : [undefined, outRest[0]];
      for (let i = 0; i < n; i++) {
        const g = grad[i] + weightDecay * p[i];
        outSq[i] = alpha * sq[i] + (1 - alpha) * g * g;
        let d: number;
        if (avg && outAvg) {
          outAvg[i] = alpha * avg[i] + (1 - alpha) * g;
          // Rounding can push v − ḡ² (≥ 0 in exact arithmetic) just below zero; PyTorch would give NaN.
          d = Math.sqrt(Math.max(0, outSq[i] - outAvg[i] * outAvg[i])) + eps;
        } else {
          d = Math.sqrt(outSq[i]) + eps;
        }
        if (buf && outBuf) {
          outBuf[i] = momentum * buf[i] + g / d;
          outParam[i] = p[i] - lr * outBuf[i];
        } else {
          outParam[i] = p[i] - (lr * g) / d;
        }
      }
    },
  });
}
