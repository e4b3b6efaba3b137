/**
 * `checkGrads`: compares reverse and forward mode with central finite differences along random
 * directions, as JAX's `jax.test_util.check_grads`. For users and for our own property tests.
 */
import { ArgumentError, isFloat, map, type NDArray, zip } from '@lucid-ts/ndarray';
import { type Leaf, type PyTree, treeFlatten, treeMap } from '../core/tree.js';
import { asArray } from '../ops/convert.js';
import { jvp } from './jvp.js';
import { vjp } from './vjp.js';

export interface CheckGradsOptions {
  /** 1 checks first derivatives; 2 also checks the derivatives of the VJP (second order). */
  order?: 1 | 2;
  /** Finite-difference step (default 1e-6 in float64, 1e-3 in float32). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Seed of the random directions. */
  seed?: number;
}

/** A small deterministic generator: the check must not depend on the random module it may be testing. */
function normals(seed: number): () => number {
  let s = (seed >>> 0) + 0x9e3779b9;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const isFloatLeaf = (l: Leaf) => typeof l === 'number' || (typeof l !== 'boolean' && isFloat(l.dtype));

function randomLike(tree: PyTree, next: () => number): PyTree {
  return treeMap((l) => (isFloatLeaf(l) ? map(asArray(l), () => next()) : l), tree);
}

/** Σ over float leaves of <a, b>. */
function vdot(a: PyTree, b: PyTree): number {
  const [la] = treeFlatten(a);
  const [lb] = treeFlatten(b);
  let s = 0;
  la.forEach((x, i) => {
    if (!isFloatLeaf(x)) return;
    const prod = zip(asArray(x, 'float64'), asArray(lb[i], 'float64'), (p, q) => p * q);
    for (let k = 0; k < prod.size; k++) s += prod.data[k];
  });
  return s;
}

function axpy(x: PyTree, alpha: number, v: PyTree): PyTree {
  return treeMap((l, d) => (isFloatLeaf(l) ? zip(asArray(l), asArray(d), (p, q) => p + alpha * q) : l), x, v);
}

function close(what: string, actual: PyTree, expected: PyTree, rtol: number, atol: number): void {
  const [la] = treeFlatten(actual);
  const [le] = treeFlatten(expected);
  la.forEach((a, i) => {
    if (!isFloatLeaf(a)) return;
    // Copies: results may be strided views, and the loop below reads `data` in row-major order.
    const x = asArray(a, 'float64').copy();
    const y = asArray(le[i], 'float64').copy();
    for (let k = 0; k < x.size; k++) {
      const p = x.data[k];
      const q = y.data[k];
      if (!(Math.abs(p - q) <= atol + rtol * Math.abs(q))) {
        throw new ArgumentError(
          `checkGrads: ${what} differs at leaf ${i}, element ${k}: got ${p}, expected ${q}`,
        );
      }
    }
  });
}

/**
 * Throws (with the leaf, element and both values) unless `f`'s VJP and JVP agree with central finite
 * differences in random directions; `order: 2` checks the VJP's own derivatives too. Use float64 inputs
 * for tight checks.
 * @example checkGrads((x) => sum(tanh(x)), [array([0.5, -1], { dtype: 'float64' })], { order: 2 })
 */
export function checkGrads(
  f: (...args: never[]) => PyTree,
  args: readonly PyTree[],
  options: CheckGradsOptions = {},
): void {
  const f64 = treeFlatten(args as PyTree)[0].every((l) => !(typeof l === 'object' && l.dtype === 'float32'));
  const eps = options.eps ?? (f64 ? 1e-6 : 1e-3);
  const rtol = options.rtol ?? (f64 ? 1e-5 : 2e-2);
  const atol = options.atol ?? (f64 ? 1e-5 : 2e-2);
  const next = normals(options.seed ?? 0);
  const fn = f as (...a: PyTree[]) => PyTree;
  const tangents = args.map((a) => randomLike(a, next));
  const plus = fn(...args.map((a, i) => axpy(a, eps, tangents[i])));
  const minus = fn(...args.map((a, i) => axpy(a, -eps, tangents[i])));
  const numeric = treeMap(
    (p, m) => zip(asArray(p, 'float64'), asArray(m, 'float64'), (x, y) => (x - y) / (2 * eps)),
    plus,
    minus,
  );
  // Forward mode against finite differences.
  const [, tOut] = jvp(fn, [...args], tangents);
  close('jvp', tOut, numeric, rtol, atol);
  // Reverse mode: <u, J t> computed both ways.
  const [out, pullback] = vjp(fn, ...args);
  const u = randomLike(out, next);
  const cts = pullback(u);
  const lhs = vdot(u, numeric);
  const rhs = cts.reduce<number>((s, c, i) => s + vdot(c, tangents[i]), 0);
  if (!(Math.abs(lhs - rhs) <= atol + rtol * Math.abs(lhs))) {
    throw new ArgumentError(
      `checkGrads: vjp differs: <u, J t> is ${lhs} by finite differences, ${rhs} by vjp`,
    );
  }
  if ((options.order ?? 1) >= 2) {
    const pullbackOf = (...xs: PyTree[]) => vjp(fn, ...xs)[1](u as never) as PyTree;
    checkGrads(pullbackOf as never, args, { ...options, order: 1, seed: (options.seed ?? 0) + 1 });
  }
}

export type { NDArray };
