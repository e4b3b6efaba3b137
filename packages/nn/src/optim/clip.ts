/** Gradient clipping and pytree statistics. */
import { ArgumentError, allocate, isNDArray, NDArray } from '@lucid-ts/ndarray';
import { type PyTree, treeLeaves, treeMap } from '@lucid-ts/ops';
import { elements, isFloatArray } from './tree.js';

/**
 * The L2 norm of all the elements of a tree together, `√(Σ x²)` over every array leaf (and number
 * leaf), accumulated in float64. PyTorch `torch.nn.utils.get_total_norm`, Optax `global_norm`.
 * @example globalNorm({ a: array([3]), b: array([4]) }) // 5
 */
export function globalNorm(tree: PyTree): number {
  let total = 0;
  // Scaling by the largest magnitude keeps Σx² from overflowing (float64 or float32 values near 1e154+).
  let scale = 0;
  const values: ArrayLike<number>[] = [];
  for (const leaf of treeLeaves(tree)) {
    const v = isNDArray(leaf) ? elements(leaf) : [Number(leaf)];
    values.push(v);
    for (let i = 0; i < v.length; i++) {
      const a = Math.abs(v[i]);
      if (a > scale || Number.isNaN(a)) scale = a;
    }
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i] / scale;
      total += x * x;
    }
  }
  return scale * Math.sqrt(total);
}

/**
 * Rescales gradients so that their global L2 norm is at most `maxNorm`: every float leaf is multiplied
 * by `min(1, maxNorm / (norm + 1e-6))`, exactly PyTorch's `torch.nn.utils.clip_grad_norm_` (pure: new
 * arrays, dtypes kept; integer and bool leaves pass through). Returns the norm before clipping. A
 * non-finite norm makes the gradients NaN, as in PyTorch, so check `norm` to skip such a step.
 * @example
 * const { grads: clipped, norm } = clipGradNorm(grads, 1.0);
 */
export function clipGradNorm<T extends PyTree>(grads: T, maxNorm: number): { grads: T; norm: number } {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ArgumentError(`clipGradNorm: maxNorm must be a number >= 0, got ${String(maxNorm)}`);
  }
  const norm = globalNorm(grads);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  if (coef === 1) return { grads, norm };
  const scaled = treeMap((g) => {
    if (!isFloatArray(g)) return g;
    const x = elements(g);
    const out = allocate(g.dtype, g.size);
    for (let i = 0; i < out.length; i++) out[i] = x[i] * coef;
    return new NDArray(out, g.shape);
  }, grads);
  return { grads: scaled, norm };
}

/**
 * The number of scalars in a tree: the sizes of its array leaves plus one per number or boolean leaf.
 * PyTorch `sum(p.numel() for p in model.parameters())`.
 * @example countParams({ weight: zeros([4, 3]), bias: zeros([4]) }) // 16
 */
export function countParams(tree: PyTree): number {
  let n = 0;
  for (const leaf of treeLeaves(tree)) n += isNDArray(leaf) ? leaf.size : 1;
  return n;
}
