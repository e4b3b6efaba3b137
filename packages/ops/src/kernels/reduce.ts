/**
 * Reduction kernels: plain loops over concrete NDArrays, no tracing. Every accumulator is a Float64Array
 * (float32 inputs are summed in double precision and rounded once when stored), and every loop runs over
 * `forEachRun`'s coalesced runs, so strided, flipped and broadcast inputs need no copy.
 *
 * Two iteration shapes are used:
 * - multi-axis reductions walk `x` once per pass with an accumulator operand whose strides are 0 on the
 *   reduced axes (NumPy's trick), so the inner loop is a tight scalar loop either way;
 * - single-axis scans (softmax, argmax, cumsum) walk one "lane" along the axis at a time.
 */
import {
  allocate,
  assign,
  contiguousStrides,
  type DType,
  forEachRun,
  full,
  NDArray,
  shapeSize,
  type TypedArray,
} from '@lucid-ts/ndarray';

export type ReduceKind = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all';

const INIT: Record<ReduceKind, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity, any: 0, all: 1 };

/** Strides of a contiguous accumulator of the kept axes, with 0 on the reduced ones. */
function accStrides(shape: readonly number[], axes: readonly number[]): number[] {
  const kept = shape.filter((_, i) => !axes.includes(i));
  const ks = contiguousStrides(kept);
  let k = 0;
  return shape.map((_, i) => (axes.includes(i) ? 0 : ks[k++]));
}

/** The number of elements each output element reduces. */
export function reducedCount(shape: readonly number[], axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= shape[a];
  return n;
}

/** Folds a run of `n` elements into one accumulator value: the inner loop of most reductions. */
function foldRun(kind: ReduceKind, d: TypedArray, i: number, si: number, n: number, s: number): number {
  switch (kind) {
    case 'sum':
      for (let q = 0; q < n; q++, i += si) s += d[i];
      return s;
    case 'prod':
      for (let q = 0; q < n; q++, i += si) s *= d[i];
      return s;
    case 'max':
      // NaN wins and then stays: `v > NaN` is false.
      for (let q = 0; q < n; q++, i += si) if (d[i] > s || Number.isNaN(d[i])) s = d[i];
      return s;
    case 'min':
      for (let q = 0; q < n; q++, i += si) if (d[i] < s || Number.isNaN(d[i])) s = d[i];
      return s;
    case 'any':
      for (let q = 0; q < n; q++, i += si) if (d[i] !== 0) return 1;
      return s;
    case 'all':
      for (let q = 0; q < n; q++, i += si) if (d[i] === 0) return 0;
      return s;
  }
}

/** Combines a run of `n` elements into as many accumulators (a run along kept axes). */
function mergeRun(
  kind: ReduceKind,
  d: TypedArray,
  i: number,
  si: number,
  n: number,
  acc: Float64Array,
  o: number,
  so: number,
): void {
  switch (kind) {
    case 'sum':
      for (let q = 0; q < n; q++, i += si, o += so) acc[o] += d[i];
      return;
    case 'prod':
      for (let q = 0; q < n; q++, i += si, o += so) acc[o] *= d[i];
      return;
    case 'max':
      for (let q = 0; q < n; q++, i += si, o += so) if (d[i] > acc[o] || Number.isNaN(d[i])) acc[o] = d[i];
      return;
    case 'min':
      for (let q = 0; q < n; q++, i += si, o += so) if (d[i] < acc[o] || Number.isNaN(d[i])) acc[o] = d[i];
      return;
    case 'any':
      for (let q = 0; q < n; q++, i += si, o += so) if (d[i] !== 0) acc[o] = 1;
      return;
    case 'all':
      for (let q = 0; q < n; q++, i += si, o += so) if (d[i] === 0) acc[o] = 0;
      return;
  }
}

/** Reduces `x` over the sorted `axes`; one float64 accumulator per output element (row-major kept order). */
export function reduceAcc(x: NDArray, axes: readonly number[], kind: ReduceKind): Float64Array {
  const strides = accStrides(x.shape, axes);
  const acc = new Float64Array(shapeSize(x.shape.filter((_, i) => !axes.includes(i)))).fill(INIT[kind]);
  const d = x.data;
  forEachRun(x.shape, [x, { strides, offset: 0 }], (n, [i0, o0], [si, so]) => {
    if (so === 0) acc[o0] = foldRun(kind, d, i0, si, n, acc[o0]);
    else mergeRun(kind, d, i0, si, n, acc, o0, so);
  });
  return acc;
}

