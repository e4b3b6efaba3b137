/**
 * A primitive is the unit of computation and differentiation: a kernel on concrete arrays and a VJP rule
 * written with public (differentiable) ops, so that every rule can be differentiated again.
 */
import type { NDArray } from '@lucid-ts/ndarray';

/** Marks a primitive that has no derivative: backpropagating a cotangent into it throws. */
export const notDifferentiable: unique symbol = Symbol('notDifferentiable');
export type NotDifferentiable = typeof notDifferentiable;

export interface VjpContext<P> {
  /** The primitive's inputs, one level below the transform that records it (may be outer tracers). */
  readonly inputs: readonly NDArray[];
  /** The primitive's output, at the same level as `inputs`. */
  readonly output: NDArray;
  readonly params: P;
  /**
   * Which inputs need a cotangent (those traced by the transform running the backward pass). A rule may
   * return `null` for the others to skip their work, e.g. the input gradient of a layer fed with data.
   */
  readonly needsGradient: readonly boolean[];
}

/**
 * Maps the output cotangent to one cotangent per input (same shape and dtype as that input), or `null`
 * for "zero / no gradient". Must be written with public ops, never raw loops.
 */
export type VjpRule<P> = (cotangent: NDArray, ctx: VjpContext<P>) => readonly (NDArray | null)[];

export interface Primitive<P = Record<string, never>> {
  readonly name: string;
  /** The forward kernel on concrete arrays; inputs are already checked, same-shaped where required. */
  impl(inputs: readonly NDArray[], params: P): NDArray;
  /** Required: a primitive without a derivative must say `notDifferentiable` explicitly. */
  readonly vjp: VjpRule<P> | NotDifferentiable;
}

/** Identity helper that fixes the params type of a primitive definition. */
export function definePrimitive<P = Record<string, never>>(def: Primitive<P>): Primitive<P> {
  return def;
}
