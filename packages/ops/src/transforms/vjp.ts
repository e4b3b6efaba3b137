/**
 * Reverse mode. `vjp` traces `f` at a new level, then walks the recorded nodes in reverse creation order
 * (a valid reverse topological order), applying each primitive's VJP rule. The rules use public ops, so
 * when `vjp` runs inside another transform the backward pass is itself traced: `grad(grad(f))` works.
 */
import {
  ArgumentError,
  type DType,
  fmtShape,
  isFloat,
  type NDArray,
  shapesEqual,
  zeros,
} from '@lucid-ts/ndarray';
import { NotDifferentiableError } from '../core/errors.js';
import { notDifferentiable } from '../core/primitive.js';
import { endTrace, newTrace, type Trace, Tracer } from '../core/tracer.js';
import { type Leaf, type PyTree, treeFlatten, treeMap } from '../core/tree.js';
import { add } from '../ops/arith.js';
import { broadcastTo } from '../ops/broadcast.js';
import { asArray, scalar } from '../ops/convert.js';

/** Result of tracing `f` at a new level: its output and its inputs as the tracers `f` saw. */
export interface Traced<Out> {
  out: Out;
  trace: Trace;
  inputs: PyTree[];
}

/** Wraps the float leaves of the selected arguments in tracers of a new level and runs `f`. */
export function traceCall<Out>(
  f: (...args: PyTree[]) => Out,
  args: readonly PyTree[],
  diff: readonly boolean[],
): Traced<Out> {
  const trace = newTrace();
  try {
    const inputs = args.map((a, i) =>
      diff[i]
        ? treeMap((leaf) => {
            if (typeof leaf === 'boolean') return leaf;
            const x = typeof leaf === 'number' ? scalar(leaf, 'float32') : leaf;
            return isFloat(x.dtype) ? new Tracer(trace, x, null) : x;
          }, a)
        : a,
    );
    const out = f(...inputs);
    return { out, trace, inputs };
  } finally {
    endTrace(trace);
  }
}

/** Replaces the tracers of `trace` in a tree by their values one level down. */
export function untrace<T>(tree: T, trace: Trace): T {
  return treeMap(
    (leaf) => (leaf instanceof Tracer && leaf.trace === trace ? leaf.primal : leaf),
    tree as PyTree,
  ) as T;
}

/**
 * Runs the backward pass of `trace` from `roots` (output tracer, its cotangent). Returns the accumulated
 * cotangent of every tracer reached; input tracers keep theirs, intermediate ones are dropped once used.
 */
export function backward(roots: readonly (readonly [Tracer, NDArray])[]): Map<Tracer, NDArray> {
  const cts = new Map<Tracer, NDArray>();
  const accumulate = (t: Tracer, g: NDArray) => {
    const prev = cts.get(t);
    cts.set(t, prev ? add(prev, g) : g);
  };
  for (const [t, ct] of roots) accumulate(t, ct);
  const seen = new Set<Tracer>();
  const order: Tracer[] = [];
  const stack = roots.map(([t]) => t);
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    order.push(t);
    for (const p of t.node?.parents ?? []) if (p && !seen.has(p)) stack.push(p);
  }
  order.sort((a, b) => b.id - a.id);
  for (const t of order) {
    const node = t.node;
    const ct = cts.get(t);
    if (!node || !ct) continue;
    cts.delete(t);
    if (!node.parents.some((p) => p !== null)) continue;
    const rule = node.prim.vjp;
    if (rule === notDifferentiable) {
      throw new NotDifferentiableError(
        `${node.prim.name}: has no derivative, but a gradient flows through it (inputs ${node.inputs.map((x) => fmtShape(x.shape)).join(', ')})`,
      );
    }
    const grads = rule(ct, {
      inputs: node.inputs,
      output: node.output,
      params: node.params,
      needsGradient: node.parents.map((q) => q !== null),
    });
    node.parents.forEach((p, i) => {
      const g = grads[i];
      if (!p || !g) return;
      if (!shapesEqual(g.shape, p.shape) || g.dtype !== p.dtype) {
        throw new Error(
          `internal: ${node.prim.name} vjp gave input ${i} a cotangent ${g.dtype}${fmtShape(g.shape)}, expected ${p.dtype}${fmtShape(p.shape)}`,
        );
      }
      accumulate(p, g);
    });
  }
  return cts;
}

/** A cotangent leaf as an array of the output leaf's shape and dtype. */
function cotangentLeaf(ct: unknown, out: NDArray, where: string): NDArray {
  const c = asArray(ct as Leaf, out.dtype);
  if (shapesEqual(c.shape, out.shape)) return c;
  if (c.ndim === 0) return broadcastTo(c, out.shape);
  throw new ArgumentError(
    `vjp: cotangent ${where} must have shape ${fmtShape(out.shape)}, got ${fmtShape(c.shape)}`,
  );
}

/** The gradient of a (possibly traced) input leaf from the backward pass, zeros where none arrived. */
export function gradLeaf(leaf: Leaf, cts: Map<Tracer, NDArray>): NDArray {
  if (leaf instanceof Tracer) return cts.get(leaf) ?? zeros(leaf.shape, { dtype: leaf.dtype });
  const x = asArray(leaf);
  return zeros(x.shape, { dtype: x.dtype as DType });
}

/**
 * Reverse-mode derivative: returns `f(...primals)` and a function mapping an output cotangent (a pytree
 * like the output) to the cotangents of every primal (a tuple of pytrees like the primals). JAX `jax.vjp`.
 * Integer and bool leaves are not differentiated (their cotangents are zeros).
 * @example
 * const [y, pullback] = vjp((x) => mul(x, x), array([1, 2, 3]));
 * const [dx] = pullback(onesLike(y)); // [2, 4, 6]
 */
export function vjp<Args extends PyTree[], Out extends PyTree>(
  f: (...args: Args) => Out,
  ...primals: Args
): [Out, (cotangent: Out) => Args] {
  const { out, trace, inputs } = traceCall(
    f as unknown as (...a: PyTree[]) => Out,
    primals,
    primals.map(() => true),
  );
  const [outLeaves, outDef] = treeFlatten(out);
  const pullback = (cotangent: Out): Args => {
    const [ctLeaves, ctDef] = treeFlatten(cotangent);
    if (ctLeaves.length !== outLeaves.length || JSON.stringify(ctDef) !== JSON.stringify(outDef)) {
      throw new ArgumentError('vjp: cotangent must have the structure of the output of f');
    }
    const roots: [Tracer, NDArray][] = [];
    outLeaves.forEach((leaf, i) => {
      if (leaf instanceof Tracer && leaf.trace === trace)
        roots.push([leaf, cotangentLeaf(ctLeaves[i], leaf, `leaf ${i}`)]);
    });
    const cts = backward(roots);
    return inputs.map((tree) => treeMap((leaf) => gradLeaf(leaf, cts), tree)) as Args;
  };
  return [untrace(out, trace), pullback];
}
