import { DTypeError } from './errors.js';

/** Element types. `bool` is stored as 0/1 in a `Uint8Array`. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** The typed array that backs each dtype. */
export interface TypedArrayMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

export type TypedArray = TypedArrayMap[DType];

/** Allocates a zero-filled buffer of `length` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, length: number): TypedArrayMap[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length) as TypedArrayMap[D];
    case 'float64':
      return new Float64Array(length) as TypedArrayMap[D];
    case 'int32':
      return new Int32Array(length) as TypedArrayMap[D];
    case 'bool':
      return new Uint8Array(length) as TypedArrayMap[D];
    default:
      throw new DTypeError(`allocate: dtype must be one of ${DTYPES.join(', ')}, got ${String(dtype)}`);
  }
}

/** The dtype of a typed array, or a `DTypeError` for one Lucid.ts does not use. */
export function dtypeOf(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  throw new DTypeError(
    `dtypeOf: data must be a Float32Array, Float64Array, Int32Array or Uint8Array, got ${data.constructor.name}`,
  );
}

/** Throws unless `dtype` is one of the four dtypes; returns it typed. */
export function checkDType(fn: string, dtype: unknown): DType {
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new DTypeError(`${fn}: dtype must be one of ${DTYPES.join(', ')}, got ${String(dtype)}`);
}

export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * Converts a JS number to what storing it in `dtype` keeps: `bool` maps every nonzero (and NaN) to 1,
 * as NumPy does; `int32` truncates toward zero; `float32` rounds to nearest.
 */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'int32':
      return value | 0;
    case 'float32':
      return Math.fround(value);
    default:
      return value;
  }
}
