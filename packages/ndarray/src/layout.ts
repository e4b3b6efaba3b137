/**
 * View arithmetic: every zero-copy view is a new (shape, strides, offset) over the same buffer. These
 * functions compute that triple in O(ndim) and never touch data, so they are shared by the NDArray methods
 * and by kernels that build sliding-window views.
 */
import { ArgumentError, fmtShape, ShapeError } from './errors.js';
import { contiguousStrides, normalizeAxes, normalizeAxis, shapeSize } from './shape.js';

export interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
}

/** One axis of a `slice` call: an integer index (drops the axis), `null` (whole axis) or a range. */
export type SliceSpec = number | null | { start?: number | null; stop?: number | null; step?: number | null };

/** Smallest and largest element index a layout reaches (`null` for an empty layout). */
export function layoutExtent(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): [number, number] | null {
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) return null;
    const reach = (shape[i] - 1) * strides[i];
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi];
}

/** True when the layout visits `size` consecutive elements in row-major order starting at `offset`. */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  // No elements: vacuously contiguous, whatever the strides (NumPy agrees).
  if (shape.includes(0)) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    if (d === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** Resolves a single `-1` in a requested shape against the element count. */
export function inferShape(fn: string, size: number, requested: readonly number[]): number[] {
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < requested.length; i++) {
    const d = requested[i];
    if (d === -1) {
      if (unknown >= 0)
        throw new ShapeError(`${fn}: shape can hold at most one -1, got ${fmtShape(requested)}`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${fn}: shape must hold non-negative integers or one -1, got ${fmtShape(requested)}`,
      );
    } else known *= d;
  }
  const out = requested.slice();
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${fn}: cannot infer -1 in shape ${fmtShape(requested)} for ${size} elements`);
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new ShapeError(
      `${fn}: shape ${fmtShape(requested)} holds ${known} elements, got an array of ${size}`,
    );
  }
  return out;
}

/**
 * Strides that let `newShape` view the same elements in the same row-major order, or `null` when the
 * old strides make that impossible (then a reshape must copy). Same algorithm as NumPy's no-copy reshape:
 * match runs of old and new axes with equal products; each old run must be internally contiguous.
 */
export function reshapeStrides(
  shape: readonly number[],
  strides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (shapeSize(shape) === 0 || isContiguousLayout(shape, strides)) return contiguousStrides(newShape);
  const oldDims: number[] = [];
  const oldStrides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) {
      oldDims.push(shape[i]);
      oldStrides.push(strides[i]);
    }
  }
  const out = new Array<number>(newShape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (oi < oldDims.length && ni < newShape.length) {
    let oj = oi + 1;
    let nj = ni + 1;
    let op = oldDims[oi];
    let np = newShape[ni];
    while (op !== np) {
      if (np < op) np *= newShape[nj++];
      else op *= oldDims[oj++];
    }
    for (let k = oi; k < oj - 1; k++) if (oldStrides[k] !== oldStrides[k + 1] * oldDims[k + 1]) return null;
    out[nj - 1] = oldStrides[oj - 1];
    for (let k = nj - 1; k > ni; k--) out[k - 1] = out[k] * newShape[k];
    oi = oj;
    ni = nj;
  }
  // Trailing size-1 axes of the new shape: any stride works; use the dense one.
  for (let k = ni; k < newShape.length; k++) out[k] = 1;
  return out;
}

export function permuteLayout(fn: string, l: Layout, axes: readonly number[]): Layout {
  const ndim = l.shape.length;
  if (axes.length !== ndim) {
    throw new ShapeError(
      `${fn}: axes must list all ${ndim} axes, got [${axes.join(',')}] for shape ${fmtShape(l.shape)}`,
    );
  }
  const norm = axes.map((a) => normalizeAxis(fn, a, ndim, 'axes'));
  if (new Set(norm).size !== ndim) {
    throw new ShapeError(
      `${fn}: axes must be a permutation, got [${axes.join(',')}] for shape ${fmtShape(l.shape)}`,
    );
  }
  return { shape: norm.map((a) => l.shape[a]), strides: norm.map((a) => l.strides[a]), offset: l.offset };
}

function sliceArg(fn: string, v: number | null | undefined, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (!Number.isInteger(v)) throw new ArgumentError(`${fn}: ${what} must be an integer, got ${v}`);
  return v;
}

/** Python/NumPy slicing per axis; fewer specs than axes leaves the remaining axes whole. */
export function sliceLayout(fn: string, l: Layout, specs: readonly SliceSpec[]): Layout {
  const ndim = l.shape.length;
  if (specs.length > ndim) {
    throw new ShapeError(
      `${fn}: got ${specs.length} indices for an array of rank ${ndim}, shape ${fmtShape(l.shape)}`,
    );
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = l.offset;
  for (let ax = 0; ax < ndim; ax++) {
    const n = l.shape[ax];
    const st = l.strides[ax];
    const spec = ax < specs.length ? specs[ax] : null;
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -n || spec >= n) {
        throw new ArgumentError(`${fn}: index ${spec} is out of bounds for axis ${ax} with size ${n}`);
      }
      offset += (spec < 0 ? spec + n : spec) * st;
      continue;
    }
    if (spec !== null && (typeof spec !== 'object' || Array.isArray(spec))) {
      throw new ArgumentError(
        `${fn}: each index must be an integer, null or {start, stop, step}, got ${String(spec)}`,
      );
    }
    const step = sliceArg(fn, spec?.step, 'step') ?? 1;
    if (step === 0) throw new ArgumentError(`${fn}: step must be nonzero, got 0 on axis ${ax}`);
    let start = sliceArg(fn, spec?.start, 'start');
    let stop = sliceArg(fn, spec?.stop, 'stop');
    let len: number;
    if (step > 0) {
      start = start === null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
      stop = stop === null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
      len = stop > start ? Math.ceil((stop - start) / step) : 0;
    } else {
      start = start === null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
      stop = stop === null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
      len = start > stop ? Math.ceil((start - stop) / -step) : 0;
    }
    if (len > 0) offset += start * st;
    shape.push(len);
    strides.push(st * step);
  }
  return { shape, strides, offset };
}

