/**
 * Integer-array indexing: `take` (alias `gather`) and `takeAlongAxis`. Both are one gather primitive
 * whose VJP is a scatter-add (duplicate indices accumulate) whose own VJP is the gather again, so the
 * pair is differentiable to any order. Indices are int32 (plain JS number arrays are accepted); negative
 * indices count from the end, and out-of-range ones throw before anything is computed.
 */
import {
  ArgumentError,
  allocate,
  array,
  contiguousStrides,
  DTypeError,
  fmtShape,
  forEachRun,
  NDArray,
  normalizeAxis,
  ShapeError,
  shapeSize,
} from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { broadcastTo } from './broadcast.js';
import { type ArrayOrScalar, asArray } from './convert.js';
import { reshape } from './reshape.js';

/** Indices as taken by `take` and `takeAlongAxis`: an int32 array or (nested) JS integers. */
export type Indices = NDArray | readonly number[] | readonly (readonly number[])[];

/**
 * `along: false` (take): the indices' axes replace axis `axis` of x. `along: true` (takeAlongAxis):
 * x and the indices have the same rank and shape except along `axis`, and the result has the indices' shape.
 */
interface GatherParams {
  axis: number;
  along: boolean;
}

function gatherShape(
  xShape: readonly number[],
  idxShape: readonly number[],
  { axis, along }: GatherParams,
): number[] {
  return along ? idxShape.slice() : [...xShape.slice(0, axis), ...idxShape, ...xShape.slice(axis + 1)];
}

/**
 * Strides that walk the gather's output shape: the index operand repeats over x's other axes, and the
 * x operand repeats over the indices' axes (stride 0 along them; the index supplies the offset).
 */
function gatherStrides(
  xStrides: readonly number[],
  idx: NDArray,
  { axis, along }: GatherParams,
): { idxStrides: number[]; xStrides: number[] } {
  if (along)
    return { idxStrides: idx.strides.slice(), xStrides: xStrides.map((s, i) => (i === axis ? 0 : s)) };
  const after = xStrides.length - axis - 1;
  return {
    idxStrides: [...new Array(axis).fill(0), ...idx.strides, ...new Array(after).fill(0)],
    xStrides: [...xStrides.slice(0, axis), ...new Array(idx.ndim).fill(0), ...xStrides.slice(axis + 1)],
  };
}

/** out[p] = x[(p with the axis position replaced by idx[p])]. */
function gatherKernel(x: NDArray, idx: NDArray, params: GatherParams): NDArray {
  const shape = gatherShape(x.shape, idx.shape, params);
  const out = allocate(x.dtype, shapeSize(shape));
  const { idxStrides, xStrides } = gatherStrides(x.strides, idx, params);
  const step = x.strides[params.axis];
  const xd = x.data;
  const id = idx.data;
  forEachRun(
    shape,
    [
      { strides: contiguousStrides(shape), offset: 0 },
      { strides: idxStrides, offset: idx.offset },
      { strides: xStrides, offset: x.offset },
    ],
    (n, [o0, i0, s0], [so, si, sx]) => {
      for (let k = 0, o = o0, i = i0, s = s0; k < n; k++, o += so, i += si, s += sx)
        out[o] = xd[s + id[i] * step];
    },
  );
  return new NDArray(out, shape);
}

/** The transpose of {@link gatherKernel}: zeros of x's shape with each `src` element added at its index. */
function scatterAddKernel(src: NDArray, idx: NDArray, params: GatherParams & { size: number }): NDArray {
  const { axis, along, size } = params;
  const shape = along
    ? src.shape.map((d, i) => (i === axis ? size : d))
    : [...src.shape.slice(0, axis), size, ...src.shape.slice(axis + idx.ndim)];
  // Duplicate indices add up; a float64 accumulator keeps float32 sums to one rounding.
  const acc = new Float64Array(shapeSize(shape));
  const accStrides = contiguousStrides(shape);
  const { idxStrides, xStrides } = gatherStrides(accStrides, idx, params);
  const step = accStrides[axis];
  const sd = src.data;
  const id = idx.data;
  forEachRun(
    src.shape,
    [src, { strides: idxStrides, offset: idx.offset }, { strides: xStrides, offset: 0 }],
    (n, [c0, i0, s0], [sc, si, sx]) => {
      for (let k = 0, c = c0, i = i0, s = s0; k < n; k++, c += sc, i += si, s += sx)
        acc[s + id[i] * step] += sd[c];
    },
  );
  if (src.dtype === 'float64') return new NDArray(acc, shape);
  const out = allocate(src.dtype, acc.length);
  out.set(acc);
  return new NDArray(out, shape);
}

const gatherPrim = definePrimitive<GatherParams>({
  name: 'gather',
  impl: ([x, idx], params) => gatherKernel(x, idx, params),
  // d(x[idx]) = dx[idx]: each output's cotangent goes back to the element it read (duplicates add).
  vjp: (ct, { inputs: [x, idx], params }) => [
    scatterAdd(ct, idx, { ...params, size: x.shape[params.axis] }),
    null,
  ],
});

