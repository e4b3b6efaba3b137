/**
 * Tracing. Inside a transform, inputs are wrapped in `Tracer`s that belong to that transform's `Trace`
 * (its level). Every primitive application goes through `bind`, which finds the highest live level among
 * the inputs, evaluates the primitive one level down (so outer transforms see it too), and records a node
 * for the backward pass. Levels keep nested transforms from confusing their perturbations.
 *
 * A Tracer *is* an NDArray: it carries the concrete value of the computation (evaluation is eager), so
 * shapes, printing and reads work inside transforms. Its view methods route to the differentiable ops.
 */
import { ArgumentError, isFloat, NDArray } from '@lucid-ts/ndarray';
import type { Primitive } from './primitive.js';

export class Trace {
  active = true;
  constructor(readonly level: number) {}
}

const stack: Trace[] = [];

/** Opens a new transform level. Always pair with {@link endTrace} (in a `finally`). */
export function newTrace(): Trace {
  const t = new Trace(stack.length);
  stack.push(t);
  return t;
}

export function endTrace(t: Trace): void {
  if (stack.at(-1) !== t) throw new Error('internal: transform levels ended out of order');
  stack.pop();
  t.active = false;
}

export interface Node {
  readonly prim: Primitive<unknown>;
  readonly params: unknown;
  /** Inputs one level down: what the VJP rule sees. */
  readonly inputs: readonly NDArray[];
  readonly output: NDArray;
  /** For each input, the tracer of this level it came from (null for constants of this level). */
  readonly parents: readonly (Tracer | null)[];
}

let nextId = 0;

/** The differentiable ops that a Tracer's view methods delegate to; registered by the ops modules. */
export interface TracerViewOps {
  reshape(x: NDArray, shape: readonly number[]): NDArray;
  permute(x: NDArray, axes: readonly number[]): NDArray;
  broadcastTo(x: NDArray, shape: readonly number[]): NDArray;
  astype(x: NDArray, dtype: NDArray['dtype']): NDArray;
  sliceView(x: NDArray, specs: Parameters<NDArray['slice']>): NDArray;
  flip(x: NDArray, axis?: number | readonly number[] | null): NDArray;
}
let viewOps: Partial<TracerViewOps> = {};
export function registerTracerViewOps(ops: Partial<TracerViewOps>): void {
  viewOps = { ...viewOps, ...ops };
}
function viewOp<K extends keyof TracerViewOps>(name: K): TracerViewOps[K] {
  const op = viewOps[name];
  if (!op) throw new ArgumentError(`${name}: not available on a traced array; import it from @lucid-ts/ops`);
  return op;
}

export class Tracer extends NDArray {
  /** Creation order: a reverse topological order for the backward pass. */
  readonly id = nextId++;

  constructor(
    readonly trace: Trace,
    /** The value one level down (an NDArray, or a tracer of an outer transform). */
    readonly primal: NDArray,
    readonly node: Node | null,
  ) {
    const bottom = primal instanceof Tracer ? primal.concrete : primal;
    super(bottom.data, bottom.shape, bottom.strides, bottom.offset);
  }

  /** The concrete array at the bottom of the tracer chain. */
  get concrete(): NDArray {
    let x: NDArray = this.primal;
    while (x instanceof Tracer) x = x.primal;
    return x;
  }

  override reshape(...args: (number | readonly number[])[]): NDArray {
    const shape = args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
    return viewOp('reshape')(this, shape);
  }
  override permute(...args: (number | readonly number[])[]): NDArray {
    const axes = args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
    return viewOp('permute')(this, axes);
  }
  override transpose(axis1?: number, axis2?: number): NDArray {
    const n = this.ndim;
    const axes = this.shape.map((_, i) => i);
    if (axis1 === undefined && axis2 === undefined) axes.reverse();
    else if (axis1 !== undefined && axis2 !== undefined) {
      const a = axis1 < 0 ? axis1 + n : axis1;
      const b = axis2 < 0 ? axis2 + n : axis2;
      [axes[a], axes[b]] = [b, a];
    } else throw new ArgumentError(`transpose: give no axis or two axes, got ${axis1} and ${axis2}`);
    return viewOp('permute')(this, axes);
  }
  override slice(...specs: Parameters<NDArray['slice']>): NDArray {
    return viewOp('sliceView')(this, specs);
  }
  override broadcastTo(shape: readonly number[]): NDArray {
    return viewOp('broadcastTo')(this, shape);
  }
  override expandDims(axis: number): NDArray {
    const shape = this.shape.slice();
    const ax = axis < 0 ? axis + this.ndim + 1 : axis;
    if (!Number.isInteger(ax) || ax < 0 || ax > this.ndim) {
      throw new ArgumentError(
        `expandDims: axis must be an integer in [${-this.ndim - 1}, ${this.ndim}], got ${axis}`,
      );
    }
    shape.splice(ax, 0, 1);
    return viewOp('reshape')(this, shape);
  }
  override squeeze(axis?: number | readonly number[] | null): NDArray {
    return viewOp('reshape')(this, super.squeeze(axis).shape);
  }
  override flip(axis?: number | readonly number[] | null): NDArray {
    return viewOp('flip')(this, axis);
  }
  override astype(dtype: NDArray['dtype']): NDArray {
    return viewOp('astype')(this, dtype);
  }
  /** Traced values are immutable, so a contiguous copy is not needed to keep them safe. */
  override contiguous(): NDArray {
    return this;
  }
  override copy(): NDArray {
    return this;
  }
  override set(): void {
    throw new ArgumentError('set: a traced array cannot be modified in place; build a new array with ops');
  }
  override diagonal(): NDArray {
    throw new ArgumentError('diagonal: not differentiable on a traced array');
  }
  override asStrided(): NDArray {
    throw new ArgumentError('asStrided: not differentiable on a traced array');
  }
  override toString(): string {
    return `Traced<level ${this.trace.level}>(${this.concrete.toString()})`;
  }
}

/** Strips tracers whose transform has ended: what remains is live or concrete. */
function stripDead(x: NDArray): NDArray {
  while (x instanceof Tracer && !x.trace.active) x = x.primal;
  return x;
}

/** The concrete array under any number of tracer levels. */
export function concreteOf(x: NDArray): NDArray {
  return x instanceof Tracer ? x.concrete : x;
}

/** The highest live transform among `inputs` (null if none), and the inputs with dead tracers stripped. */
export function topTrace(inputs: readonly NDArray[]): { top: Trace | null; live: NDArray[] } {
  let top: Trace | null = null;
  const live = inputs.map(stripDead);
  for (const x of live) if (x instanceof Tracer && (top === null || x.trace.level > top.level)) top = x.trace;
  return { top, live };
}

/**
 * Applies a primitive: directly on concrete inputs, or, when some input is traced by a live transform,
 * through the highest such transform (recursively, so every level records it).
 */
export function bind<P>(prim: Primitive<P>, inputs: readonly NDArray[], params: P): NDArray {
  const { top, live } = topTrace(inputs);
  if (top === null) return prim.impl(live, params);
  const lowered = live.map((x) => (x instanceof Tracer && x.trace === top ? x.primal : x));
  const output = bind(prim, lowered, params);
  if (!isFloat(output.dtype)) return output; // integer and bool results carry no gradient
  const parents = live.map((x) => (x instanceof Tracer && x.trace === top ? x : null));
  return new Tracer(top, output, {
    prim: prim as Primitive<unknown>,
    params,
    inputs: lowered,
    output,
    parents,
  });
}
