/**
 * The one strided loop every kernel is built on. It coalesces the operands' dimensions (see
 * {@link coalesce}), then hands the innermost run to a callback that walks it with plain pointer
 * arithmetic, so the callback's tight loop is where the time goes, as in NumPy's ufunc inner loops.
 */
import { coalesce } from './layout.js';
import { shapeSize } from './shape.js';

export interface StridedOperand {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Calls `inner(count, offsets, strides)` once per innermost run of `shape`: the run has `count` elements,
 * operand `k` starts at `offsets[k]` and steps by `strides[k]`. All operands share `shape` (broadcast them
 * first). The callback must not modify `offsets` or `strides`. Does nothing for an empty shape.
 *
 * @example
 * // Sum of a strided view:
 * let s = 0;
 * forEachRun(a.shape, [a], (n, [o], [st]) => { for (let i = 0; i < n; i++) s += a.data[o + i * st]; });
 */
export function forEachRun(
  shape: readonly number[],
  operands: readonly StridedOperand[],
  inner: (count: number, offsets: readonly number[], strides: readonly number[]) => void,
): void {
  if (shapeSize(shape) === 0) return;
  const k = operands.length;
  const c = coalesce(
    shape,
    operands.map((o) => o.strides),
  );
  const nd = c.shape.length;
  const cur = operands.map((o) => o.offset);
  if (nd === 0) {
    inner(1, cur, new Array<number>(k).fill(0));
    return;
  }
  const count = c.shape[nd - 1];
  const innerStrides = c.strides.map((s) => s[nd - 1]);
  if (nd === 1) {
    inner(count, cur, innerStrides);
    return;
  }
  const idx = new Array<number>(nd - 1).fill(0);
  for (;;) {
    inner(count, cur, innerStrides);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      for (let q = 0; q < k; q++) cur[q] += c.strides[q][d];
      if (idx[d] < c.shape[d]) break;
      for (let q = 0; q < k; q++) cur[q] -= c.strides[q][d] * c.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
