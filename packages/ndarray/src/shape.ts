import { ArgumentError, fmtShape, ShapeError } from './errors.js';

/** Number of elements of a shape (1 for the 0-d shape `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides, in elements, of a dense array of this shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is an array of non-negative integers. Returns a fresh copy. */
export function checkShape(fn: string, shape: readonly number[], arg = 'shape'): number[] {
  if (!Array.isArray(shape))
    throw new ArgumentError(`${fn}: ${arg} must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${fn}: ${arg} must hold non-negative integers, got ${fmtShape(shape)}`);
    }
  }
  return shape.slice();
}

/**
 * The shape that NumPy broadcasting gives for all `shapes`: align trailing axes; each axis must be equal
 * or 1 (or missing) in every shape.
 *
 * @example broadcastShapes([2, 1, 4], [3, 1]) // [2, 3, 4]
 */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  return broadcastShapesFor('broadcastShapes', shapes);
}

/** {@link broadcastShapes} with the name of the calling op in its error message. */
export function broadcastShapesFor(fn: string, shapes: readonly (readonly number[])[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i];
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) {
        out[j] = d;
        continue;
      }
      throw new ShapeError(
        `${fn}: shapes cannot be broadcast together, got ${shapes.map((x) => fmtShape(x)).join(' and ')}`,
      );
    }
  }
  return out;
}

/**
 * Normalises one axis: negative axes count from the end. Throws a `ShapeError` naming `fn` and `arg`
 * when `axis` is not an integer in `[-ndim, ndim)`.
 */
export function normalizeAxis(fn: string, axis: number, ndim: number, arg = 'axis'): number {
  if (ndim === 0)
    throw new ShapeError(`${fn}: ${arg} must be null for a 0-d array, which has no axes, got ${axis}`);
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(
      `${fn}: ${arg} must be an integer in [${-ndim}, ${ndim - 1}] for rank ${ndim}, got ${axis}`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Normalises an axis option as reductions take it: `undefined`/`null` means every axis, a number one
 * axis, an array several (no repeats). Returns the axes sorted ascending.
 */
export function normalizeAxes(
  fn: string,
  axis: number | readonly number[] | null | undefined,
  ndim: number,
  arg = 'axis',
): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list))
    throw new ArgumentError(`${fn}: ${arg} must be a number or an array, got ${String(axis)}`);
  const out = list.map((a) => normalizeAxis(fn, a, ndim, arg));
  const seen = new Set<number>();
  for (const a of out) {
    if (seen.has(a)) throw new ShapeError(`${fn}: ${arg} repeats axis ${a}, got [${list.join(',')}]`);
    seen.add(a);
  }
  return out.sort((a, b) => a - b);
}
