/** `customVjp`: a function with a hand-written backward rule (JAX `jax.custom_vjp`). */
import { isFloat, type NDArray } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { Tracer, topTrace } from '../core/tracer.js';
import { type ArrayOrScalar, asArray } from '../ops/convert.js';

/**
 * Makes `f` use `bwd` for its derivative. `fwd(...args)` returns `[output, residuals]`; `bwd(residuals,
 * cotangent)` returns one cotangent per argument (or `null`). Outside any transform, `f` runs as is.
 * The custom rule replaces differentiation at the innermost transform that sees the call; outer
 * transforms differentiate through `fwd` and `bwd` themselves, so write both with ops.
 * @example
 * // A gradient clipped to [-1, 1] on the way back:
 * const clipGrad = customVjp((x) => x, (x) => [x, null], (_, g) => [clip(g, -1, 1)]);
 */
export function customVjp<A extends NDArray[], R>(
  f: (...args: A) => NDArray,
  fwd: (...args: A) => [NDArray, R],
  bwd: (residuals: R, cotangent: NDArray) => readonly (NDArray | null)[],
): (...args: { [K in keyof A]: ArrayOrScalar }) => NDArray {
  return (...args) => {
    const xs = args.map((a) => asArray(a)) as A;
    const { top, live } = topTrace(xs);
    if (top === null) return f(...(live as A));
    const lowered = live.map((x) => (x instanceof Tracer && x.trace === top ? x.primal : x)) as A;
    const [output, residuals] = fwd(...lowered);
    if (!isFloat(output.dtype)) return output;
    const prim = definePrimitive({
      name: `customVjp(${f.name || 'anonymous'})`,
      impl: () => output,
      vjp: (ct) => {
        const cts = bwd(residuals, ct);
        if (cts.length !== xs.length) {
          throw new Error(`customVjp: bwd must return ${xs.length} cotangents, got ${cts.length}`);
        }
        return cts;
      },
    });
    const parents = live.map((x) => (x instanceof Tracer && x.trace === top ? x : null));
    return new Tracer(top, output, { prim: prim as never, params: {}, inputs: lowered, output, parents });
  };
}
