import { allocate, castScalar, checkDType, type DType, dtypeOf, type TypedArray } from './dtype.js';
import { ArgumentError, fmtShape, ShapeError } from './errors.js';
import { formatArray } from './format.js';
import {
  broadcastLayout,
  diagonalLayout,
  expandDimsLayout,
  flipLayout,
  inferShape,
  isContiguousLayout,
  type Layout,
  layoutExtent,
  permuteLayout,
  reshapeStrides,
  type SliceSpec,
  sliceLayout,
  squeezeLayout,
} from './layout.js';
import { forEachRun } from './loops.js';
import { contiguousStrides, shapeSize } from './shape.js';

/** Nested JS arrays of numbers, as `toArray()` returns them (a bare number for a 0-d array). */
export type NestedArray = number | NestedArray[];

const BRAND = Symbol.for('@lucid-ts/ndarray');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function shapeArgs(fn: string, args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as readonly number[]).slice();
  for (const a of args) {
    if (typeof a !== 'number')
      throw new ArgumentError(`${fn}: pass one array or several integers, got ${String(a)}`);
  }
  return args as number[];
}

/**
 * A strided view of a typed array: element `[i0, i1, ...]` lives at `data[offset + Σ ik·strides[k]]`.
 * Strides are in elements and may be 0 (broadcast) or negative (flip). Every NDArray is checked on
 * construction to stay inside its buffer, so a view can never read out of bounds.
 *
 * Views (`reshape`, `permute`, `slice`, `broadcastTo`, ...) share `data` and cost O(ndim). Arrays are
 * ordinary garbage-collected objects: there is nothing to dispose.
 */
