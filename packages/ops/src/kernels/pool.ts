/**
 * Pooling kernels. Every pooling window is a box that is separable across the spatial dimensions: along
 * one dimension, output `o` reads `count[o]` in-bounds positions starting at `first[o]`, `dilation` apart
 * (see {@link WindowDim}). Sliding windows (max/avg pooling) and adaptive windows share these kernels.
 *
 * Kernels normalise to three spatial dimensions (leading trivial ones) and split the output in two:
 * - the interior box, whose windows lie entirely inside the input, is an `asStrided` window view
 *   `[N, C, *Out, *K]` with strides `(stride·s, dilation·s)`, walked with `forEachRun` and a flat loop over
 *   the kernel offsets, with no bounds checks;
 * - the border windows (padding, ceil-mode overhang, irregular adaptive windows) are walked through lists
 *   of their in-bounds offsets, built once per call: padded positions are never read, so max pooling
 *   treats them as -inf and average pooling as 0, without a padded copy of the input.
 * Sums accumulate in doubles and round once when stored; scatters into float32 accumulate in a Float64Array.
 */
import { allocate, forEachRun, NDArray, type StridedOperand, type TypedArray } from '@lucid-ts/ndarray';

/** Where the windows of one spatial dimension read. */
export interface WindowDim {
  readonly inSize: number;
  readonly outSize: number;
  /** Sliding-window geometry: window `o` covers `o*stride - padding + j*dilation`, `j < kernel`. */
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  /** Outputs `[interiorLo, interiorHi)` have all `kernel` positions inside the input. */
  readonly interiorLo: number;
  readonly interiorHi: number;
  /** Per output: the first in-bounds position and the number of in-bounds positions (`dilation` apart). */
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** Per output: this dimension's factor of the average's divisor (the divisor is their product). */
  readonly divisor: Float64Array;
  /** Whether two windows may share an input position (then scatters must accumulate). */
  readonly overlaps: boolean;
}

const TRIVIAL: WindowDim = {
  inSize: 1,
  outSize: 1,
  kernel: 1,
  stride: 1,
  padding: 0,
  dilation: 1,
  interiorLo: 0,
  interiorHi: 1,
  first: new Int32Array([0]),
  count: new Int32Array([1]),
  divisor: new Float64Array([1]),
  overlaps: false,
};

/** `[N, C, *S]` seen as `[N, C, D, H, W]` (a view), with the dims padded to three. */
interface Geometry {
  x5: NDArray;
  d: readonly [WindowDim, WindowDim, WindowDim];
  planes: number;
  inPlane: number;
  outPlane: number;
}

function pad3(dims: readonly WindowDim[]): Geometry['d'] {
  return [...new Array<WindowDim>(3 - dims.length).fill(TRIVIAL), ...dims] as unknown as Geometry['d'];
}

function geometry(x: NDArray, dims: readonly WindowDim[]): Geometry {
  const d3 = pad3(dims);
  const x5 = x.reshape([x.shape[0], x.shape[1], ...d3.map((w) => w.inSize)]);
  return {
    x5,
    d: d3,
    planes: x.shape[0] * x.shape[1],
    inPlane: d3[0].inSize * d3[1].inSize * d3[2].inSize,
    outPlane: d3[0].outSize * d3[1].outSize * d3[2].outSize,
  };
}

/** The interior windows of `a` (an input-shaped `[N, C, D, H, W]` array) as a window view, or null. */
interface Interior {
  /** `[N, C, *OutBox]`: the window axes of the view. */
  shape: number[];
  /** The window view's first five axes: where each window starts in `a.data`. */
  windows: StridedOperand;
  /** The same windows' positions in a contiguous `[N, C, *Out]` array. */
  out: StridedOperand;
  /** Their window starts as in-plane row-major input indices (PyTorch's `indices` convention). */
  logical: StridedOperand;
  /** Per kernel position (row-major over kernel offsets): memory offset and in-plane index offset. */
  koff: Int32Array;
  klog: Int32Array;
}

