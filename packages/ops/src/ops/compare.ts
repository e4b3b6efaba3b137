/**
 * Comparisons, logical ops, NaN tests and `where`. Everything here but `where` returns bool, so `bind`
 * never records a node for it (bool outputs carry no gradient); their rules say the truth anyway: a
 * piecewise-constant function has zero derivative. `where` routes the cotangent to the selected branch.
 */
import { broadcastShapesFor, type NDArray } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { apply1, apply2, apply3, type Run2 } from '../kernels/special.js';
import { broadcastPair } from './arith.js';
import { broadcastTo } from './broadcast.js';
import { type ArrayOrScalar, asArray, resultDType } from './convert.js';

/** A bool-valued primitive of two same-shaped operands, with its (zero) derivative. */
function boolPrim2(name: string, run: Run2) {
  return definePrimitive({ name, impl: ([a, b]) => apply2(a, b, 'bool', run), vjp: () => [null, null] });
}

// Each run is one tight loop; comparisons go through a branch so that the stored value is a number.
const eqPrim = boolPrim2('equal', (n, a, i, s, b, j, t, y, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = a[i] === b[j] ? 1 : 0;
});
const nePrim = boolPrim2('notEqual', (n, a, i, s, b, j, t, y, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = a[i] !== b[j] ? 1 : 0;
});
const ltPrim = boolPrim2('less', (n, a, i, s, b, j, t, y, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = a[i] < b[j] ? 1 : 0;
});
const lePrim = boolPrim2('lessEqual', (n, a, i, s, b, j, t, y, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = a[i] <= b[j] ? 1 : 0;
});
const andPrim = boolPrim2('logicalAnd', (n, a, i, s, b, j, t, y, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = a[i] !== 0 && b[j] !== 0 ? 1 : 0;
});
const orPrim = boolPrim2('logicalOr', (n, a, i, s, b, j, t, y, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) y[k] = a[i] !== 0 || b[j] !== 0 ? 1 : 0;
});

const notPrim = definePrimitive({
  name: 'logicalNot',
  // NaN counts as true (nonzero), as in NumPy and PyTorch.
  impl: ([x]) =>
    apply1(x, 'bool', (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = a[i] === 0 ? 1 : 0;
    }),
  vjp: () => [null],
});

const isnanPrim = definePrimitive({
  name: 'isnan',
  impl: ([x]) =>
    apply1(x, 'bool', (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = Number.isNaN(a[i]) ? 1 : 0;
    }),
  vjp: () => [null],
});

const isfinitePrim = definePrimitive({
  name: 'isfinite',
  // v - v is 0 for finite v and NaN for ±Infinity and NaN.
  impl: ([x]) =>
    apply1(x, 'bool', (n, a, i, s, y, k, u) => {
      for (let q = 0; q < n; q++, i += s, k += u) y[k] = a[i] - a[i] === 0 ? 1 : 0;
    }),
  vjp: () => [null],
});

const wherePrim = definePrimitive({
  name: 'where',
  impl: ([c, a, b]) =>
    apply3(c, a, b, a.dtype, (n, cd, h, r, ad, i, s, bd, j, t, y, k, u) => {
      for (let q = 0; q < n; q++, h += r, i += s, j += t, k += u) y[k] = cd[h] !== 0 ? ad[i] : bd[j];
    }),
  // d where(c, a, b) = where(c, da, db): each element's cotangent goes to the branch that was selected.
  vjp: (ct, { inputs: [c] }) => [null, where(c, ct, 0), where(c, 0, ct)],
});

/** Casts to the common dtype (so `float32 == 0.1` compares against 0.1 rounded to float32) and broadcasts. */
function compare(
  prim: ReturnType<typeof boolPrim2>,
  name: string,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
  swap = false,
): NDArray {
  const [x, y] = broadcastPair(name, a, b);
  return bind(prim, swap ? [y, x] : [x, y], {});
}

/** Broadcasts without casting: logical ops only ask whether each element is nonzero. */
function logical(
  prim: ReturnType<typeof boolPrim2>,
  name: string,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
): NDArray {
  const x = asArray(a);
  const y = asArray(b);
  const shape = broadcastShapesFor(name, [x.shape, y.shape]);
  return bind(prim, [broadcastTo(x, shape), broadcastTo(y, shape)], {});
}

