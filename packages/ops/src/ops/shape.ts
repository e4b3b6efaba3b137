/**
 * Shape ops: `permute transpose moveaxis slice expandDims unsqueeze squeeze flip pad`. All but `pad` are
 * zero-copy views. Their VJPs are the inverse relabelling (permute, flip, reshape) or, for `slice`, a
 * scatter into zeros whose own VJP is the slice again, so every op here is differentiable to any order.
 */
import {
  ArgumentError,
  assign,
  fmtShape,
  full,
  type NDArray,
  normalizeAxes,
  normalizeAxis,
  ShapeError,
  type SliceSpec,
  zeros,
} from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, registerTracerViewOps } from '../core/tracer.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { reshape } from './reshape.js';

function inversePermutation(axes: readonly number[]): number[] {
  const inv = new Array<number>(axes.length);
  axes.forEach((a, i) => {
    inv[a] = i;
  });
  return inv;
}

const permutePrim = definePrimitive<{ axes: number[] }>({
  name: 'permute',
  impl: ([x], { axes }) => x.permute(axes),
  // A relabelling of axes: the cotangent goes back through the inverse permutation.
  vjp: (ct, { params: { axes } }) => [permute(ct, inversePermutation(axes))],
});

/**
 * Reorders the axes: output axis `i` is input axis `axes[i]` (negative axes count from the end). A view.
 * PyTorch `x.permute(*axes)`, NumPy/JAX `transpose(x, axes)`.
 * @example permute(zeros([2, 3, 4]), [2, 0, 1]).shape // [4, 2, 3]
 */
export function permute(x: ArrayOrScalar, axes: readonly number[]): NDArray {
  const a = asArray(x);
  if (!Array.isArray(axes) || axes.length !== a.ndim) {
    throw new ShapeError(
      `permute: axes must list all ${a.ndim} axes, got [${Array.isArray(axes) ? axes.join(',') : String(axes)}] for shape ${fmtShape(a.shape)}`,
    );
  }
  const norm = axes.map((ax) => normalizeAxis('permute', ax, a.ndim, 'axes'));
  if (new Set(norm).size !== norm.length) {
    throw new ShapeError(
      `permute: axes must be a permutation, got [${axes.join(',')}] for shape ${fmtShape(a.shape)}`,
    );
  }
  if (norm.every((ax, i) => ax === i)) return a;
  return bind(permutePrim, [a], { axes: norm });
}

/**
 * With no axis, reverses all axes (NumPy `x.T`); with two, swaps them (PyTorch `x.transpose(i, j)`). A view.
 * @example transpose(zeros([2, 3, 4]), 0, 2).shape // [4, 3, 2]
 */
export function transpose(x: ArrayOrScalar, axis1?: number, axis2?: number): NDArray {
  const a = asArray(x);
  const n = a.ndim;
  const axes = a.shape.map((_, i) => i);
  if (axis1 === undefined && axis2 === undefined) return permute(a, axes.reverse());
  if (axis1 === undefined || axis2 === undefined) {
    throw new ArgumentError(`transpose: give no axis or two axes, got ${axis1} and ${axis2}`);
  }
  const i = normalizeAxis('transpose', axis1, n, 'axis1');
  const j = normalizeAxis('transpose', axis2, n, 'axis2');
  [axes[i], axes[j]] = [j, i];
  return permute(a, axes);
}

/**
 * Moves axes `source` to positions `destination`; the other axes keep their order. A view.
 * NumPy/JAX `moveaxis`, PyTorch `torch.movedim`.
 * @example moveaxis(zeros([2, 3, 4]), 0, -1).shape // [3, 4, 2]
 */