function interior(a: NDArray, d: Geometry['d']): Interior | null {
  if (d.some((w) => w.interiorHi <= w.interiorLo)) return null;
  const [sN, sC, ...s] = a.strides;
  const box = d.map((w) => w.interiorHi - w.interiorLo);
  const outStrides = [d[1].outSize * d[2].outSize, d[2].outSize, 1];
  const logStrides = [d[1].inSize * d[2].inSize, d[2].inSize, 1];
  const start = d.map((w) => w.interiorLo * w.stride - w.padding);
  const view = a.asStrided(
    [a.shape[0], a.shape[1], ...box, ...d.map((w) => w.kernel)],
    [sN, sC, ...d.map((w, i) => w.stride * s[i]), ...d.map((w, i) => w.dilation * s[i])],
    a.offset + start[0] * s[0] + start[1] * s[1] + start[2] * s[2],
  );
  const outPlane = d[0].outSize * outStrides[0];
  const K = d[0].kernel * d[1].kernel * d[2].kernel;
  const koff = new Int32Array(K);
  const klog = new Int32Array(K);
  let j = 0;
  for (let j0 = 0; j0 < d[0].kernel; j0++)
    for (let j1 = 0; j1 < d[1].kernel; j1++)
      for (let j2 = 0; j2 < d[2].kernel; j2++, j++) {
        koff[j] = j0 * view.strides[5] + j1 * view.strides[6] + j2 * view.strides[7];
        klog[j] =
          j0 * d[0].dilation * logStrides[0] + j1 * d[1].dilation * logStrides[1] + j2 * d[2].dilation;
      }
  return {
    shape: view.shape.slice(0, 5),
    windows: { strides: view.strides.slice(0, 5), offset: view.offset },
    out: {
      strides: [a.shape[1] * outPlane, outPlane, ...outStrides],
      offset: d.reduce((acc, w, i) => acc + w.interiorLo * outStrides[i], 0),
    },
    logical: {
      strides: [0, 0, ...d.map((w, i) => w.stride * logStrides[i])],
      offset: start[0] * logStrides[0] + start[1] * logStrides[1] + start[2],
    },
    koff,
    klog,
  };
}

/** The windows outside the interior box, each with the list of its in-bounds positions. */
interface Border {
  /** Number of border windows per (N, C) plane. */
  count: number;
  /** In-plane output index of each border window. */
  out: Int32Array;
  /** Window `b` reads entries `ptr[b] .. ptr[b + 1] - 1` of `mem` and `log`. */
  ptr: Int32Array;
  /** Memory offset of each position from the plane's base (for the strides given). */
  mem: Int32Array;
  /** In-plane row-major input index of each position. */
  log: Int32Array;
  /** Product of the per-dimension divisors of each window. */
  div: Float64Array;
}

function border(d: Geometry['d'], strides: readonly number[]): Border {
  const inner = (w: WindowDim, o: number) => o >= w.interiorLo && o < w.interiorHi;
  const [A, B, C] = d;
  let windows = 0;
  let total = 0;
  for (let o0 = 0; o0 < A.outSize; o0++)
    for (let o1 = 0; o1 < B.outSize; o1++)
      for (let o2 = 0; o2 < C.outSize; o2++) {
        if (inner(A, o0) && inner(B, o1) && inner(C, o2)) continue;
        windows++;
        total += A.count[o0] * B.count[o1] * C.count[o2];
      }
  const r: Border = {
    count: windows,
    out: new Int32Array(windows),
    ptr: new Int32Array(windows + 1),
    mem: new Int32Array(total),
    log: new Int32Array(total),
    div: new Float64Array(windows),
  };
  const L1 = C.inSize;
  const L0 = B.inSize * L1;
  let b = 0;
  let t = 0;
  for (let o0 = 0; o0 < A.outSize; o0++)
    for (let o1 = 0; o1 < B.outSize; o1++)
      for (let o2 = 0; o2 < C.outSize; o2++) {
        if (inner(A, o0) && inner(B, o1) && inner(C, o2)) continue;
        r.out[b] = (o0 * B.outSize + o1) * C.outSize + o2;
        r.div[b] = A.divisor[o0] * B.divisor[o1] * C.divisor[o2];
        // Row-major over the window, so positions come in increasing in-plane index (the tie rule).
        for (let j0 = 0, i0 = A.first[o0]; j0 < A.count[o0]; j0++, i0 += A.dilation)
          for (let j1 = 0, i1 = B.first[o1]; j1 < B.count[o1]; j1++, i1 += B.dilation)
            for (let j2 = 0, i2 = C.first[o2]; j2 < C.count[o2]; j2++, i2 += C.dilation, t++) {
              r.mem[t] = i0 * strides[0] + i1 * strides[1] + i2 * strides[2];
              r.log[t] = i0 * L0 + i1 * L1 + i2;
            }
        r.ptr[++b] = t;
      }
  return r;
}

