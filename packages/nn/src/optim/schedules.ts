/**
 * Learning-rate schedules: plain functions `(step) => lr`, where `step` counts the updates done so far
 * (0 for the first update, as Optax's `count`). Calling a PyTorch scheduler's `step()` once per optimizer
 * step gives the same rates: PyTorch's `last_epoch` plays the role of `step`.
 */
import { ArgumentError } from '@lucid-ts/ndarray';
import { checkOption, type Schedule } from './optimizer.js';

function checkStep(fn: string, step: number): void {
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
    throw new ArgumentError(`${fn}: step must be a finite number >= 0, got ${String(step)}`);
  }
}

function checkCount(fn: string, option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ArgumentError(`${fn}: ${option} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export interface StepLrOptions {
  /** Initial rate. */
  lr: number;
  /** Steps between decays. */
  stepSize: number;
  /** Multiplicative factor at each decay (default 0.1). */
  gamma?: number;
}

/**
 * `lr · γ^⌊step / stepSize⌋`. PyTorch `StepLR`, Optax `exponential_decay(staircase=True)`.
 * @example stepLr({ lr: 0.1, stepSize: 30 })(30) // 0.01 (up to rounding)
 */
export function stepLr({ lr, stepSize, gamma = 0.1 }: StepLrOptions): Schedule {
  const fn = 'stepLr';
  checkOption(fn, 'lr', lr, 0);
  checkCount(fn, 'stepSize', stepSize, 1);
  checkOption(fn, 'gamma', gamma, 0);
  return (step) => {
    checkStep(fn, step);
    return lr * gamma ** Math.floor(step / stepSize);
  };
}

export interface ExponentialDecayOptions {
  /** Initial rate. */
  lr: number;
  /** Multiplicative factor per step. */
  gamma: number;
}

/**
 * `lr · γ^step`. PyTorch `ExponentialLR`, Optax `exponential_decay(transition_steps=1)`.
 * @example exponentialDecay({ lr: 1, gamma: 0.5 })(3) // 0.125
 */
export function exponentialDecay({ lr, gamma }: ExponentialDecayOptions): Schedule {
  const fn = 'exponentialDecay';
  checkOption(fn, 'lr', lr, 0);
  checkOption(fn, 'gamma', gamma, 0);
  return (step) => {
    checkStep(fn, step);
    return lr * gamma ** step;
  };
}

export interface CosineAnnealingOptions {
  /** Initial (maximum) rate. */
  lr: number;
  /** Steps of the half period, after which the rate reaches `etaMin`. */
  tMax: number;
  /** Minimum rate (default 0). */
  etaMin?: number;
}

/**
 * `etaMin + (lr − etaMin)·(1 + cos(π·step / tMax)) / 2`: PyTorch `CosineAnnealingLR` in closed form
 * (Optax `cosine_decay_schedule` with `alpha = etaMin / lr` for `step ≤ tMax`). Past `tMax` the cosine
 * goes on and the rate climbs back up, as PyTorch's does; Optax instead stays at the minimum
 * (`step => schedule(Math.min(step, tMax))` gives that).
 * @example cosineAnnealing({ lr: 1, tMax: 10 })(5) // 0.5 (up to rounding)
 */
export function cosineAnnealing({ lr, tMax, etaMin = 0 }: CosineAnnealingOptions): Schedule {
  const fn = 'cosineAnnealing';
  checkOption(fn, 'lr', lr, 0);
  checkCount(fn, 'tMax', tMax, 1);
  checkOption(fn, 'etaMin', etaMin, 0);
  return (step) => {
    checkStep(fn, step);
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * step) / tMax))) / 2;
  };
}

export interface LinearWarmupOptions {
  /** The rate reached at the end of the warm-up. */
  lr: number;
  /** Number of warm-up steps. */
  warmupSteps: number;
  /** Rate at step 0 (default 0). */
  startLr?: number;
  /** Schedule for the steps after the warm-up, called with `step − warmupSteps` (default: constant `lr`). */
  after?: Schedule;
}

/**
 * `startLr + (lr − startLr)·step / warmupSteps` for `step < warmupSteps`, then `after(step − warmupSteps)`
 * (or `lr`). Optax `linear_schedule` joined to `after` with `join_schedules`; PyTorch `LinearLR` with
 * `start_factor = startLr / lr` followed by `SequentialLR`. With the default `startLr = 0` the first
 * update has rate 0, as Optax's `warmup_cosine_decay_schedule(init_value=0)`.
 * @example
 * const s = linearWarmup({ lr: 1e-3, warmupSteps: 100, after: cosineAnnealing({ lr: 1e-3, tMax: 900 }) });
 * s(50) // 5e-4
 */
export function linearWarmup({ lr, warmupSteps, startLr = 0, after }: LinearWarmupOptions): Schedule {
  const fn = 'linearWarmup';
  checkOption(fn, 'lr', lr, 0);
  checkCount(fn, 'warmupSteps', warmupSteps, 0);
  checkOption(fn, 'startLr', startLr, 0);
  if (after !== undefined && typeof after !== 'function') {
    throw new ArgumentError(`${fn}: after must be a schedule (step) => number, got ${typeof after}`);
  }
  return (step) => {
    checkStep(fn, step);
    if (step < warmupSteps) return startLr + ((lr - startLr) * step) / warmupSteps;
    return after ? after(step - warmupSteps) : lr;
  };
}