export function moveaxis(
  x: ArrayOrScalar,
  source: number | readonly number[],
  destination: number | readonly number[],
): NDArray {
  const a = asArray(x);
  const src = (typeof source === 'number' ? [source] : source).map((s) =>
    normalizeAxis('moveaxis', s, a.ndim, 'source'),
  );
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) =>
    normalizeAxis('moveaxis', d, a.ndim, 'destination'),
  );
  if (src.length !== dst.length) {
    throw new ArgumentError(
      `moveaxis: source and destination must have the same number of axes, got ${src.length} and ${dst.length}`,
    );
  }
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) {
    throw new ShapeError(
      `moveaxis: axes must not repeat, got source [${src.join(',')}] and destination [${dst.join(',')}]`,
    );
  }
  const order = a.shape.map((_, i) => i).filter((i) => !src.includes(i));
  const moves = dst.map((d, k) => [d, src[k]]).sort((p, q) => p[0] - q[0]);
  for (const [d, s] of moves) order.splice(d, 0, s);
  return permute(a, order);
}

interface SliceParams {
  specs: SliceSpec[];
}

const slicePrim = definePrimitive<SliceParams>({
  name: 'slice',
  impl: ([x], { specs }) => x.slice(...specs),
  // Each selected element came from one input position; the others get zero.
  vjp: (ct, { inputs: [x], params: { specs } }) => [sliceScatter(ct, x.shape, specs)],
});

const sliceScatterPrim = definePrimitive<SliceParams & { shape: number[] }>({
  name: 'sliceScatter',
  impl: ([src], { shape, specs }) => {
    const out = zeros(shape, { dtype: src.dtype });
    assign(out.slice(...specs), src);
    return out;
  },
  // A linear scatter into zeros; its transpose reads the same positions back.
  vjp: (ct, { params: { specs } }) => [slice(ct, ...specs)],
});

/** Zeros of `shape` with `src` written at `slice(·, ...specs)` (the transpose of `slice`). */
function sliceScatter(src: NDArray, shape: readonly number[], specs: readonly SliceSpec[]): NDArray {
  return bind(sliceScatterPrim, [src], { shape: shape.slice(), specs: specs.slice() });
}

function copySpec(spec: SliceSpec): SliceSpec {
  return spec !== null && typeof spec === 'object' ? { ...spec } : spec;
}

/**
 * NumPy basic indexing with exactly the semantics of `NDArray.slice`: one spec per leading axis; an
 * integer picks an index and drops the axis (negative counts from the end), `null` keeps the axis, and
 * `{ start, stop, step }` is a Python slice (negative steps walk backwards; bounds are clamped). A view.
 * Its VJP scatters the cotangent into zeros. PyTorch/NumPy `x[i, a:b:s, ...]`.
 * @example slice(arange(10), { start: 1, stop: 8, step: 3 }) // [1, 4, 7]
 */
export function slice(x: ArrayOrScalar, ...specs: SliceSpec[]): NDArray {
  const a = asArray(x);
  if (specs.length > a.ndim) {
    throw new ShapeError(
      `slice: got ${specs.length} indices for an array of rank ${a.ndim}, shape ${fmtShape(a.shape)}`,
    );
  }
  if (specs.every((s) => s === null)) return a;
  return bind(slicePrim, [a], { specs: specs.map(copySpec) });
}

function insertAxis(fn: string, x: ArrayOrScalar, axis: number): NDArray {
  const a = asArray(x);
  const ax = normalizeAxis(fn, axis, a.ndim + 1);
  const shape = a.shape.slice();
  shape.splice(ax, 0, 1);
  return reshape(a, shape);
}

/**
 * Inserts a size-1 axis so that it becomes axis `axis` of the result; `axis` lies in
 * `[-(ndim+1), ndim]` (negative values count from the end of the result). A view.
 * NumPy/JAX `expand_dims`, PyTorch `unsqueeze`.
 * @example expandDims(zeros([2, 3]), -1).shape // [2, 3, 1]
 */
export function expandDims(x: ArrayOrScalar, axis: number): NDArray {
  return insertAxis('expandDims', x, axis);
}

/** Alias of {@link expandDims} under PyTorch's name. @example unsqueeze(zeros([3]), 0).shape // [1, 3] */
export function unsqueeze(x: ArrayOrScalar, axis: number): NDArray {
  return insertAxis('unsqueeze', x, axis);
}