/** Base offset of each (N, C) plane of a `[N, C, ...]` array, in plane order. */
function planeBases(a: NDArray): Int32Array {
  const [n, c] = a.shape;
  const bases = new Int32Array(n * c);
  for (let i = 0, p = 0; i < n; i++)
    for (let k = 0; k < c; k++) bases[p++] = a.offset + i * a.strides[0] + k * a.strides[1];
  return bases;
}

// The hot loops are top-level functions with every array passed in (not closures over them): V8 compiles
// them much tighter. `data`/`res` are Float32Array or Float64Array; values are combined in doubles.

/** A run of `n` interior windows, `xs` apart: the first maximum's in-plane index of each. */
function argmaxRun(
  data: TypedArray,
  idx: Int32Array,
  koff: Int32Array,
  klog: Int32Array,
  n: number,
  xo: number,
  oo: number,
  lo: number,
  xs: number,
  os: number,
  ls: number,
): void {
  const K = koff.length;
  for (let i = 0; i < n; i++, xo += xs, oo += os, lo += ls) {
    let best = data[xo];
    let bj = 0;
    for (let j = 1; j < K; j++) {
      const v = data[xo + koff[j]];
      if (v > best || Number.isNaN(v)) {
        best = v;
        bj = j;
      }
    }
    idx[oo] = lo + klog[bj];
  }
}

function argmaxBorder(
  data: TypedArray,
  idx: Int32Array,
  bases: Int32Array,
  outPlane: number,
  b: Border,
): void {
  const { out, ptr, mem, log } = b;
  for (let p = 0; p < bases.length; p++) {
    const base = bases[p];
    const obase = p * outPlane;
    for (let w = 0; w < b.count; w++) {
      const t1 = ptr[w + 1];
      let t = ptr[w];
      let best = data[base + mem[t]];
      let bl = log[t];
      for (t++; t < t1; t++) {
        const v = data[base + mem[t]];
        if (v > best || Number.isNaN(v)) {
          best = v;
          bl = log[t];
        }
      }
      idx[obase + out[w]] = bl;
    }
  }
}

/** A run of `n` interior windows, `xs` apart: each one's sum over `koff`, divided by `div`. */
function meanRun(
  data: TypedArray,
  res: TypedArray,
  koff: Int32Array,
  div: number,
  n: number,
  xo: number,
  oo: number,
  xs: number,
  os: number,
): void {
  const K = koff.length;
  for (let i = 0; i < n; i++, xo += xs, oo += os) {
    let s = 0;
    for (let j = 0; j < K; j++) s += data[xo + koff[j]];
    res[oo] = s / div;
  }
}

function meanBorder(
  data: TypedArray,
  res: TypedArray,
  bases: Int32Array,
  outPlane: number,
  b: Border,
  divisorOverride: number | null,
): void {
  const { out, ptr, mem } = b;
  for (let p = 0; p < bases.length; p++) {
    const base = bases[p];
    const obase = p * outPlane;
    for (let w = 0; w < b.count; w++) {
      let s = 0;
      for (let t = ptr[w], t1 = ptr[w + 1]; t < t1; t++) s += data[base + mem[t]];
      res[obase + out[w]] = s / (divisorOverride ?? b.div[w]);
    }
  }
}