/** Stores float64 values as an array of `dtype` and `shape`, rounding once. */
export function fromAcc(acc: Float64Array, dtype: DType, shape: readonly number[]): NDArray {
  const out = allocate(dtype, acc.length) as TypedArray;
  if (dtype === 'bool') for (let i = 0; i < acc.length; i++) out[i] = acc[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < acc.length; i++) out[i] = Math.trunc(acc[i]);
  else out.set(acc);
  return new NDArray(out, shape);
}

/** Per output element: `log(sum(exp(x)))`, shifted by the maximum so that nothing overflows. */
export function logsumexpAcc(x: NDArray, axes: readonly number[]): Float64Array {
  const m = reduceAcc(x, axes, 'max');
  // An infinite or NaN maximum is used unshifted: exp(x - inf) would give NaN for x = inf.
  for (let k = 0; k < m.length; k++)
    if (m[k] === Number.POSITIVE_INFINITY || m[k] === Number.NEGATIVE_INFINITY) m[k] = 0;
  const strides = accStrides(x.shape, axes);
  const s = new Float64Array(m.length);
  const d = x.data;
  forEachRun(x.shape, [x, { strides, offset: 0 }], (n, [i0, o0], [si, so]) => {
    if (so === 0) {
      const shift = m[o0];
      let t = s[o0];
      for (let q = 0, i = i0; q < n; q++, i += si) t += Math.exp(d[i] - shift);
      s[o0] = t;
    } else for (let q = 0, i = i0, o = o0; q < n; q++, i += si, o += so) s[o] += Math.exp(d[i] - m[o]);
  });
  for (let k = 0; k < m.length; k++) s[k] = m[k] + Math.log(s[k]);
  return s;
}

/**
 * Per output element: `sum((x - mean)^2) / max(0, n - correction)`, by the corrected two-pass algorithm
 * (the second pass also sums the deviations, whose square removes the rounding error of the mean).
 */
export function varianceAcc(x: NDArray, axes: readonly number[], correction: number): Float64Array {
  const n = reducedCount(x.shape, axes);
  const mean = reduceAcc(x, axes, 'sum');
  for (let k = 0; k < mean.length; k++) mean[k] /= n;
  const strides = accStrides(x.shape, axes);
  const s1 = new Float64Array(mean.length);
  const s2 = new Float64Array(mean.length);
  const d = x.data;
  forEachRun(x.shape, [x, { strides, offset: 0 }], (cnt, [i0, o0], [si, so]) => {
    if (so === 0) {
      const mu = mean[o0];
      let a = 0;
      let b = 0;
      for (let q = 0, i = i0; q < cnt; q++, i += si) {
        const dev = d[i] - mu;
        a += dev;
        b += dev * dev;
      }
      s1[o0] += a;
      s2[o0] += b;
    } else {
      for (let q = 0, i = i0, o = o0; q < cnt; q++, i += si, o += so) {
        const dev = d[i] - mean[o];
        s1[o] += dev;
        s2[o] += dev * dev;
      }
    }
  });
  const denom = Math.max(0, n - correction);
  for (let k = 0; k < s2.length; k++) s2[k] = (s2[k] - (s1[k] * s1[k]) / n) / denom;
  return s2;
}

/**
 * Calls `lane(xOffset, outOffset)` once per 1-D lane of `x` along `axis`. Out offsets index a contiguous
 * array of shape `outShape`, which is `x.shape` (axis kept) or `x.shape` without `axis`.
 */
function forEachLane(
  x: NDArray,
  axis: number,
  outShape: readonly number[],
  lane: (xo: number, oo: number) => void,
): void {
  const outer = x.shape.filter((_, i) => i !== axis);
  const xs = x.strides.filter((_, i) => i !== axis);
  const cs = contiguousStrides(outShape);
  const os = outShape.length === x.ndim ? cs.filter((_, i) => i !== axis) : cs;
  forEachRun(
    outer,
    [
      { strides: xs, offset: x.offset },
      { strides: os, offset: 0 },
    ],
    (n, [a, b], [sa, sb]) => {
      for (let q = 0; q < n; q++) lane(a + q * sa, b + q * sb);
    },
  );
}