export class NDArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly data: TypedArray;
  readonly size: number;
  private _contiguous: boolean | undefined;

  /**
   * Wraps `data` without copying. `strides` default to row-major; the layout is checked against the
   * buffer (use {@link NDArray.asStrided} to build one from another array).
   */
  constructor(data: TypedArray, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.dtype = dtypeOf(data);
    this.shape = Object.freeze(shape.slice());
    this.strides = Object.freeze(strides ? strides.slice() : contiguousStrides(shape));
    this.offset = offset;
    this.data = data;
    this.size = shapeSize(shape);
    checkLayout('NDArray', this.shape, this.strides, offset, data.length);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** True when the elements sit in row-major order in `data[offset .. offset + size)`. */
  get isContiguous(): boolean {
    this._contiguous ??= isContiguousLayout(this.shape, this.strides);
    return this._contiguous;
  }

  private view(l: Layout): NDArray {
    // An empty view reads nothing, so where its offset points is irrelevant; 0 is always valid.
    return new NDArray(this.data, l.shape, l.strides, shapeSize(l.shape) === 0 ? 0 : l.offset);
  }

  private get layout(): Layout {
    return { shape: this.shape.slice(), strides: this.strides.slice(), offset: this.offset };
  }

  /**
   * Same elements, new shape (one `-1` is inferred). A view when the strides allow it (always for a
   * contiguous array), otherwise a contiguous copy, as NumPy's `reshape`.
   * @example arange(6).reshape(2, -1) // shape [2, 3]
   */
  reshape(shape: readonly number[]): NDArray;
  reshape(...shape: number[]): NDArray;
  reshape(...args: (number | readonly number[])[]): NDArray {
    const shape = inferShape('reshape', this.size, shapeArgs('reshape', args));
    const strides = reshapeStrides(this.shape, this.strides, shape);
    if (strides) return new NDArray(this.data, shape, strides, this.offset);
    return this.copy().reshape(shape);
  }

  /** Reorders the axes: output axis `i` is input axis `axes[i]`. A view. */
  permute(axes: readonly number[]): NDArray;
  permute(...axes: number[]): NDArray;
  permute(...args: (number | readonly number[])[]): NDArray {
    return this.view(permuteLayout('permute', this.layout, shapeArgs('permute', args)));
  }

  /**
   * With no argument, reverses the axes (NumPy's `.T`); with two, swaps them (PyTorch's
   * `transpose(dim0, dim1)`). A view.
   */
  transpose(axis1?: number, axis2?: number): NDArray {
    const n = this.ndim;
    if (axis1 === undefined && axis2 === undefined) {
      return this.view(
        permuteLayout(
          'transpose',
          this.layout,
          this.shape.map((_, i) => n - 1 - i),
        ),
      );
    }
    if (axis1 === undefined || axis2 === undefined) {
      throw new ArgumentError(`transpose: give no axis or two axes, got ${axis1} and ${axis2}`);
    }
    const axes = this.shape.map((_, i) => i);
    const a = axis1 < 0 ? axis1 + n : axis1;
    const b = axis2 < 0 ? axis2 + n : axis2;
    if (!(a >= 0 && a < n && b >= 0 && b < n && Number.isInteger(a) && Number.isInteger(b))) {
      throw new ShapeError(
        `transpose: axes must be integers in [${-n}, ${n - 1}], got ${axis1} and ${axis2}`,
      );
    }
    axes[a] = b;
    axes[b] = a;
    return this.view(permuteLayout('transpose', this.layout, axes));
  }

  /**
   * NumPy basic indexing, one spec per leading axis: an integer picks one index and drops the axis
   * (negative counts from the end), `null` keeps the axis whole, `{ start, stop, step }` takes a range with
   * Python's rules (negative steps walk backwards). A view.
   * @example a.slice(0, { step: -1 }) // a[0, ::-1]
   */
  slice(...specs: SliceSpec[]): NDArray {
    return this.view(sliceLayout('slice', this.layout, specs));
  }

  /** Repeats the array along new leading axes and size-1 axes (stride 0). A view. */
  broadcastTo(shape: readonly number[]): NDArray {
    return this.view(broadcastLayout('broadcastTo', this.layout, shape));
  }

  /** Inserts a size-1 axis so that it becomes axis `axis` of the result (`-1` appends). A view. */
  expandDims(axis: number): NDArray {
    return this.view(expandDimsLayout('expandDims', this.layout, axis));
  }

  /** Drops the given size-1 axes (all size-1 axes when none is given). A view. */
  squeeze(axis?: number | readonly number[] | null): NDArray {
    return this.view(squeezeLayout('squeeze', this.layout, axis));
  }

  /** Reverses the order of elements along the given axes (all axes when none is given). A view. */
  flip(axis?: number | readonly number[] | null): NDArray {
    return this.view(flipLayout('flip', this.layout, axis));
  }

  /**
   * NumPy's `diagonal(offset, axis1, axis2)`: the diagonal of the (axis1, axis2) planes as the last axis
   * of the result. A view.
   */
  diagonal(offset = 0, axis1 = 0, axis2 = 1): NDArray {
    return this.view(diagonalLayout('diagonal', this.layout, offset, axis1, axis2));
  }

  /**
   * A view of the same buffer with any shape, strides and offset (in elements), checked to stay inside
   * the buffer. Sliding windows for pooling and im2col are built this way.
   * @example arange(5).asStrided([3, 3], [1, 1], 0) // windows [0,1,2], [1,2,3], [2,3,4]
   */
  asStrided(shape: readonly number[], strides: readonly number[], offset = 0): NDArray {
    checkLayout('asStrided', shape, strides, offset, this.data.length);
    return new NDArray(this.data, shape, strides, offset);
  }

  /** This array when it is already contiguous, else a contiguous copy. */
  contiguous(): NDArray {
    return this.isContiguous ? this : this.copy();
  }

  /** A contiguous copy with its own buffer. */
  copy(): NDArray {
    return this.astype(this.dtype);
  }

  /** A contiguous copy converted to `dtype` (bool: nonzero -> 1; int32: truncation toward zero). */
  astype(dtype: DType): NDArray {
    checkDType('astype', dtype);
    const out = allocate(dtype, this.size);
    const src = this.data;
    const cast = dtype === 'bool' && this.dtype !== 'bool';
    forEachRun(
      this.shape,
      [this, { strides: contiguousStrides(this.shape), offset: 0 }],
      (n, [i0, o0], [si, so]) => {
        let i = i0;
        let o = o0;
        if (cast) for (let k = 0; k < n; k++, i += si, o += so) out[o] = src[i] !== 0 ? 1 : 0;
        else for (let k = 0; k < n; k++, i += si, o += so) out[o] = src[i];
      },
    );
    return new NDArray(out, this.shape);
  }

  private flatIndex(fn: string, index: readonly number[]): number {
    if (index.length !== this.ndim) {
      throw new ArgumentError(
        `${fn}: expected ${this.ndim} indices for shape ${fmtShape(this.shape)}, got ${index.length}`,
      );
    }
    let off = this.offset;
    for (let k = 0; k < index.length; k++) {
      const n = this.shape[k];
      const i = index[k];
      if (!Number.isInteger(i) || i < -n || i >= n) {
        throw new ArgumentError(`${fn}: index ${i} is out of bounds for axis ${k} with size ${n}`);
      }
      off += (i < 0 ? i + n : i) * this.strides[k];
    }
    return off;
  }

  /** The element at a full index (negative indices count from the end). Bool elements read as 0 or 1. */
  get(...index: number[]): number {
    return this.data[this.flatIndex('get', index)];
  }

  /**
   * Writes one element in place (visible through every view of the same buffer). Refused on broadcast
   * views, where one write would change several elements.
   */
  set(index: number | readonly number[], value: number): void {
    const idx = typeof index === 'number' ? [index] : index;
    const off = this.flatIndex('set', idx);
    if (this.strides.some((s, k) => s === 0 && this.shape[k] > 1)) {
      throw new ArgumentError(
        `set: array is a broadcast view (stride 0), got strides [${this.strides.join(',')}]`,
      );
    }
    this.data[off] = castScalar(value, this.dtype);
  }

  /** The only element of a one-element array, as a JS number. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item: array must have exactly one element, got shape ${fmtShape(this.shape)}`);
    }
    return this.data[this.offset + 0];
  }

  /** Nested JS arrays in row-major order (a number for a 0-d array). */
  toArray(): NestedArray {
    const build = (axis: number, off: number): NestedArray => {
      if (axis === this.ndim) return this.data[off];
      const out: NestedArray[] = new Array(this.shape[axis]);
      for (let i = 0; i < this.shape[axis]; i++) out[i] = build(axis + 1, off + i * this.strides[axis]);
      return out;
    };
    return build(0, this.offset);
  }

  /** NumPy-style text, summarised with `...` past 1000 elements. */
  toString(): string {
    return formatArray(this);
  }

  [INSPECT](): string {
    return formatArray(this);
  }

  get [Symbol.toStringTag](): string {
    return 'NDArray';
  }

  /** Marks NDArrays even across duplicated copies of this package (see {@link isNDArray}). */
  get [BRAND](): true {
    return true;
  }
}