/** A run of `n` interior windows: each one's `g / div` added over `koff`. */
function meanTransposeRun(
  g: TypedArray,
  acc: TypedArray,
  koff: Int32Array,
  div: number,
  n: number,
  go: number,
  xo: number,
  gs: number,
  xs: number,
): void {
  const K = koff.length;
  for (let i = 0; i < n; i++, go += gs, xo += xs) {
    const v = g[go] / div;
    for (let j = 0; j < K; j++) acc[xo + koff[j]] += v;
  }
}

function meanTransposeBorder(
  g: TypedArray,
  gOffset: number,
  acc: TypedArray,
  bases: Int32Array,
  outPlane: number,
  b: Border,
  divisorOverride: number | null,
): void {
  const { out, ptr, mem } = b;
  for (let p = 0; p < bases.length; p++) {
    const base = bases[p];
    const gbase = gOffset + p * outPlane;
    for (let w = 0; w < b.count; w++) {
      const v = g[gbase + out[w]] / (divisorOverride ?? b.div[w]);
      for (let t = ptr[w], t1 = ptr[w + 1]; t < t1; t++) acc[base + mem[t]] += v;
    }
  }
}

/**
 * For each window of `x` (`[N, C, *S]`, any strides), the in-plane row-major index of its first maximum
 * in row-major kernel order (the smallest such index), as PyTorch's `return_indices`. NaN wins (the last
 * NaN, as PyTorch's `val > max || isnan(val)`). Every window must hold at least one in-bounds position.
 */
export function poolArgmax(x: NDArray, dims: readonly WindowDim[]): Int32Array {
  const g = geometry(x, dims);
  const idx = new Int32Array(g.planes * g.outPlane);
  if (idx.length === 0) return idx;
  const data = g.x5.data;
  const win = interior(g.x5, g.d);
  if (win) {
    const { koff, klog } = win;
    forEachRun(win.shape, [win.windows, win.out, win.logical], (n, o, s) =>
      argmaxRun(data, idx, koff, klog, n, o[0], o[1], o[2], s[0], s[1], s[2]),
    );
  }
  const b = border(g.d, g.x5.strides.slice(2));
  if (b.count > 0) argmaxBorder(data, idx, planeBases(g.x5), g.outPlane, b);
  return idx;
}

/**
 * Window averages of `x` (`[N, C, *S]`, any strides): the sum of the in-bounds positions divided by
 * `divisorOverride` or the product of the dimensions' divisors. Result `[N, C, *Out]`, contiguous.
 */
export function poolMean(x: NDArray, dims: readonly WindowDim[], divisorOverride: number | null): NDArray {
  const g = geometry(x, dims);
  const res = allocate(x.dtype, g.planes * g.outPlane);
  const shape = [x.shape[0], x.shape[1], ...dims.map((w) => w.outSize)];
  if (res.length === 0) return new NDArray(res, shape);
  const data = g.x5.data;
  const win = interior(g.x5, g.d);
  if (win) {
    const { koff } = win;
    const div = divisorOverride ?? koff.length;
    forEachRun(win.shape, [win.windows, win.out], (n, o, s) =>
      meanRun(data, res, koff, div, n, o[0], o[1], s[0], s[1]),
    );
  }
  const b = border(g.d, g.x5.strides.slice(2));
  if (b.count > 0) meanBorder(data, res, planeBases(g.x5), g.outPlane, b, divisorOverride);
  return new NDArray(res, shape);
}

/** Float64 accumulation buffer for a scatter into `dtype`, and the conversion to the result. */
function accumulator(dtype: NDArray['dtype'], n: number, exact: boolean) {
  const acc = dtype === 'float32' && !exact ? new Float64Array(n) : allocate(dtype, n);
  return {
    acc,
    result: (shape: number[]) =>
      new NDArray(acc instanceof Float64Array && dtype === 'float32' ? new Float32Array(acc) : acc, shape),
  };
}

/**
 * The transpose of {@link poolMean}: each window's `g / divisor` added to each of its in-bounds
 * positions. `g` is `[N, C, *Out]`; the result is `[N, C, *In]`, contiguous.
 */