/**
 * Removes size-1 axes: the given ones (each must have size 1, as in NumPy and JAX; PyTorch silently
 * ignores others) or, by default, all of them. A view. PyTorch `squeeze`, NumPy `squeeze`.
 * @example squeeze(zeros([1, 3, 1])).shape // [3]
 */
export function squeeze(x: ArrayOrScalar, axis?: number | readonly number[] | null): NDArray {
  const a = asArray(x);
  const axes =
    axis === undefined || axis === null
      ? a.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, a.ndim);
  for (const ax of axes) {
    if (a.shape[ax] !== 1) {
      throw new ShapeError(
        `squeeze: axis ${ax} must have size 1 to be squeezed, got shape ${fmtShape(a.shape)}`,
      );
    }
  }
  return reshape(
    a,
    a.shape.filter((_, i) => !axes.includes(i)),
  );
}

const flipPrim = definePrimitive<{ axes: number[] }>({
  name: 'flip',
  impl: ([x], { axes }) => x.flip(axes),
  vjp: (ct, { params: { axes } }) => [flip(ct, axes)], // flipping is its own inverse and transpose
});

/**
 * Reverses the order of elements along `axes` (default: all axes; an empty list is the identity). A view
 * with negative strides. PyTorch `torch.flip`, NumPy `np.flip`.
 * @example flip(arange(4)) // [3, 2, 1, 0]
 */
export function flip(x: ArrayOrScalar, axes?: number | readonly number[] | null): NDArray {
  const a = asArray(x);
  const norm = normalizeAxes('flip', axes, a.ndim, 'axes').filter((ax) => a.shape[ax] > 1);
  if (norm.length === 0) return a;
  return bind(flipPrim, [a], { axes: norm });
}

export interface PadOptions {
  /** The constant written into the padding (default 0). */
  value?: number;
}

interface PadParams {
  pads: [number, number][];
  value: number;
}

/** The specs that select the original `shape` inside its padded version. */
function cropSpecs(pads: readonly (readonly [number, number])[], shape: readonly number[]): SliceSpec[] {
  return pads.map(([before], i) => ({ start: before, stop: before + shape[i] }));
}

const padPrim = definePrimitive<PadParams>({
  name: 'pad',
  impl: ([x], { pads, value }) => {
    const out = full(
      x.shape.map((d, i) => d + pads[i][0] + pads[i][1]),
      value,
      { dtype: x.dtype },
    );
    assign(out.slice(...cropSpecs(pads, x.shape)), x);
    return out;
  },
  // The padding is constant: only the cropped interior depends on x.
  vjp: (ct, { inputs: [x], params: { pads } }) => [slice(ct, ...cropSpecs(pads, x.shape))],
});

/**
 * Constant padding: `pads[i] = [before, after]` (non-negative integers) adds that many elements filled
 * with `value` on each side of axis `i`; one pair for every axis. Its VJP crops.
 * PyTorch `F.pad(x, pads reversed and flattened, value=value)`, NumPy `np.pad(x, pads, constant_values=value)`.
 * @example pad(array([1, 2]), [[1, 2]], { value: 9 }) // [9, 1, 2, 9, 9]
 */
export function pad(
  x: ArrayOrScalar,
  pads: readonly (readonly [number, number])[],
  options: PadOptions = {},
): NDArray {
  const a = asArray(x);
  const value = options.value ?? 0;
  if (!Array.isArray(pads) || pads.length !== a.ndim) {
    throw new ShapeError(
      `pad: pads must hold one [before, after] pair for each of the ${a.ndim} axes, got ${JSON.stringify(pads)} for shape ${fmtShape(a.shape)}`,
    );
  }
  for (const p of pads) {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new ArgumentError(
        `pad: each pad must be a pair of non-negative integers, got ${JSON.stringify(p)}`,
      );
    }
  }
  if (typeof value !== 'number') throw new ArgumentError(`pad: value must be a number, got ${typeof value}`);
  if (pads.every(([b, e]) => b === 0 && e === 0)) return a;
  return bind(padPrim, [a], { pads: pads.map(([b, e]): [number, number] => [b, e]), value });
}

registerTracerViewOps({ permute, flip, sliceView: (x, specs) => slice(x, ...specs) });
