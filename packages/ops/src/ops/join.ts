/**
 * Joining and splitting: `concat stack split`. `concat` is the one copying primitive (its VJP slices
 * the cotangent back into pieces); `stack` is `expandDims` + `concat`, and `split` is a list of slices.
 */
import {
  ArgumentError,
  allocate,
  assign,
  fmtShape,
  NDArray,
  normalizeAxis,
  ShapeError,
  type SliceSpec,
} from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { type ArrayOrScalar, asArray, resultDType } from './convert.js';
import { expandDims, slice } from './shape.js';

/** Specs selecting `[start, stop)` along `axis` (all of every other axis). */
function rangeSpecs(axis: number, start: number, stop: number): SliceSpec[] {
  const specs: SliceSpec[] = new Array(axis).fill(null);
  specs.push({ start, stop });
  return specs;
}

const concatPrim = definePrimitive<{ axis: number }>({
  name: 'concat',
  impl: (xs, { axis }) => {
    const shape = xs[0].shape.slice();
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
    const out = new NDArray(
      allocate(
        xs[0].dtype,
        shape.reduce((p, d) => p * d, 1),
      ),
      shape,
    );
    let start = 0;
    for (const x of xs) {
      assign(out.slice(...rangeSpecs(axis, start, start + x.shape[axis])), x);
      start += x.shape[axis];
    }
    return out;
  },
  // Each input owns a contiguous range of the output along `axis`: its cotangent is that range.
  vjp: (ct, { inputs, params: { axis } }) => {
    let start = 0;
    return inputs.map((x) => {
      const stop = start + x.shape[axis];
      const piece = slice(ct, ...rangeSpecs(axis, start, stop));
      start = stop;
      return piece;
    });
  },
});

function checkList(fn: string, xs: readonly ArrayOrScalar[]): NDArray[] {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ArgumentError(
      `${fn}: xs must be a non-empty list of arrays, got ${Array.isArray(xs) ? 'an empty list' : typeof xs}`,
    );
  }
  const dtype = resultDType(...xs);
  return xs.map((x) => asArray(x, dtype));
}

/**
 * Joins arrays along an existing axis; all other axes must match, dtypes promote (as in `add`).
 * PyTorch `torch.cat`, NumPy/JAX `concatenate`.
 * @example concat([zeros([2, 3]), zeros([1, 3])]).shape // [3, 3]
 */
export function concat(xs: readonly ArrayOrScalar[], axis = 0): NDArray {
  const arrays = checkList('concat', xs);
  const first = arrays[0];
  if (first.ndim === 0)
    throw new ShapeError('concat: arrays must have at least 1 dimension, got shape [] at entry 0');
  const ax = normalizeAxis('concat', axis, first.ndim);
  arrays.forEach((x, i) => {
    if (x.ndim !== first.ndim || x.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new ShapeError(
        `concat: arrays must have the same shape except along axis ${ax}, got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(x.shape)} at entry ${i}`,
      );
    }
  });
  if (arrays.length === 1) return first;
  return bind(concatPrim, arrays, { axis: ax });
}

/**
 * Joins equally shaped arrays along a new axis, which becomes axis `axis` of the result (negative values
 * count from the end of the result, rank + 1). PyTorch `torch.stack`, NumPy/JAX `stack`.
 * @example stack([zeros([2, 3]), zeros([2, 3])], -1).shape // [2, 3, 2]
 */
export function stack(xs: readonly ArrayOrScalar[], axis = 0): NDArray {
  const arrays = checkList('stack', xs);
  const first = arrays[0];
  arrays.forEach((x, i) => {
    if (x.ndim !== first.ndim || x.shape.some((d, k) => d !== first.shape[k])) {
      throw new ShapeError(
        `stack: arrays must have the same shape, got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(x.shape)} at entry ${i}`,
      );
    }
  });
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    arrays.map((x) => expandDims(x, ax)),
    ax,
  );
}

/**
 * Splits `x` along `axis` into views: a number `n` gives `n` equal sections (which must divide the axis);
 * an array gives the split points (`[2, 5]` gives `x[:2]`, `x[2:5]`, `x[5:]`, with Python slice bounds).
 * NumPy/JAX `split`; PyTorch `torch.tensor_split` (not `torch.split`, which takes section sizes).
 * @example split(arange(6), 3).map((p) => p.shape) // [[2], [2], [2]]
 */
export function split(x: ArrayOrScalar, indicesOrSections: number | readonly number[], axis = 0): NDArray[] {
  const a = asArray(x);
  const ax = normalizeAxis('split', axis, a.ndim);
  const n = a.shape[ax];
  let points: number[];
  if (typeof indicesOrSections === 'number') {
    const k = indicesOrSections;
    if (!Number.isInteger(k) || k <= 0 || n % k !== 0) {
      throw new ArgumentError(
        `split: sections must be a positive integer that divides axis ${ax} (size ${n}) evenly, got ${k} for shape ${fmtShape(a.shape)}`,
      );
    }
    points = Array.from({ length: k - 1 }, (_, i) => ((i + 1) * n) / k);
  } else {
    if (!Array.isArray(indicesOrSections) || !indicesOrSections.every((i) => Number.isInteger(i))) {
      throw new ArgumentError(`split: indices must be integers, got ${JSON.stringify(indicesOrSections)}`);
    }
    points = indicesOrSections.slice();
  }
  const bounds: (number | null)[] = [0, ...points, null];
  return bounds.slice(1).map((stop, i) => {
    const specs: SliceSpec[] = new Array(ax).fill(null);
    specs.push({ start: bounds[i], stop });
    return slice(a, ...specs);
  });
}