const scatterAddPrim = definePrimitive<GatherParams & { size: number }>({
  name: 'scatterAdd',
  impl: ([src, idx], params) => scatterAddKernel(src, idx, params),
  // Linear in src; its transpose reads the same positions back.
  vjp: (ct, { inputs: [, idx], params: { axis, along } }) => [
    bind(gatherPrim, [ct, idx], { axis, along }),
    null,
  ],
});

function scatterAdd(src: NDArray, idx: NDArray, params: GatherParams & { size: number }): NDArray {
  return bind(scatterAddPrim, [src, idx], params);
}

/**
 * Checks and normalises indices for an axis of length `n`: int32, every value in `[-n, n)`. Returns a
 * contiguous int32 copy with negative values wrapped.
 */
function checkIndices(fn: string, indices: Indices, n: number, axis: number): NDArray {
  let idx: NDArray;
  if (indices instanceof NDArray) {
    if (indices.dtype !== 'int32') throw new DTypeError(`${fn}: indices must be int32, got ${indices.dtype}`);
    idx = indices;
  } else {
    if (!Array.isArray(indices))
      throw new ArgumentError(
        `${fn}: indices must be an int32 NDArray or an array of integers, got ${typeof indices}`,
      );
    const raw = array(indices as number[]);
    if (raw.size > 0 && raw.dtype !== 'int32') {
      throw new ArgumentError(
        `${fn}: indices must be integers in the int32 range, got ${JSON.stringify(indices)}`,
      );
    }
    idx = raw.size > 0 ? raw : new NDArray(new Int32Array(0), raw.shape);
  }
  const out = idx.copy();
  const d = out.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < -n || v >= n)
      throw new ArgumentError(`${fn}: index ${v} is out of bounds for axis ${axis} with size ${n}`);
    if (v < 0) d[i] = v + n;
  }
  return out;
}

/**
 * Picks elements by integer index along `axis`: `out[..., j, ...] = x[..., indices[j], ...]`, where the
 * indices' axes replace `axis` (result shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`).
 * Without `axis`, indexes the flattened array. Negative indices count from the end.
 * NumPy/JAX `take(x, indices, axis)`, PyTorch `torch.index_select` (1-D indices) / `torch.take`.
 * @example take(array([[1, 2], [3, 4]]), [1, 0, 1], { axis: 0 }) // [[3, 4], [1, 2], [3, 4]]
 */
export function take(x: ArrayOrScalar, indices: Indices, options: { axis?: number | null } = {}): NDArray {
  let a = asArray(x);
  let axis = 0;
  if (options.axis === undefined || options.axis === null) a = reshape(a, [a.size]);
  else axis = normalizeAxis('take', options.axis, a.ndim);
  const idx = checkIndices('take', indices, a.shape[axis], axis);
  return bind(gatherPrim, [a, idx], { axis, along: false });
}

/** Alias of {@link take} (embedding lookups, `x[indices]` along an axis). For PyTorch's `torch.gather` see {@link takeAlongAxis}. */
export const gather = take;

/**
 * Picks one element per position along `axis`: `out[i, j, k] = x[i, indices[i, j, k], k]` for `axis = 1`.
 * `indices` has the rank of `x`; their other axes broadcast against each other (NumPy rules), and the
 * result has the broadcast shape with the indices' length along `axis`. `axis: null` uses the flattened
 * array. NumPy/JAX `take_along_axis`, PyTorch `torch.gather(x, axis, indices)` (equal shapes off the axis).
 * @example takeAlongAxis(array([[10, 20], [30, 40]]), array([[1], [0]]), 1) // [[20], [30]]
 */
export function takeAlongAxis(x: ArrayOrScalar, indices: Indices, axis: number | null): NDArray {
  let a = asArray(x);
  let ax = 0;
  if (axis === null) a = reshape(a, [a.size]);
  else ax = normalizeAxis('takeAlongAxis', axis, a.ndim);
  const idx = checkIndices('takeAlongAxis', indices, a.shape[ax], ax);
  if (idx.ndim !== a.ndim) {
    throw new ShapeError(
      `takeAlongAxis: indices must have the rank of x (${a.ndim}), got indices ${fmtShape(idx.shape)} and x ${fmtShape(a.shape)}`,
    );
  }
  const shape = a.shape.map((d, i) => {
    const e = idx.shape[i];
    if (i === ax || d === e || e === 1) return d;
    if (d === 1) return e;
    throw new ShapeError(
      `takeAlongAxis: x and indices must broadcast except along axis ${ax}, got x ${fmtShape(a.shape)} and indices ${fmtShape(idx.shape)}`,
    );
  });
  const xb = broadcastTo(a, shape);
  const ib = idx.broadcastTo(shape.map((d, i) => (i === ax ? idx.shape[ax] : d)));
  return bind(gatherPrim, [xb, ib], { axis: ax, along: true });
}
