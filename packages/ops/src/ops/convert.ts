/**
 * Dtypes of op arguments: promotion between arrays, weak JS numbers, and the differentiable `astype`.
 *
 * Promotion: bool < int32 < float32 < float64; two arrays promote to the wider dtype. A JS number is
 * "weak" (as in JAX): it takes the other operand's dtype, except that a non-integer number with an
 * integer or bool array gives float32. Two numbers give float32.
 */
import {
  allocate,
  castScalar,
  checkDType,
  type DType,
  DTypeError,
  isFloat,
  NDArray,
} from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, registerTracerViewOps } from '../core/tracer.js';

/** What ops accept wherever an array is expected. */
export type ArrayOrScalar = NDArray | number | boolean;

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

function scalarDType(v: number | boolean): DType {
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/** The dtype that a list of operands computes in (arrays dominate weak scalars). */
export function resultDType(...xs: readonly ArrayOrScalar[]): DType {
  let dtype: DType | null = null;
  for (const x of xs)
    if (x instanceof NDArray) dtype = dtype === null ? x.dtype : promoteTypes(dtype, x.dtype);
  if (dtype === null) return xs.some((x) => typeof x === 'number') ? 'float32' : 'bool';
  for (const x of xs) {
    if (typeof x === 'number' && !isFloat(dtype) && !Number.isInteger(x)) dtype = 'float32';
    if (typeof x === 'number' && dtype === 'bool') dtype = 'int32';
  }
  return dtype;
}

/** A 0-d array holding `v` in `dtype`. */
export function scalar(v: number | boolean, dtype: DType = scalarDType(v)): NDArray {
  const data = allocate(dtype, 1);
  data[0] = castScalar(Number(v), dtype);
  return new NDArray(data, []);
}

/** `x` as an array of `dtype` (a number becomes a 0-d array; an array is cast differentiably if needed). */
export function asArray(x: ArrayOrScalar, dtype?: DType): NDArray {
  if (x instanceof NDArray) return dtype === undefined || dtype === x.dtype ? x : astype(x, dtype);
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new DTypeError(`expected an NDArray, a number or a boolean, got ${x === null ? 'null' : typeof x}`);
  }
  return scalar(x, dtype ?? scalarDType(x));
}

const astypePrim = definePrimitive<{ dtype: DType }>({
  name: 'astype',
  impl: ([x], { dtype }) => x.astype(dtype),
  // d(cast x) = cast(dx) back to x's dtype; integer and bool inputs get no gradient.
  vjp: (ct, { inputs: [x] }) => [isFloat(x.dtype) ? astype(ct, x.dtype) : null],
});

/**
 * Converts to `dtype` (PyTorch `x.to(dtype)`, NumPy `astype`); differentiable between float dtypes.
 * @example astype(array([1.5, 2]), 'float64')
 */
export function astype(x: ArrayOrScalar, dtype: DType): NDArray {
  checkDType('astype', dtype);
  const a = asArray(x);
  return a.dtype === dtype ? a : bind(astypePrim, [a], { dtype });
}

const stopGradientPrim = definePrimitive({
  name: 'stopGradient',
  impl: ([x]) => x,
  vjp: () => [null], // by definition: no gradient flows through
});

/** The value of `x`, with no gradient flowing back through it (JAX `lax.stop_gradient`, PyTorch `detach`). */
export function stopGradient(x: ArrayOrScalar): NDArray {
  return bind(stopGradientPrim, [asArray(x)], {});
}

registerTracerViewOps({ astype: (x, dtype) => astype(x, dtype) });
