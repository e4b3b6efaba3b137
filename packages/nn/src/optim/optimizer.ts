/**
 * The pure-optimizer protocol and the driver the optimizers share. An optimizer's state is a pytree
 * `{ step, <buffer>: tree | null, ... }` whose buffer trees mirror params (`null` where a param is not a
 * float array), so it can be saved with `saveSafetensors` like the params themselves.
 *
 * Updates are computed leaf by leaf with plain typed-array loops in float64 arithmetic, each result
 * rounded to the param's dtype when stored: optimizer steps are not differentiated, and this is several
 * times faster than a chain of ops. Nothing is written into the inputs.
 */
import { ArgumentError, allocate, DTypeError, isNDArray, NDArray, type TypedArray } from '@lucid-ts/ndarray';
import { type PyTree, treeFlatten, treeMap, treeUnflatten } from '@lucid-ts/ops';
import { checkSameShape, elements, isFloatArray, leafPaths, leavesAlong, showPath } from './tree.js';

/** A learning-rate schedule: the rate for update number `step` (0 for the first update). */
export type Schedule = (step: number) => number;

/** A constant learning rate or a {@link Schedule}. */
export type LearningRate = number | Schedule;

/** What every optimizer's state has: the number of updates done so far. */
export interface OptimizerState {
  readonly step: number;
  readonly [buffer: string]: PyTree;
}

/**
 * A pure optimizer: `init(params)` makes the state, `update(grads, state, params)` returns the new params
 * and state and changes nothing it was given. Grads must have the structure and shapes of params; a `null`
 * grad leaves its param (and buffers) untouched, as PyTorch skips params whose `.grad` is `None`.
 */
export interface Optimizer<S extends OptimizerState = OptimizerState> {
  /** Readable config, used in error messages: `adam(lr=0.001)`. */
  readonly name: string;
  init(params: PyTree): S;
  update<P extends PyTree>(grads: PyTree, state: S, params: P): { params: P; state: S };
}

/** What a kernel sees for one param: `n` elements, inputs read-only, outputs to fill. */
export interface LeafUpdate {
  n: number;
  /** Update number, 0 for the first (PyTorch's `step` is `t = step + 1`). */
  step: number;
  lr: number;
  param: TypedArray;
  grad: TypedArray;
  buffers: TypedArray[];
  outParam: TypedArray;
  outBuffers: TypedArray[];
}

export interface OptimizerSpec {
  name: string;
  /** Every buffer name the state has, in order. */
  buffers: readonly string[];
  /** The buffers this configuration uses (the others stay `null`). */
  active: readonly string[];
  lr: LearningRate;
  kernel: (u: LeafUpdate) => void;
}

/**
 * Builds an optimizer from its buffers and its per-leaf kernel (how `sgd`, `adam` and `rmsprop` are made):
 * the driver checks grads and state against params, skips `null` grads and non-float leaves, evaluates
 * the learning rate, and rebuilds the trees; the kernel only fills `outParam` and `outBuffers`.
 * @example
 * // signSGD, θ ← θ − γ·sign(g): no buffers
 * const signSgd = (lr: number) =>
 *   defineOptimizer({ name: `signSgd(lr=${lr})`, lr, buffers: [], active: [], kernel: ({ n, lr, param, grad, outParam }) => {
 *     for (let i = 0; i < n; i++) outParam[i] = param[i] - lr * Math.sign(grad[i]);
 *   } });
 */