/** Softmax (or log-softmax) along `axis`, max-shifted; a new contiguous array of x's dtype. */
export function softmaxKernel(x: NDArray, axis: number, log: boolean): NDArray {
  const out = allocate(x.dtype, x.size) as TypedArray;
  const n = x.shape[axis];
  if (x.size === 0) return new NDArray(out, x.shape);
  const d = x.data;
  const sx = x.strides[axis];
  const so = contiguousStrides(x.shape)[axis];
  const e = new Float64Array(n);
  forEachLane(x, axis, x.shape, (xo, oo) => {
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0, i = xo; k < n; k++, i += sx) if (d[i] > m || Number.isNaN(d[i])) m = d[i];
    if (m === Number.POSITIVE_INFINITY || m === Number.NEGATIVE_INFINITY) m = 0;
    let s = 0;
    for (let k = 0, i = xo; k < n; k++, i += sx) s += e[k] = Math.exp(d[i] - m);
    if (log) {
      const shift = m + Math.log(s);
      for (let k = 0, i = xo, o = oo; k < n; k++, i += sx, o += so) out[o] = d[i] - shift;
    } else {
      const inv = 1 / s;
      for (let k = 0, o = oo; k < n; k++, o += so) out[o] = e[k] * inv;
    }
  });
  return new NDArray(out, x.shape);
}

/** Index of the first maximum (or minimum) along `axis`, NaN counting as the extreme (NumPy); int32. */
export function argExtremeKernel(
  x: NDArray,
  axis: number,
  outShape: readonly number[],
  isMax: boolean,
): NDArray {
  const out = new Int32Array(shapeSize(outShape));
  const n = x.shape[axis];
  const d = x.data;
  const sx = x.strides[axis];
  forEachLane(x, axis, outShape, (xo, oo) => {
    let best = 0;
    let m = d[xo];
    if (!Number.isNaN(m)) {
      for (let k = 1, i = xo + sx; k < n; k++, i += sx) {
        const v = d[i];
        if (Number.isNaN(v)) {
          best = k;
          break;
        }
        if (isMax ? v > m : v < m) {
          m = v;
          best = k;
        }
      }
    }
    out[oo] = best;
  });
  return new NDArray(out, outShape);
}

/** Inclusive cumulative sum along `axis` (from the end when `reverse`), accumulated in float64. */
export function cumsumKernel(x: NDArray, axis: number, reverse: boolean, dtype: DType): NDArray {
  const out = allocate(dtype, x.size) as TypedArray;
  const n = x.shape[axis];
  if (x.size === 0) return new NDArray(out, x.shape);
  const d = x.data;
  const sx = reverse ? -x.strides[axis] : x.strides[axis];
  const so0 = contiguousStrides(x.shape)[axis];
  const so = reverse ? -so0 : so0;
  const start = reverse ? n - 1 : 0;
  forEachLane(x, axis, x.shape, (xo, oo) => {
    let s = 0;
    for (let k = 0, i = xo + start * x.strides[axis], o = oo + start * so0; k < n; k++, i += sx, o += so) {
      s += d[i];
      out[o] = s;
    }
  });
  return new NDArray(out, x.shape);
}

/** `out[..., i, ...] = x[..., i - k, ...]` along `axis`, and `fill` where `i - k` falls outside. */
export function shiftKernel(x: NDArray, axis: number, k: number, fill: number): NDArray {
  const out = full(x.shape, fill, { dtype: x.dtype });
  const n = x.shape[axis];
  const m = n - Math.abs(k);
  if (m <= 0) return out;
  const lead = Array.from({ length: axis }, () => null);
  const dst = out.slice(...lead, k > 0 ? { start: k } : { stop: m });
  const src = x.slice(...lead, k > 0 ? { stop: m } : { start: -k });
  assign(dst, src);
  return out;
}
