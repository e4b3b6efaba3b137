/** What every synthetic data set shares: the `{ x, y }` pair, keys, and balanced shuffled labels. */
import type { NDArray } from '@lucid-ts/ndarray';
import { random } from '@lucid-ts/ops';

/** A PRNG key from `random.key(seed)` / `random.split`. */
export type Key = NDArray;

/** Inputs `x` (float32, samples first) and their class indices `y` (int32 `[n]`). */
export interface Dataset {
  x: NDArray;
  y: NDArray;
}

/**
 * `n` labels over `classes` classes, as balanced as possible (counts differ by at most one) and shuffled
 * by `key`: the label sequence `i mod classes` under a random permutation.
 * @example balancedLabels(random.key(0), 8, 4) // e.g. [2, 0, 3, 1, 1, 3, 0, 2]
 */
export function balancedLabels(key: Key, n: number, classes: number): number[] {
  if (n === 0) return [];
  const perm = random.permutation(key, n).data as Int32Array;
  return Array.from(perm, (i) => i % classes);
}
