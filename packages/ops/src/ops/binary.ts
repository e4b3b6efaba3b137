/**
 * Binary elementwise functions: `pow`, `maximum`, `minimum` and `clip`. Public functions promote and
 * broadcast (see arith.ts), primitives see same-shaped operands. `pow` with a JS-number exponent and
 * `clip` with number bounds have their own primitives that keep the number in params: no broadcast operand
 * to read, and no gradient computed for a constant.
 */
import {
  ArgumentError,
  broadcastShapesFor,
  type DType,
  fmtShape,
  isFloat,
  type NDArray,
  reduce,
} from '@lucid-ts/ndarray';
import { definePrimitive, type VjpRule } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { apply1, apply2, apply3 } from '../kernels/special.js';
import { broadcastPair, mul, sub } from './arith.js';
import { broadcastTo } from './broadcast.js';
import { equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalOr, where } from './compare.js';
import { type ArrayOrScalar, asArray, resultDType } from './convert.js';
import { log } from './unary.js';

/** C's pow: 1^y = 1 and (-1)^±∞ = 1, where JavaScript gives NaN; otherwise the same. */
function cpow(x: number, y: number): number {
  return x === 1 || (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY))
    ? 1
    : x ** y;
}

const powPrim = definePrimitive({
  name: 'pow',
  impl: ([a, b]) =>
    apply2(a, b, a.dtype, (n, x, i, s, e, j, t, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = cpow(x[i], e[j]);
    }),
  // d(a^b) = b a^(b-1) da + a^b ln(a) db. As in PyTorch, the first term is 0 where b = 0 and the second
  // is 0 where a = 0 and b ≥ 0; those elements compute on a base of 1 instead, so that no 0·∞ = NaN
  // appears in the rule or in its own derivatives.
  vjp: (ct, { inputs: [a, b] }) => {
    const bZero = equal(b, 0);
    const da = where(bZero, 0, mul(ct, mul(b, pow(where(bZero, 1, a), sub(b, 1)))));
    const aZero = logicalAnd(equal(a, 0), greaterEqual(b, 0));
    const safeA = where(aZero, 1, a);
    const db = where(aZero, 0, mul(ct, mul(pow(safeA, b), log(safeA))));
    return [da, db];
  },
});

const powScalarPrim = definePrimitive<{ p: number }>({
  name: 'pow',
  // Squares and square roots as PyTorch does them (one rounding); other exponents through pow.
  impl: ([a], { p }) =>
    apply1(a, a.dtype, (n, x, i, s, y, k, u) => {
      if (p === 2) for (let q = 0; q < n; q++, i += s, k += u) y[k] = x[i] * x[i];
      else if (p === 0.5) for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.sqrt(x[i]);
      else for (let q = 0; q < n; q++, i += s, k += u) y[k] = cpow(x[i], p);
    }),
  // d(a^p) = p a^(p-1) da (0 for p = 0, also at a = 0)
  vjp: (ct, { inputs: [a], params: { p } }) => (p === 0 ? [null] : [mul(ct, mul(pow(a, p - 1), p))]),
});

/** Integer powers with negative exponents have no integer result: refused, as in PyTorch. */
function checkIntExponent(dtype: DType, b: NDArray | number): void {
  if (isFloat(dtype)) return;
  const lowest = typeof b === 'number' ? b : reduce(b, Math.min, Number.POSITIVE_INFINITY).item();
  if (lowest < 0) {
    const at = typeof b === 'number' ? '' : ` in an exponent of shape ${fmtShape(b.shape)}`;
    throw new ArgumentError(`pow: exponents of an integer base must be non-negative, got ${lowest}${at}`);
  }
}

/**
 * Elementwise power `a^b` with NumPy broadcasting (int32^int32 stays int32 and needs exponents ≥ 0).
 * Gradients `b a^(b-1)` and `a^b ln a`, the latter 0 where a = 0 and b ≥ 0, as PyTorch.
 * PyTorch `torch.pow`, JAX `jnp.power`.
 * @example pow(array([2, 3]), 2) // [4, 9]
 */
export function pow(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  if (typeof b === 'number') {
    const dtype = resultDType(a, b);
    const x = asArray(a, dtype);
    checkIntExponent(dtype, b);
    if (b === 1) return x;
    return bind(powScalarPrim, [x], { p: dtype === 'float32' ? Math.fround(b) : b });
  }
  const [x, y] = broadcastPair('pow', a, b);
  checkIntExponent(x.dtype, y);
  return bind(powPrim, [x, y], {});
}

// The JAX rule: the cotangent goes to the operand equal to the output, half to each on an exact tie (so
// the gradient of maximum(x, x) is 1 in all); where the output is NaN, neither operand gets any.
const selectRule: VjpRule<Record<string, never>> = (ct, { inputs: [a, b], output }) => {
  const ea = equal(a, output);
  const eb = equal(b, output);
  const half = mul(ct, 0.5);
  return [where(ea, where(eb, half, ct), 0), where(eb, where(ea, half, ct), 0)];
};

