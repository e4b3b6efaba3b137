import { allocate, castScalar, checkDType, type DType, dtypeOf, type TypedArray } from './dtype.js';
import { ArgumentError, fmtShape, ShapeError } from './errors.js';
import { NDArray } from './ndarray.js';
import { checkShape, shapeSize } from './shape.js';

/** What {@link array} accepts: a number or boolean, nested arrays of them, or a typed array. */
export type ArrayLike = number | boolean | TypedArray | readonly ArrayLike[];

export interface DTypeOption {
  dtype?: DType;
}

function fill(dtype: DType, shape: readonly number[], value: number): NDArray {
  const data = allocate(dtype, shapeSize(shape));
  const v = castScalar(value, dtype);
  if (v !== 0) data.fill(v);
  return new NDArray(data, shape);
}

const isTyped = (x: unknown): x is TypedArray => ArrayBuffer.isView(x) && !(x instanceof DataView);

/**
 * An array from nested JS arrays, a typed array (copied) or a scalar (0-d). Without `dtype`: booleans
 * give `bool`, integers (within int32) give `int32` as in JAX, anything else `float32`; a typed array
 * keeps its own dtype. Ragged nesting is a `ShapeError`.
 * @example array([[1, 2], [3, 4]], { dtype: 'float64' })
 */
export function array(values: ArrayLike, options: DTypeOption = {}): NDArray {
  if (isTyped(values)) {
    const src = new NDArray(values, [values.length]);
    return src.astype(options.dtype ?? dtypeOf(values));
  }
  const shape: number[] = [];
  let probe: ArrayLike = values;
  while (Array.isArray(probe) || isTyped(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = (probe as readonly ArrayLike[])[0];
  }
  const flat: number[] = [];
  let allBool = true;
  let allInt = true;
  const visit = (v: ArrayLike, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v === 'boolean') {
        flat.push(v ? 1 : 0);
        return;
      }
      if (typeof v !== 'number') {
        throw new ShapeError(
          `array: nesting is ragged, expected a number at depth ${depth} of shape ${fmtShape(shape)}`,
        );
      }
      allBool = false;
      if (!Number.isInteger(v) || v > 2147483647 || v < -2147483648) allInt = false;
      flat.push(v);
      return;
    }
    if (!(Array.isArray(v) || isTyped(v)) || v.length !== shape[depth]) {
      throw new ShapeError(
        `array: nesting is ragged, expected length ${shape[depth]} at depth ${depth} of shape ${fmtShape(shape)}`,
      );
    }
    for (let i = 0; i < v.length; i++) visit((v as readonly ArrayLike[])[i], depth + 1);
  };
  visit(values, 0);
  const inferred: DType = flat.length === 0 ? 'float32' : allBool ? 'bool' : allInt ? 'int32' : 'float32';
  const dtype = options.dtype === undefined ? inferred : checkDType('array', options.dtype);
  const data = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = castScalar(flat[i], dtype);
  return new NDArray(data, shape);
}

/**
 * Wraps a typed array without copying (its dtype follows the typed array); `shape` defaults to 1-D.
 * @example fromTypedArray(new Float64Array([1, 2, 3, 4]), [2, 2])
 */
export function fromTypedArray(data: TypedArray, shape: readonly number[] = [data.length]): NDArray {
  if (!isTyped(data))
    throw new ArgumentError(`fromTypedArray: data must be a typed array, got ${String(data)}`);
  const s = checkShape('fromTypedArray', shape);
  if (shapeSize(s) !== data.length) {
    throw new ShapeError(
      `fromTypedArray: shape ${fmtShape(s)} needs ${shapeSize(s)} elements, got ${data.length}`,
    );
  }
  return new NDArray(data, s);
}

/** Zeros of `shape` (default dtype `float32`). */
export function zeros(shape: readonly number[], options: DTypeOption = {}): NDArray {
  return fill(checkDType('zeros', options.dtype ?? 'float32'), checkShape('zeros', shape), 0);
}

/** Ones of `shape` (default dtype `float32`). */
export function ones(shape: readonly number[], options: DTypeOption = {}): NDArray {
  return fill(checkDType('ones', options.dtype ?? 'float32'), checkShape('ones', shape), 1);
}

/** `shape` filled with `value`; dtype `bool` for a boolean value, else `float32` unless given. */
export function full(shape: readonly number[], value: number | boolean, options: DTypeOption = {}): NDArray {
  const dtype = checkDType('full', options.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32'));
  return fill(dtype, checkShape('full', shape), Number(value));
}

export function zerosLike(a: NDArray, options: DTypeOption = {}): NDArray {
  return zeros(a.shape, { dtype: options.dtype ?? a.dtype });
}

export function onesLike(a: NDArray, options: DTypeOption = {}): NDArray {
  return ones(a.shape, { dtype: options.dtype ?? a.dtype });
}

export function fullLike(a: NDArray, value: number | boolean, options: DTypeOption = {}): NDArray {
  return full(a.shape, value, { dtype: options.dtype ?? a.dtype });
}

/**
 * Evenly spaced values in `[start, stop)`: `arange(stop)` or `arange(start, stop, step)`, NumPy's
 * semantics. dtype `int32` when every argument is an integer, else `float32`, unless given.
 * @example arange(1, 2, 0.25) // [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, stop?: number, step = 1, options: DTypeOption = {}): NDArray {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (!Number.isFinite(v)) throw new ArgumentError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new ArgumentError('arange: step must be nonzero, got 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step);
  const dtype = checkDType('arange', options.dtype ?? (allInt ? 'int32' : 'float32'));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = castScalar(start + i * step, dtype);
  return new NDArray(data, [n]);
}

/**
 * `num` evenly spaced values from `start` to `stop` (included unless `endpoint: false`), NumPy's
 * `linspace`; default dtype `float32`.
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: DTypeOption & { endpoint?: boolean } = {},
): NDArray {
  if (!Number.isInteger(num) || num < 0)
    throw new ArgumentError(`linspace: num must be a non-negative integer, got ${num}`);
  const endpoint = options.endpoint ?? true;
  const dtype = checkDType('linspace', options.dtype ?? 'float32');
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const data = allocate(dtype, num);
  for (let i = 0; i < num; i++) data[i] = castScalar(start + i * step, dtype);
  if (endpoint && num > 1) data[num - 1] = castScalar(stop, dtype);
  return new NDArray(data, [num]);
}

/** An `n`×`m` matrix with ones on diagonal `k` (0: main, >0 above, <0 below); default dtype `float32`. */
export function eye(n: number, m = n, options: DTypeOption & { k?: number } = {}): NDArray {
  const k = options.k ?? 0;
  const shape = checkShape('eye', [n, m], 'n, m');
  if (!Number.isInteger(k)) throw new ArgumentError(`eye: k must be an integer, got ${k}`);
  const out = zeros(shape, { dtype: options.dtype ?? 'float32' });
  for (let i = Math.max(0, -k); i < n && i + k < m; i++) out.data[i * m + i + k] = 1;
  return out;
}