export function defineOptimizer<S extends OptimizerState>(spec: OptimizerSpec): Optimizer<S> {
  const { name, buffers, active, kernel } = spec;
  checkLr(name, spec.lr);
  const zeros = (params: PyTree): PyTree =>
    treeMap((p) => (isFloatArray(p) ? new NDArray(allocate(p.dtype, p.size), p.shape) : null), params);
  return {
    name,
    init(params) {
      const state: Record<string, PyTree> = { step: 0 };
      for (const b of buffers) state[b] = active.includes(b) ? zeros(params) : null;
      return state as S;
    },
    update(grads, state, params) {
      if (typeof state !== 'object' || state === null) {
        throw new ArgumentError(
          `${name}: state must be the object made by init(params), got ${String(state)}`,
        );
      }
      const [pLeaves, def] = treeFlatten(params);
      const paths = leafPaths(params).map((l) => l.path);
      const gLeaves = leavesAlong(name, 'grads', def, grads);
      const bLeaves = active.map((b) => leavesAlong(name, `state.${b}`, def, state[b]));
      const step = readStep(name, state.step);
      const lr = lrAt(name, spec.lr, step);
      const newParams: unknown[] = [];
      const newBuffers: unknown[][] = active.map(() => []);
      pLeaves.forEach((p, i) => {
        const g = gLeaves[i];
        if (!isFloatArray(p) || g === null) {
          newParams.push(p);
          for (let k = 0; k < bLeaves.length; k++) newBuffers[k].push(bLeaves[k][i]);
          return;
        }
        if (!isNDArray(g)) {
          throw new ArgumentError(
            `${name}: grad at ${showPath(paths[i])} must be an NDArray, got ${typeof g}`,
          );
        }
        if (g.dtype === 'bool') {
          throw new DTypeError(`${name}: grad at ${showPath(paths[i])} must be numeric, got bool`);
        }
        checkSameShape(name, 'grad', paths[i], g, p.shape);
        const bufs = bLeaves.map((bl, k) => {
          const b = bl[i];
          if (!isFloatArray(b)) {
            throw new ArgumentError(
              `${name}: state.${active[k]} at ${showPath(paths[i])} must be a float array, got ${isNDArray(b) ? b.dtype : String(b)}`,
            );
          }
          checkSameShape(name, `state.${active[k]}`, paths[i], b, p.shape);
          return b;
        });
        const outParam = allocate(p.dtype, p.size);
        const outBuffers = bufs.map((b) => allocate(b.dtype, b.size));
        kernel({
          n: p.size,
          step,
          lr,
          param: elements(p),
          grad: elements(g),
          buffers: bufs.map(elements),
          outParam,
          outBuffers,
        });
        newParams.push(new NDArray(outParam, p.shape));
        for (let k = 0; k < outBuffers.length; k++) newBuffers[k].push(new NDArray(outBuffers[k], p.shape));
      });
      const next: Record<string, PyTree> = { ...state, step: step + 1 };
      active.forEach((b, k) => {
        next[b] = treeUnflatten(def, newBuffers[k]);
      });
      return { params: treeUnflatten(def, newParams), state: next as S };
    },
  };
}

/** The step count, also from a state loaded without a `like` tree (where it is a 0-d array). */
function readStep(name: string, step: unknown): number {
  const s = isNDArray(step) && step.size === 1 ? step.data[step.offset] : step;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) {
    throw new ArgumentError(`${name}: state.step must be a non-negative integer, got ${String(step)}`);
  }
  return s;
}

function checkLr(name: string, lr: unknown): void {
  if (typeof lr === 'function') return;
  if (typeof lr !== 'number' || !(lr >= 0) || !Number.isFinite(lr)) {
    throw new ArgumentError(
      `${name}: lr must be a finite number >= 0 or a schedule (step) => number, got ${String(lr)}`,
    );
  }
}

function lrAt(name: string, lr: LearningRate, step: number): number {
  if (typeof lr === 'number') return lr;
  const v = lr(step);
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
    throw new ArgumentError(
      `${name}: the lr schedule must return a finite number >= 0, got ${String(v)} at step ${step}`,
    );
  }
  return v;
}

/** Throws an `ArgumentError` unless `value` is a finite number in `[lo, hi]` (or `[lo, hi)`). */
export function checkOption(
  fn: string,
  option: string,
  value: unknown,
  lo: number,
  hi = Number.POSITIVE_INFINITY,
  hiOpen = false,
): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && value >= lo && (hiOpen ? value < hi : value <= hi);
  if (!ok) {
    const range = hi === Number.POSITIVE_INFINITY ? `>= ${lo}` : `in [${lo}, ${hi}${hiOpen ? ')' : ']'}`;
    throw new ArgumentError(`${fn}: ${option} must be a finite number ${range}, got ${String(value)}`);
  }
  return value as number;
}

/**
 * `name(k=v, ...)` showing `lr` and the options that differ from their defaults.
 * @example optimizerName('sgd', { lr: 0.1, momentum: 0.9 }, { momentum: 0 }) // 'sgd(lr=0.1, momentum=0.9)'
 */
export function optimizerName(
  fn: string,
  lr: LearningRate,
  options: Record<string, number | boolean>,
  defaults: Record<string, number | boolean>,
): string {
  const parts = [`lr=${typeof lr === 'function' ? 'schedule' : lr}`];
  for (const [k, v] of Object.entries(options)) if (v !== defaults[k]) parts.push(`${k}=${v}`);
  return `${fn}(${parts.join(', ')})`;
}
