/**
 * The pooling primitives, shared by sliding-window pooling (pool.ts) and adaptive pooling
 * (adaptive-pool.ts). Both describe their windows per spatial dimension as a {@link WindowDim} table;
 * the primitives and kernels do not care how the windows were chosen.
 *
 * - Average pooling is linear: `windowMean` (y = A x) and `windowMeanTranspose` (Aᵀ g) are each other's VJP.
 * - Max pooling is a pair of maps linear in a second argument `v`: `poolSelect(x, v)` reads `v` at each
 *   window's argmax of `x`, `poolScatter(x, g)` adds `g` back at those positions; `maxPool(x)` is
 *   `poolSelect(x, x)`. The argmax of `x` is piecewise constant (it only moves at ties), so neither has a
 *   derivative in `x`, and each is the other's transpose in `v`: grad(grad(f)) works through max pooling.
 *   The argmax is computed once from the concrete `x` and cached in the params that every primitive of one
 *   pooling call (and of its derivatives) shares.
 */
import { ArgumentError, DTypeError, fmtShape, isFloat, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, concreteOf } from '../core/tracer.js';
import { poolKernels, type WindowDim } from '../kernels/pool.js';
import { asArray } from './convert.js';
import { batched } from './spatial.js';

export type { WindowDim } from '../kernels/pool.js';

/** A float input, checked: `[N, C, *S]` (or unbatched `[C, *S]`) with non-zero C and S. */
export function poolInput(fn: string, x: NDArray, d: number): { x: NDArray; unbatched: boolean } {
  const a = asArray(x);
  if (!isFloat(a.dtype)) throw new DTypeError(`${fn}: input must be float32 or float64, got ${a.dtype}`);
  const r = batched(fn, a, d);
  if (r.x.shape.slice(1).some((v) => v === 0)) {
    throw new ShapeError(
      `${fn}: input must have non-zero channel and spatial sizes, got shape ${fmtShape(a.shape)}`,
    );
  }
  return r;
}

