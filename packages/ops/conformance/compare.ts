/**
 * Comparing results with the fixtures' float64 expectations, exactly as README "Comparing results" says:
 * shapes must match exactly, any NaN or infinity in a result fails, and every element must satisfy
 * `|actual - expected| <= atol + rtol * |expected|`.
 */
import { fmtShape, isNDArray, type NDArray, shapesEqual } from '@lucid-ts/ndarray';

export type RunDType = 'float64' | 'float32';

/**
 * How much float32 round-off a tensor may carry (float64 ignores this: it is always held to 1e-9 / 1e-10).
 * - `default`: elementwise-like results, float32 `rtol 1e-4, atol 1e-5`.
 * - `loose`: the README's loosened rule, `rtol 1e-3, atol 1e-4 * max(1, max|expected|)`.
 * - `terms`: the README's finer alternative of the loosened rule for a result that accumulates `K` terms
 *   per element, `rtol 1e-3, atol 1e-5 * sqrt(K) * max(1, max|expected|)`.
 */
export type ToleranceRule = { kind: 'default' } | { kind: 'loose' } | { kind: 'terms'; terms: number };

export const DEFAULT_RULE: ToleranceRule = { kind: 'default' };
export const LOOSE_RULE: ToleranceRule = { kind: 'loose' };

export interface Tolerance {
  rtol: number;
  atol: number;
}

export const F64_TOLERANCE: Tolerance = { rtol: 1e-9, atol: 1e-10 };
export const F32_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/** The largest |value| of a tensor (0 when empty). */
function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a > m) m = a;
  }
  return m;
}

/** The tolerance for comparing a result computed in `dtype` against the float64 `expected`. */
export function toleranceFor(dtype: RunDType, rule: ToleranceRule, expected: NDArray): Tolerance {
  if (dtype === 'float64' || rule.kind === 'default')
    return dtype === 'float64' ? F64_TOLERANCE : F32_TOLERANCE;
  const scale = Math.max(1, maxAbs(expected.contiguous().data));
  if (rule.kind === 'loose') return { rtol: 1e-3, atol: 1e-4 * scale };
  return { rtol: 1e-3, atol: 1e-5 * Math.sqrt(Math.max(1, rule.terms)) * scale };
}

export interface Comparison {
  ok: boolean;
  /** Largest |actual - expected| (Infinity for NaN/inf, NaN when not comparable at all). */
  maxAbsErr: number;
  /** Flat index of the worst element relative to its tolerance (-1 if none). */
  worstIndex: number;
  tolerance: Tolerance;
  /** Why the comparison failed, when it did. */
  message?: string;
}

/** Contiguous float64 copy of an array's elements in row-major order. */
function flat(x: NDArray): Float64Array {
  const c = x.contiguous();
  const out = new Float64Array(c.size);
  for (let i = 0; i < c.size; i++) out[i] = Number(c.data[c.offset + i]);
  return out;
}

/**
 * Compares a result with its expectation. `actual` must be an NDArray of the exact expected shape and of
 * the float dtype the run uses (`dtype`); NaN or infinity anywhere fails.
 */
export function compare(actual: unknown, expected: NDArray, tol: Tolerance, dtype?: RunDType): Comparison {
  const fail = (message: string, maxAbsErr = Number.NaN): Comparison => ({
    ok: false,
    maxAbsErr,
    worstIndex: -1,
    tolerance: tol,
    message,
  });
  if (!isNDArray(actual)) return fail(`expected an NDArray, got ${describe(actual)}`);
  if (!shapesEqual(actual.shape, expected.shape)) {
    return fail(`shape ${fmtShape(actual.shape)}, expected ${fmtShape(expected.shape)}`);
  }
  if (dtype !== undefined && actual.dtype !== dtype) return fail(`dtype ${actual.dtype}, expected ${dtype}`);
  const a = flat(actual);
  const e = flat(expected);
  let maxAbsErr = 0;
  let worstIndex = -1;
  let worstRatio = -1;
  let nonFinite = -1;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      if (nonFinite < 0) nonFinite = i;
      continue;
    }
    const err = Math.abs(a[i] - e[i]);
    const ratio = err / (tol.atol + tol.rtol * Math.abs(e[i]));
    if (err > maxAbsErr) maxAbsErr = err;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  if (nonFinite >= 0) {
    const r = fail(
      `${a[nonFinite]} at flat index ${nonFinite} (expected ${e[nonFinite]})`,
      Number.POSITIVE_INFINITY,
    );
    return { ...r, worstIndex: nonFinite };
  }
  if (worstRatio > 1) {
    const i = worstIndex;
    return {
      ok: false,
      maxAbsErr,
      worstIndex: i,
      tolerance: tol,
      message: `at flat index ${i}: got ${a[i]}, expected ${e[i]}`,
    };
  }
  return { ok: true, maxAbsErr, worstIndex, tolerance: tol };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a JS array';
  return typeof x;
}

/** `x` in the run's dtype: float64 fixture tensors are rounded once to float32 in float32 runs. */
export function castInput(x: NDArray, dtype: RunDType): NDArray {
  if (x.dtype !== 'float64' || dtype === 'float64') return x;
  return x.astype('float32');
}
