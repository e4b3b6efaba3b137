/**
 * Whole-array element loops on top of {@link forEachRun}: `map` (one operand), `zip` (two operands,
 * broadcast), `reduce` (over axes) and `assign` (strided copy). Each takes a flat fast path when every
 * operand is contiguous; otherwise it walks the coalesced dimensions.
 */
import { allocate, castScalar, checkDType, type DType } from './dtype.js';
import { fmtShape, ShapeError } from './errors.js';
import { forEachRun } from './loops.js';
import { NDArray } from './ndarray.js';
import { broadcastShapesFor, contiguousStrides, normalizeAxes, shapeSize, shapesEqual } from './shape.js';

/** Applies `f` to every element; returns a new contiguous array of `dtype` (default: the input's). */
export function map(a: NDArray, f: (x: number) => number, dtype: DType = a.dtype): NDArray {
  const out = allocate(checkDType('map', dtype), a.size);
  const src = a.data;
  const bool = dtype === 'bool';
  if (a.isContiguous) {
    const o = a.offset;
    if (bool) for (let i = 0; i < out.length; i++) out[i] = f(src[o + i]) !== 0 ? 1 : 0;
    else for (let i = 0; i < out.length; i++) out[i] = f(src[o + i]);
  } else {
    forEachRun(a.shape, [a, { strides: contiguousStrides(a.shape), offset: 0 }], (n, [i0, o0], [si, so]) => {
      for (let k = 0, i = i0, o = o0; k < n; k++, i += si, o += so)
        out[o] = bool ? (f(src[i]) !== 0 ? 1 : 0) : f(src[i]);
    });
  }
  return new NDArray(out, a.shape);
}

/**
 * Applies `f` elementwise to `a` and `b` broadcast together (NumPy rules); returns a new contiguous array
 * of `dtype` (default: `a`'s).
 */
export function zip(
  a: NDArray,
  b: NDArray,
  f: (x: number, y: number) => number,
  dtype: DType = a.dtype,
): NDArray {
  const shape = broadcastShapesFor('zip', [a.shape, b.shape]);
  const out = allocate(checkDType('zip', dtype), shapeSize(shape));
  const bool = dtype === 'bool';
  const x = a.data;
  const y = b.data;
  if (a.isContiguous && b.isContiguous && shapesEqual(a.shape, b.shape)) {
    const oa = a.offset;
    const ob = b.offset;
    for (let i = 0; i < out.length; i++)
      out[i] = bool ? (f(x[oa + i], y[ob + i]) !== 0 ? 1 : 0) : f(x[oa + i], y[ob + i]);
  } else {
    const av = a.broadcastTo(shape);
    const bv = b.broadcastTo(shape);
    forEachRun(
      shape,
      [av, bv, { strides: contiguousStrides(shape), offset: 0 }],
      (n, [i0, j0, o0], [si, sj, so]) => {
        for (let k = 0, i = i0, j = j0, o = o0; k < n; k++, i += si, j += sj, o += so) {
          out[o] = bool ? (f(x[i], y[j]) !== 0 ? 1 : 0) : f(x[i], y[j]);
        }
      },
    );
  }
  return new NDArray(out, shape);
}

export interface ReduceOptions {
  /** Axes to reduce: one, several, or (default) all. Negative axes count from the end. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes with size 1. */
  keepdims?: boolean;
  /** Result dtype (default: the input's). Accumulation is always in float64. */
  dtype?: DType;
}

/**
 * Folds `f(acc, x)` over the given axes, starting from `init` for every output element. The accumulator
 * is a float64, whatever the dtype, so float32 sums do not lose precision on the way.
 * @example reduce(a, (s, x) => s + x, 0, { axis: -1 }) // row sums
 */
export function reduce(
  a: NDArray,
  f: (acc: number, x: number) => number,
  init: number,
  options: ReduceOptions = {},
): NDArray {
  const axes = normalizeAxes('reduce', options.axis, a.ndim);
  const reduced = a.shape.map((_, i) => axes.includes(i));
  const kept = a.shape.filter((_, i) => !reduced[i]);
  const keptStrides = contiguousStrides(kept);
  const accStrides: number[] = [];
  let k = 0;
  for (let i = 0; i < a.ndim; i++) accStrides.push(reduced[i] ? 0 : keptStrides[k++]);
  const acc = new Float64Array(shapeSize(kept)).fill(init);
  const src = a.data;
  forEachRun(a.shape, [a, { strides: accStrides, offset: 0 }], (n, [i0, o0], [si, so]) => {
    if (so === 0) {
      let s = acc[o0];
      for (let q = 0, i = i0; q < n; q++, i += si) s = f(s, src[i]);
      acc[o0] = s;
    } else {
      for (let q = 0, i = i0, o = o0; q < n; q++, i += si, o += so) acc[o] = f(acc[o], src[i]);
    }
  });
  const dtype = checkDType('reduce', options.dtype ?? a.dtype);
  const out = allocate(dtype, acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = castScalar(acc[i], dtype);
  const shape = options.keepdims ? a.shape.map((d, i) => (reduced[i] ? 1 : d)) : kept;
  return new NDArray(out, shape);
}

/**
 * Copies `src` (broadcast to `dst`'s shape, converted to `dst`'s dtype) into `dst` in place. `dst` may be
 * any strided view; writing through a broadcast (stride-0) destination is refused.
 */
export function assign(dst: NDArray, src: NDArray): void {
  if (dst.strides.some((s, k) => s === 0 && dst.shape[k] > 1)) {
    throw new ShapeError(
      `assign: destination is a broadcast view, got shape ${fmtShape(dst.shape)} with strides [${dst.strides.join(',')}]`,
    );
  }
  const sv = src.broadcastTo(dst.shape);
  const out = dst.data;
  const from = sv.data;
  const dtype = dst.dtype;
  forEachRun(dst.shape, [dst, sv], (n, [o0, i0], [so, si]) => {
    for (let k = 0, o = o0, i = i0; k < n; k++, o += so, i += si)
      out[o] = dtype === 'bool' ? (from[i] !== 0 ? 1 : 0) : from[i];
  });
}