export function poolMeanTranspose(
  g: NDArray,
  dims: readonly WindowDim[],
  divisorOverride: number | null,
): NDArray {
  const shape = [g.shape[0], g.shape[1], ...dims.map((w) => w.inSize)];
  const d = pad3(dims);
  const inPlane = d[0].inSize * d[1].inSize * d[2].inSize;
  const outPlane = d[0].outSize * d[1].outSize * d[2].outSize;
  const planes = g.shape[0] * g.shape[1];
  const { acc, result } = accumulator(g.dtype, planes * inPlane, !dims.some((w) => w.overlaps));
  if (acc.length === 0) return result(shape);
  const gc = g.contiguous();
  const gd = gc.data;
  const dst = new NDArray(acc, [g.shape[0], g.shape[1], ...d.map((w) => w.inSize)]);
  const win = interior(dst, d);
  if (win) {
    const { koff } = win;
    const div = divisorOverride ?? koff.length;
    const gop = { strides: win.out.strides, offset: win.out.offset + gc.offset };
    forEachRun(win.shape, [gop, win.windows], (n, o, s) =>
      meanTransposeRun(gd, acc, koff, div, n, o[0], o[1], s[0], s[1]),
    );
  }
  const b = border(d, dst.strides.slice(2));
  if (b.count > 0) {
    const bases = new Int32Array(planes);
    for (let p = 0; p < planes; p++) bases[p] = p * inPlane;
    meanTransposeBorder(gd, gc.offset, acc, bases, outPlane, b, divisorOverride);
  }
  return result(shape);
}

/**
 * `v` (`[N, C, *In]`, any strides) read at in-plane indices `idx` (one per output, plane by plane):
 * result `[N, C, *Out]`.
 */
export function poolGather(v: NDArray, idx: Int32Array, dims: readonly WindowDim[]): NDArray {
  const g = geometry(v, dims);
  const res = allocate(v.dtype, idx.length);
  const shape = [v.shape[0], v.shape[1], ...dims.map((w) => w.outSize)];
  const data = g.x5.data;
  const P = g.outPlane;
  if (v.isContiguous) {
    for (let p = 0, k = 0; p < g.planes; p++) {
      const base = v.offset + p * g.inPlane;
      for (let i = 0; i < P; i++, k++) res[k] = data[base + idx[k]];
    }
    return new NDArray(res, shape);
  }
  // Strided: in-plane index -> (d, h, w) -> memory offset. Cheaper than copying the whole input.
  const [, , sD, sH, sW] = g.x5.strides;
  const H = g.d[1].inSize;
  const W = g.d[2].inSize;
  const bases = planeBases(g.x5);
  for (let p = 0, k = 0; p < g.planes; p++) {
    const base = bases[p];
    for (let i = 0; i < P; i++, k++) {
      const l = idx[k];
      const hw = l % (H * W);
      res[k] = data[base + ((l - hw) / (H * W)) * sD + Math.floor(hw / W) * sH + (hw % W) * sW];
    }
  }
  return new NDArray(res, shape);
}

/** The transpose of {@link poolGather}: `g` (`[N, C, *Out]`) added into zeros `[N, C, *In]` at `idx`. */
export function poolScatter(g: NDArray, idx: Int32Array, dims: readonly WindowDim[]): NDArray {
  const shape = [g.shape[0], g.shape[1], ...dims.map((w) => w.inSize)];
  const inPlane = dims.reduce((a, w) => a * w.inSize, 1);
  const outPlane = dims.reduce((a, w) => a * w.outSize, 1);
  const planes = g.shape[0] * g.shape[1];
  const { acc, result } = accumulator(g.dtype, planes * inPlane, !dims.some((w) => w.overlaps));
  const gc = g.contiguous();
  const gd = gc.data;
  for (let p = 0, k = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let i = 0, gk = gc.offset + p * outPlane; i < outPlane; i++, k++, gk++) acc[base + idx[k]] += gd[gk];
  }
  return result(shape);
}

/** The pooling kernels, behind one object so that a faster implementation can replace them. */
export const poolKernels = {
  argmax: poolArgmax,
  mean: poolMean,
  meanTranspose: poolMeanTranspose,
  gather: poolGather,
  scatter: poolScatter,
};