/** Stride-0 view that repeats the array along new leading axes and along axes of size 1. */
export function broadcastLayout(fn: string, l: Layout, target: readonly number[]): Layout {
  const nd = target.length;
  const lead = nd - l.shape.length;
  const fail = () =>
    new ShapeError(`${fn}: cannot broadcast shape ${fmtShape(l.shape)} to ${fmtShape(target)}`);
  if (lead < 0) throw fail();
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < l.shape.length; i++) {
    const t = target[lead + i];
    if (!Number.isInteger(t) || t < 0) throw fail();
    if (l.shape[i] === t) strides[lead + i] = l.strides[i];
    else if (l.shape[i] !== 1) throw fail();
  }
  for (let i = 0; i < lead; i++) if (!Number.isInteger(target[i]) || target[i] < 0) throw fail();
  return { shape: target.slice(), strides, offset: l.offset };
}

export function expandDimsLayout(fn: string, l: Layout, axis: number): Layout {
  const ax = normalizeAxis(fn, axis, l.shape.length + 1);
  const shape = l.shape.slice();
  const strides = l.strides.slice();
  // Any stride is valid for a size-1 axis; this one keeps a contiguous array contiguous.
  const stride = ax < l.shape.length ? l.strides[ax] * l.shape[ax] : 1;
  shape.splice(ax, 0, 1);
  strides.splice(ax, 0, stride);
  return { shape, strides, offset: l.offset };
}

export function squeezeLayout(fn: string, l: Layout, axis?: number | readonly number[] | null): Layout {
  const ndim = l.shape.length;
  let drop: number[];
  if (axis === undefined || axis === null) {
    drop = l.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  } else {
    drop = normalizeAxes(fn, axis, ndim);
    for (const a of drop) {
      if (l.shape[a] !== 1) {
        throw new ShapeError(
          `${fn}: axis ${a} must have size 1 to be squeezed, got shape ${fmtShape(l.shape)}`,
        );
      }
    }
  }
  const keep = (_: number, i: number) => !drop.includes(i);
  return { shape: l.shape.filter(keep), strides: l.strides.filter(keep), offset: l.offset };
}

export function flipLayout(fn: string, l: Layout, axis?: number | readonly number[] | null): Layout {
  const axes = normalizeAxes(fn, axis, l.shape.length);
  const strides = l.strides.slice();
  let offset = l.offset;
  for (const a of axes) {
    if (l.shape[a] > 0) offset += (l.shape[a] - 1) * l.strides[a];
    strides[a] = -strides[a];
  }
  return { shape: l.shape.slice(), strides, offset };
}

/** NumPy `diagonal`: removes `axis1` and `axis2` and appends the diagonal as the last axis. */
export function diagonalLayout(fn: string, l: Layout, k: number, axis1: number, axis2: number): Layout {
  const ndim = l.shape.length;
  if (ndim < 2)
    throw new ShapeError(`${fn}: array must have at least 2 axes, got shape ${fmtShape(l.shape)}`);
  if (!Number.isInteger(k)) throw new ArgumentError(`${fn}: offset must be an integer, got ${k}`);
  const a1 = normalizeAxis(fn, axis1, ndim, 'axis1');
  const a2 = normalizeAxis(fn, axis2, ndim, 'axis2');
  if (a1 === a2) throw new ShapeError(`${fn}: axis1 and axis2 must differ, got ${axis1} and ${axis2}`);
  const n1 = l.shape[a1];
  const n2 = l.shape[a2];
  const len = Math.max(0, k >= 0 ? Math.min(n1, n2 - k) : Math.min(n1 + k, n2));
  let offset = l.offset;
  if (len > 0) offset += k >= 0 ? k * l.strides[a2] : -k * l.strides[a1];
  const keep = (_: number, i: number) => i !== a1 && i !== a2;
  return {
    shape: [...l.shape.filter(keep), len],
    strides: [...l.strides.filter(keep), l.strides[a1] + l.strides[a2]],
    offset,
  };
}

/**
 * Merges adjacent axes that every operand walks contiguously and drops size-1 axes, so that element
 * loops run over as few (and as long) dimensions as possible. A contiguous array becomes one axis.
 */
export function coalesce(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let k = 0; merge && k < stridesList.length; k++) {
      // The previous (outer) axis continues this one when its stride is this stride times this size.
      if (outStrides[k][last] !== stridesList[k][i] * d) merge = false;
    }
    if (merge) {
      outShape[last] *= d;
      for (let k = 0; k < stridesList.length; k++) outStrides[k][last] = stridesList[k][i];
    } else {
      outShape.push(d);
      for (let k = 0; k < stridesList.length; k++) outStrides[k].push(stridesList[k][i]);
    }
  }
  return { shape: outShape, strides: outStrides };
}