/** True for an NDArray, also one made by another copy of this package. */
export function isNDArray(x: unknown): x is NDArray {
  return (
    x instanceof NDArray ||
    (typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true)
  );
}

function checkLayout(
  fn: string,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  length: number,
): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${fn}: shape must hold non-negative integers, got ${fmtShape(shape ?? [])}`);
  }
  if (
    !Array.isArray(strides) ||
    strides.length !== shape.length ||
    strides.some((s) => !Number.isInteger(s))
  ) {
    throw new ShapeError(
      `${fn}: strides must be ${shape.length} integers for shape ${fmtShape(shape)}, got [${strides?.join(',')}]`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0)
    throw new ArgumentError(`${fn}: offset must be a non-negative integer, got ${offset}`);
  const ext = layoutExtent(shape, strides, offset);
  if (ext === null) {
    if (offset > length)
      throw new ArgumentError(`${fn}: offset ${offset} is past the buffer of ${length} elements`);
    return;
  }
  if (ext[0] < 0 || ext[1] >= length) {
    throw new ArgumentError(
      `${fn}: view reaches elements ${ext[0]}..${ext[1]} outside the buffer of ${length} elements, got shape ${fmtShape(shape)}, strides [${strides.join(',')}], offset ${offset}`,
    );
  }
}