/** Throws unless `v` is a boolean (or undefined, meaning `fallback`). */
export function flag(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean')
    throw new ArgumentError(`${fn}: ${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * PyTorch's pooled length: `floor((in + 2p - d(k-1) - 1) / s) + 1`; in ceil mode `ceil(...) + 1`, minus
 * one when the last window would start in the right padding (`(out-1)·s >= in + p`). May be < 1.
 */
export function pooledSize(
  inSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = inSize + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padding) out--;
  return out;
}

/**
 * The windows of sliding-window pooling along one dimension: window `o` covers `o·s - p + j·d`,
 * `j < k`, of which only in-bounds positions are read. The average's divisor factor is the number of
 * positions inside the padded input, `min(start + k, in + p) - start` (PyTorch's count_include_pad; a
 * ceil-mode window hanging past the right padding does not count the overhang), or, without
 * `countIncludePad`, the number of in-bounds positions. Assumes `pooledSize(...) >= 1`.
 */
export function slidingWindows(
  inSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  ceilMode: boolean,
  countIncludePad = true,
): WindowDim {
  const outSize = pooledSize(inSize, kernel, stride, padding, dilation, ceilMode);
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const divisor = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padding;
    const lo = start >= 0 ? 0 : Math.ceil(-start / dilation);
    const hi = Math.min(kernel, Math.ceil((inSize - start) / dilation));
    first[o] = start + lo * dilation;
    count[o] = Math.max(0, hi - lo);
    divisor[o] = countIncludePad ? Math.min(start + kernel, inSize + padding) - start : count[o];
  }
  const interiorLo = Math.min(outSize, Math.ceil(padding / stride));
  const lastInside = Math.floor((inSize - 1 + padding - (kernel - 1) * dilation) / stride) + 1;
  return {
    inSize,
    outSize,
    kernel,
    stride,
    padding,
    dilation,
    interiorLo,
    interiorHi: Math.max(interiorLo, Math.min(outSize, lastInside)),
    first,
    count,
    divisor,
    overlaps: stride < (kernel - 1) * dilation + 1,
  };
}

/**
 * The windows of adaptive pooling along one dimension (PyTorch's rule): output `i` of `out` covers
 * `[floor(i·in/out), ceil((i+1)·in/out))`. When `out` divides `in` these are sliding windows of size and
 * stride `in/out`, which the kernels walk as a window view.
 */
export function adaptiveWindows(inSize: number, outSize: number): WindowDim {
  if (outSize > 0 && inSize % outSize === 0) {
    const k = inSize / outSize;
    return slidingWindows(inSize, k, k, 0, 1, false);
  }
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  let kernel = 0;
  for (let o = 0; o < outSize; o++) {
    first[o] = Math.floor((o * inSize) / outSize);
    count[o] = Math.floor(((o + 1) * inSize + outSize - 1) / outSize) - first[o];
    kernel = Math.max(kernel, count[o]);
  }
  return {
    inSize,
    outSize,
    kernel,
    stride: 1,
    padding: 0,
    dilation: 1,
    interiorLo: 0,
    interiorHi: 0,
    first,
    count,
    divisor: Float64Array.from(count),
    overlaps: true,
  };
}

export interface MeanParams {
  readonly dims: readonly WindowDim[];
  /** Divides every window by this instead of its own divisor (PyTorch `divisor_override`). */
  readonly divisorOverride: number | null;
}

const meanPrim = definePrimitive<MeanParams>({
  name: 'avgPool',
  impl: ([x], { dims, divisorOverride }) => poolKernels.mean(x, dims, divisorOverride),
  // y = A x is linear: dx = Aᵀ ct, each window's cotangent spread over it and divided by its divisor.
  vjp: (ct, { params }) => [windowMeanTranspose(ct, params)],
});

const meanTransposePrim = definePrimitive<MeanParams>({
  name: 'avgPoolTranspose',
  impl: ([g], { dims, divisorOverride }) => poolKernels.meanTranspose(g, dims, divisorOverride),
  // x = Aᵀ g is linear: dg = (Aᵀ)ᵀ ct = A ct.
  vjp: (ct, { params }) => [windowMean(ct, params)],
});

/** Window averages of `x` `[N, C, *In]` → `[N, C, *Out]` (differentiable to any order). */
export function windowMean(x: NDArray, params: MeanParams): NDArray {
  return bind(meanPrim, [x], params);
}

/** The transpose of {@link windowMean}: `g` `[N, C, *Out]` → `[N, C, *In]`. */
export function windowMeanTranspose(g: NDArray, params: MeanParams): NDArray {
  return bind(meanTransposePrim, [g], params);
}

export interface SelectParams {
  readonly dims: readonly WindowDim[];
  /** Each window's argmax of `x` (in-plane row-major indices), filled on first use. */
  readonly cache: { argmax: Int32Array | null };
}

/** Fresh params for one max pooling of windows `dims`. */
export function selectParams(dims: readonly WindowDim[]): SelectParams {
  return { dims, cache: { argmax: null } };
}

/**
 * Each window's first maximum of `x` in row-major kernel order, as an in-plane row-major index (PyTorch's
 * `return_indices`), plane by plane. Computed once per params from the concrete value of `x`.
 */
export function windowArgmax(x: NDArray, params: SelectParams): Int32Array {
  params.cache.argmax ??= poolKernels.argmax(concreteOf(x), params.dims);
  return params.cache.argmax;
}

const selectPrim = definePrimitive<SelectParams>({
  name: 'poolSelect',
  impl: ([x, v], p) => poolKernels.gather(v, windowArgmax(x, p), p.dims),
  // d select(x, v) = select(x, dv): constant in x (ties aside), linear in v; the transpose is scatter.
  vjp: (ct, { inputs: [x], params }) => [null, poolScatter(x, ct, params)],
});

const scatterPrim = definePrimitive<SelectParams>({
  name: 'poolScatter',
  impl: ([x, g], p) => poolKernels.scatter(g, windowArgmax(x, p), p.dims),
  // d scatter(x, g) = scatter(x, dg): constant in x, linear in g; the transpose is select.
  vjp: (ct, { inputs: [x], params }) => [null, poolSelect(x, ct, params)],
});

/** `v` (shaped like `x`) read at each window's argmax of `x`: `[N, C, *Out]`. */
export function poolSelect(x: NDArray, v: NDArray, params: SelectParams): NDArray {
  return bind(selectPrim, [x, v], params);
}

/** `g` (`[N, C, *Out]`) added at each window's argmax of `x`, into zeros shaped like `x`. */
export function poolScatter(x: NDArray, g: NDArray, params: SelectParams): NDArray {
  return bind(scatterPrim, [x, g], params);
}