const maximumPrim = definePrimitive({
  name: 'maximum',
  impl: ([a, b]) =>
    apply2(a, b, a.dtype, (n, x, i, s, z, j, t, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = Math.max(x[i], z[j]); // NaN propagates
    }),
  vjp: selectRule,
});

const minimumPrim = definePrimitive({
  name: 'minimum',
  impl: ([a, b]) =>
    apply2(a, b, a.dtype, (n, x, i, s, z, j, t, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = Math.min(x[i], z[j]);
    }),
  vjp: selectRule,
});

/**
 * Elementwise maximum with broadcasting; NaN propagates (PyTorch `torch.maximum`, JAX `jnp.maximum`).
 * The gradient goes to the larger operand; on exact ties it is split half/half, as in JAX (PyTorch too).
 * @example maximum(array([1, 5]), array([3, 2])) // [3, 5]
 */
export function maximum(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return bind(maximumPrim, broadcastPair('maximum', a, b), {});
}

/**
 * Elementwise minimum with broadcasting; NaN propagates (PyTorch `torch.minimum`, JAX `jnp.minimum`).
 * The gradient goes to the smaller operand; on exact ties it is split half/half, as in JAX.
 * @example minimum(array([1, 5]), 3) // [1, 3]
 */
export function minimum(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return bind(minimumPrim, broadcastPair('minimum', a, b), {});
}

const clipScalarPrim = definePrimitive<{ lo: number; hi: number }>({
  name: 'clip',
  // max then min, so that lo > hi gives hi everywhere (PyTorch); NaN propagates.
  impl: ([x], { lo, hi }) =>
    apply1(x, x.dtype, (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = Math.min(Math.max(a[i], lo), hi);
    }),
  // d clip(x) = [lo ≤ x ≤ hi] dx (bounds inclusive, as PyTorch)
  vjp: (ct, { inputs: [x], params: { lo, hi } }) => {
    const inside =
      lo === Number.NEGATIVE_INFINITY
        ? lessEqual(x, hi)
        : hi === Number.POSITIVE_INFINITY
          ? greaterEqual(x, lo)
          : logicalAnd(greaterEqual(x, lo), lessEqual(x, hi));
    return [where(inside, ct, 0)];
  },
});

const clipPrim = definePrimitive({
  name: 'clip',
  impl: ([x, l, h]) =>
    apply3(x, l, h, x.dtype, (n, a, i, s, lo, j, t, hi, m, r, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, j += t, m += r, k += u)
        y[k] = Math.min(Math.max(a[i], lo[j]), hi[m]);
    }),
  // The selected operand gets the cotangent: x where lo ≤ x ≤ hi; hi where x > hi or lo > hi; lo where
  // x < lo ≤ hi. These cases do not overlap.
  vjp: (ct, { inputs: [x, lo, hi] }) => [
    where(logicalAnd(greaterEqual(x, lo), lessEqual(x, hi)), ct, 0),
    where(logicalAnd(less(x, lo), lessEqual(lo, hi)), ct, 0),
    where(logicalOr(greater(x, hi), greater(lo, hi)), ct, 0),
  ],
});

/** The bound that stands for "none" in `dtype`: ±Infinity, or the int32 extremes. */
function noBound(dtype: DType, upper: boolean): number {
  if (isFloat(dtype)) return upper ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return upper ? 2147483647 : -2147483648;
}

/**
 * Limits every element to `[min, max]` (either bound may be `null`; bounds broadcast; if min > max the
 * result is max, as in PyTorch). The gradient is 1 for `x` inside the bounds (inclusive) and 0 outside;
 * array bounds receive the gradient where they are selected. PyTorch `torch.clamp`, JAX `jnp.clip`.
 * @example clip(array([-2, 0.5, 3]), 0, 1) // [0, 0.5, 1]
 */
export function clip(x: ArrayOrScalar, min: ArrayOrScalar | null, max: ArrayOrScalar | null): NDArray {
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null)
    throw new ArgumentError('clip: at least one of min and max must be given, got null and null');
  for (const [name, v] of [
    ['min', lo],
    ['max', hi],
  ] as const) {
    if (typeof v === 'number' && Number.isNaN(v))
      throw new ArgumentError(`clip: ${name} must not be NaN, got NaN`);
  }
  const given = [lo, hi].filter((v): v is ArrayOrScalar => v !== null);
  const dtype = resultDType(x, ...given);
  const a = asArray(x, dtype);
  const bound = (v: ArrayOrScalar | null, upper: boolean) =>
    v === null ? noBound(dtype, upper) : typeof v === 'number' && dtype === 'float32' ? Math.fround(v) : v;
  const l = bound(lo, false);
  const h = bound(hi, true);
  if (typeof l === 'number' && typeof h === 'number') return bind(clipScalarPrim, [a], { lo: l, hi: h });
  const la = asArray(l, dtype);
  const ha = asArray(h, dtype);
  const shape = broadcastShapesFor(
    'clip',
    [a, ...given.map((v) => asArray(v))].map((v) => v.shape),
  );
  return bind(clipPrim, [broadcastTo(a, shape), broadcastTo(la, shape), broadcastTo(ha, shape)], {});
}