/**
 * Elementwise `a == b` (bool) with broadcasting, in the operands' common dtype; NaN equals nothing.
 * PyTorch `torch.eq`, NumPy `np.equal`.
 * @example equal(array([1, 2, 3]), 2) // [false, true, false]
 */
export function equal(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return compare(eqPrim, 'equal', a, b);
}

/**
 * Elementwise `a != b` (bool) with broadcasting; true where either is NaN. PyTorch `torch.ne`, NumPy
 * `np.not_equal`.
 * @example notEqual(array([1, 2]), 1) // [false, true]
 */
export function notEqual(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return compare(nePrim, 'notEqual', a, b);
}

/**
 * Elementwise `a < b` (bool) with broadcasting. PyTorch `torch.lt`, NumPy `np.less`.
 * @example less(array([1, 2, 3]), 2) // [true, false, false]
 */
export function less(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return compare(ltPrim, 'less', a, b);
}

/**
 * Elementwise `a <= b` (bool) with broadcasting. PyTorch `torch.le`, NumPy `np.less_equal`.
 * @example lessEqual(array([1, 2, 3]), 2) // [true, true, false]
 */
export function lessEqual(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return compare(lePrim, 'lessEqual', a, b);
}

/**
 * Elementwise `a > b` (bool) with broadcasting. PyTorch `torch.gt`, NumPy `np.greater`.
 * @example greater(array([1, 2, 3]), 2) // [false, false, true]
 */
export function greater(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return compare(ltPrim, 'greater', a, b, true);
}

/**
 * Elementwise `a >= b` (bool) with broadcasting. PyTorch `torch.ge`, NumPy `np.greater_equal`.
 * @example greaterEqual(array([1, 2, 3]), 2) // [false, true, true]
 */
export function greaterEqual(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return compare(lePrim, 'greaterEqual', a, b, true);
}

/**
 * Elementwise logical and of `a != 0` and `b != 0` (bool; NaN is true), with broadcasting.
 * PyTorch `torch.logical_and`, NumPy `np.logical_and`.
 * @example logicalAnd(array([true, true, false]), array([1, 0, 1])) // [true, false, false]
 */
export function logicalAnd(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return logical(andPrim, 'logicalAnd', a, b);
}

/**
 * Elementwise logical or of `a != 0` and `b != 0` (bool; NaN is true), with broadcasting.
 * PyTorch `torch.logical_or`, NumPy `np.logical_or`.
 * @example logicalOr(array([true, false, false]), array([0, 0, 2])) // [true, false, true]
 */
export function logicalOr(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return logical(orPrim, 'logicalOr', a, b);
}

/**
 * Elementwise `x == 0` (bool; NaN is nonzero, so false). PyTorch `torch.logical_not`, NumPy `np.logical_not`.
 * @example logicalNot(array([0, 1.5])) // [true, false]
 */
export function logicalNot(x: ArrayOrScalar): NDArray {
  return bind(notPrim, [asArray(x)], {});
}

/**
 * Elementwise test for NaN (bool). PyTorch `torch.isnan`, NumPy `np.isnan`.
 * @example isnan(array([1, NaN])) // [false, true]
 */
export function isnan(x: ArrayOrScalar): NDArray {
  return bind(isnanPrim, [asArray(x)], {});
}

/**
 * Elementwise test for a finite value (bool): false for ±Infinity and NaN. PyTorch `torch.isfinite`,
 * NumPy `np.isfinite`.
 * @example isfinite(array([1, Infinity, NaN])) // [true, false, false]
 */
export function isfinite(x: ArrayOrScalar): NDArray {
  return bind(isfinitePrim, [asArray(x)], {});
}

/**
 * Elementwise selection `cond ? a : b`, with the three operands broadcast together; `cond` is cast to bool
 * (nonzero and NaN are true) and `a`, `b` to their common dtype. The gradient flows to `a` where `cond`
 * holds and to `b` elsewhere. PyTorch `torch.where`, NumPy `np.where`, JAX `jnp.where`.
 * @example where(array([true, false]), array([1, 2]), 0) // [1, 0]
 */
export function where(cond: ArrayOrScalar, a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  const c = asArray(cond, 'bool');
  const dtype = resultDType(a, b);
  const x = asArray(a, dtype);
  const y = asArray(b, dtype);
  const shape = broadcastShapesFor('where', [c.shape, x.shape, y.shape]);
  return bind(wherePrim, [broadcastTo(c, shape), broadcastTo(x, shape), broadcastTo(y, shape)], {});
}
