import { ArgumentError } from '@lucid-ts/ndarray';
import type { PyTree } from '@lucid-ts/ops';
import {
  checkOption,
  defineOptimizer,
  type LearningRate,
  type Optimizer,
  optimizerName,
} from './optimizer.js';

export interface SgdOptions {
  /** Learning rate γ, or a schedule `(step) => γ`. */
  lr: LearningRate;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum?: number;
  /** Dampening τ of the momentum (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs `momentum > 0` and `dampening = 0`, as PyTorch). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/** SGD state: the update count and, with momentum, one buffer per float param. */
export interface SgdState {
  readonly step: number;
  readonly momentumBuffer: PyTree | null;
  readonly [buffer: string]: PyTree;
}

/**
 * Stochastic gradient descent with momentum, exactly PyTorch's `torch.optim.SGD`:
 *
 * ```
 * g ← ∇θ + λθ
 * b ← g                       on the first update (the buffer starts as the gradient, undampened)
 * b ← μb + (1 − τ)g           afterwards
 * g ← nesterov ? g + μb : b   (when μ ≠ 0)
 * θ ← θ − γg
 * ```
 * @example
 * const opt = sgd({ lr: 0.1, momentum: 0.9 });
 * let state = opt.init(params);
 * ({ params, state } = opt.update(grad(loss)(params), state, params));
 */
export function sgd(options: SgdOptions): Optimizer<SgdState> {
  const {
    lr,
    momentum = 0,
    dampening = 0,
    nesterov = false,
    weightDecay = 0,
  } = options ?? ({} as SgdOptions);
  const name = optimizerName(
    'sgd',
    lr,
    { momentum, dampening, nesterov, weightDecay },
    {
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    },
  );
  checkOption(name, 'momentum', momentum, 0);
  checkOption(name, 'dampening', dampening, 0);
  checkOption(name, 'weightDecay', weightDecay, 0);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new ArgumentError(
      `${name}: nesterov needs momentum > 0 and dampening = 0, got momentum=${momentum}, dampening=${dampening}`,
    );
  }
  return defineOptimizer<SgdState>({
    name,
    lr,
    buffers: ['momentumBuffer'],
    active: momentum !== 0 ? ['momentumBuffer'] : [],
    kernel: ({ n, step, lr, param: p, grad, buffers: [buf], outParam, outBuffers: [outBuf] }) => {
      for (let i = 0; i < n; i++) {
        let g = grad[i] + weightDecay * p[i];
        if (momentum !== 0) {
          const b = step === 0 ? g : momentum * buf[i] + (1 - dampening) * g;
          outBuf[i] = b;
          // The stored (rounded) buffer is what PyTorch uses for the Nesterov look-ahead too.
          g = nesterov ? g + momentum * outBuf[i] : outBuf[i];
        }
        outParam[i] = p[i] - lr * g;
      }
    },
  });
}
