/**
 * Convolution kernels, lowered to the GEMM of matmul.ts so that every speedup of the matrix multiply
 * speeds convolutions up.
 *
 * One geometry describes the trilinear form `T(x, w, g) = Σ g[n,o,p] · w[o,c,k] · x[n,c, p·s + k·d − pb]`
 * (per spatial axis, `x` read as zero outside `[0, in)`); the three kernels are its three partial maps:
 * - `convForwardKernel(x, w)`: y = conv(x, w), the im2col (vol2col) product `W_g · col_g(x)`;
 * - `convInputGradKernel(g, w)`: the adjoint in x (the transposed convolution), `col2im(W_gᵀ · G_g)`;
 * - `convWeightGradKernel(x, g)`: the adjoint in w, `G_g · col_g(x)ᵀ`.
 *
 * `col_g(x)` has one row per (input channel of group g, kernel offset) and one column per output
 * position of a sample. It is copied out of a sliding-window VIEW `[N, C, *out, *kernel]` of the
 * zero-padded input, built with `asStrided` (window strides `stride·s`, offset strides `dilation·s`), in
 * one contiguous pass. Every spatial rank runs as 3-D with leading size-1 axes.
 *
 * Cache blocking: the columns of a sample are processed in tiles of whole output rows, about
 * `convTuning.tileElements` im2col entries each (one GEMM per group per tile), so a tile is still in
 * cache when the GEMM packs it; building the whole buffer first and multiplying once measured 10–20%
 * slower on the 3-D benchmark. Small convolutions are a single tile: one GEMM per group and sample.
 * The tiles never cross samples, so the GEMM writes its result in the `[N, C, ...]` layout directly and
 * reads output cotangents in place.
 *
 * Accuracy: products accumulate in float64 (the GEMM's accumulator, a float64 buffer for col2im) and
 * float32 results are rounded once when stored.
 */
import { allocate, NDArray, type TypedArray } from '@lucid-ts/ndarray';
import { gemm } from './matmul.js';

/**
 * The geometry of `y = conv(x, w)` per spatial axis (1 to 3 axes, in the input's order). The zeros after
 * the input are implied: windows reach position `(out−1)·stride + (kernel−1)·dilation − padBefore`, and
 * input positions past the last window (leftover rows of a strided conv) are simply not read.
 */
export interface ConvGeometry {
  /** Spatial size of `x`. */
  readonly inSize: readonly number[];
  /** Spatial size of `y`. */
  readonly outSize: readonly number[];
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  /** Zeros before the input (non-negative). */
  readonly padBefore: readonly number[];
  /** Channel groups: output block j only sees input block j. */
  readonly groups: number;
}

/** Tuning knobs (tests shrink the tiles to exercise the tiled path). */
export const convTuning = {
  /** Target im2col entries per tile (at least one output row of one sample). */
  tileElements: 1 << 17,
};

/** The geometry lifted to 3-D, with the extent the windows span per axis. */
interface Geo3 {
  in: number[];
  out: number[];
  k: number[];
  s: number[];
  d: number[];
  pb: number[];
  span: number[];
  groups: number;
}

function lift(v: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - v.length).fill(fill), ...v];
}

function geo3(g: ConvGeometry): Geo3 {
  const out = lift(g.outSize, 1);
  const k = lift(g.kernelSize, 1);
  const s = lift(g.stride, 1);
  const d = lift(g.dilation, 1);
  const span = out.map((o, i) => (o - 1) * s[i] + (k[i] - 1) * d[i] + 1);
  return { in: lift(g.inSize, 1), out, k, s, d, pb: lift(g.padBefore, 0), span, groups: g.groups };
}

const prod = (v: readonly number[]) => v.reduce((p, q) => p * q, 1);

/** `[N, C, *spatial]` seen as `[N, C, D, H, W]` (a view). */
function as3d(a: NDArray): NDArray {
  return a.ndim === 5 ? a : a.reshape([a.shape[0], a.shape[1], ...lift(a.shape.slice(2), 1)]);
}

/**
 * `x` zero-padded to `[N, C, *span]` with `x` placed at `pb`, so that no window leaves the buffer; `x`
 * itself (any strides) when no padding is needed. Input rows past the span are not copied.
 */
function padded(x: NDArray, G: Geo3): NDArray {
  if (G.pb.every((p, i) => p === 0 && G.span[i] <= G.in[i])) return x;
  const [n, c] = x.shape;
  const xp = new NDArray(allocate(x.dtype, n * c * prod(G.span)), [n, c, ...G.span]);
  const len = G.in.map((v, i) => Math.min(v, G.span[i] - G.pb[i]));
  if (len.some((v) => v <= 0) || n * c === 0) return xp;
  const dst = xp.slice(null, null, ...len.map((v, i) => ({ start: G.pb[i], stop: G.pb[i] + v })));
  copyBlock(x.slice(null, null, ...len.map((v) => ({ stop: v }))), dst);
  return xp;
}

/** `dst[...] = src[...]` for two 5-D arrays of the same shape and any strides, innermost axis tight. */
function copyBlock(src: NDArray, dst: NDArray): void {
  const [n, c, a, b, w] = src.shape;
  const [s0, s1, s2, s3, s4] = src.strides;
  const [t0, t1, t2, t3, t4] = dst.strides;
  const from = src.data;
  const to = dst.data;
  for (let i0 = 0; i0 < n; i0++)
    for (let i1 = 0; i1 < c; i1++)
      for (let i2 = 0; i2 < a; i2++)
        for (let i3 = 0; i3 < b; i3++) {
          let p = src.offset + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3;
          let q = dst.offset + i0 * t0 + i1 * t1 + i2 * t2 + i3 * t3;
          for (let i4 = 0; i4 < w; i4++, p += s4, q += t4) to[q] = from[p];
        }
}

/** The sliding-window view `[N, C, oD, oH, oW, kD, kH, kW]` of a 5-D (padded) array. */
function windows(xp: NDArray, G: Geo3): NDArray {
  const [sn, sc, ...ss] = xp.strides;
  return xp.asStrided(
    [xp.shape[0], xp.shape[1], ...G.out, ...G.k],
    [sn, sc, ...ss.map((v, i) => v * G.s[i]), ...ss.map((v, i) => v * G.d[i])],
    xp.offset,
  );
}

/**
 * im2col of one tile: rows (channel c0..c0+cg, kD, kH, kW), columns the output rows r0..r1 (a row is
 * one (oD, oH) pair, oW positions long) of sample n, written contiguously into `col` from the view `v`.
 */
function im2col(
  v: NDArray,
  c0: number,
  cg: number,
  n: number,
  r0: number,
  r1: number,
  col: TypedArray,
): void {
  const [, , , oh, ow, kd, kh, kw] = v.shape;
  const [sN, sC, sOd, sOh, sOw, sKd, sKh, sKw] = v.strides;
  const src = v.data;
  let q = 0;
  for (let c = c0; c < c0 + cg; c++)
    for (let a = 0; a < kd; a++)
      for (let b = 0; b < kh; b++)
        for (let e = 0; e < kw; e++) {
          const base = v.offset + n * sN + c * sC + a * sKd + b * sKh + e * sKw;
          for (let r = r0; r < r1; r++) {
            const p = base + Math.floor(r / oh) * sOd + (r % oh) * sOh;
            if (sOw === 1) for (let t = 0; t < ow; t++) col[q++] = src[p + t];
            else for (let t = 0, u = p; t < ow; t++, u += sOw) col[q++] = src[u];
          }
        }
}

/** col2im of one tile: the adjoint of {@link im2col}, adding `col` into the float64 buffer under `v`. */
function col2im(
  col: Float64Array,
  v: NDArray,
  c0: number,
  cg: number,
  n: number,
  r0: number,
  r1: number,
): void {
  const [, , , oh, ow, kd, kh, kw] = v.shape;
  const [sN, sC, sOd, sOh, sOw, sKd, sKh, sKw] = v.strides;
  const dst = v.data as Float64Array;
  let q = 0;
  for (let c = c0; c < c0 + cg; c++)
    for (let a = 0; a < kd; a++)
      for (let b = 0; b < kh; b++)
        for (let e = 0; e < kw; e++) {
          const base = v.offset + n * sN + c * sC + a * sKd + b * sKh + e * sKw;
          for (let r = r0; r < r1; r++) {
            const p = base + Math.floor(r / oh) * sOd + (r % oh) * sOh;
            for (let t = 0, u = p; t < ow; t++, u += sOw) dst[u] += col[q++];
          }
        }
}

/** Sizes shared by the three kernels, and the tiling: output rows per sample and per tile. */
function plan(cin: number, cout: number, G: Geo3) {
  const cig = cin / G.groups;
  const cog = cout / G.groups;
  const kk = cig * prod(G.k); // im2col rows
  const ow = G.out[2];
  const rows = G.out[0] * G.out[1];
  const tile = Math.max(1, Math.min(rows, Math.floor(convTuning.tileElements / Math.max(1, kk * ow))));
  return { cig, cog, kk, ow, no: rows * ow, rows, tile };
}

/**
 * `y[n, o, *p] = Σ_{c, k} w[o, c, *k] · x[n, g·cig + c, *(p·s + k·d − pb)]`: `x` is `[N, Cin, *in]`, `w` is
 * `[Cout, Cin/groups, *kernel]` (same dtype, any strides); returns a contiguous `[N, Cout, *out]`.
 */
export function convForwardKernel(x: NDArray, w: NDArray, geom: ConvGeometry): NDArray {
  const G = geo3(geom);
  const [n, cin] = x.shape;
  const cout = w.shape[0];
  const { cig, cog, kk, ow, no, rows, tile } = plan(cin, cout, G);
  const out = allocate(x.dtype, n * cout * no);
  const shape = [n, cout, ...geom.outSize];
  if (out.length === 0 || kk === 0) return new NDArray(out, shape);
  const wc = w.contiguous();
  const v = windows(padded(as3d(x), G), G);
  const acc = out instanceof Float64Array ? out : new Float64Array(out.length);
  const col = allocate(x.dtype, kk * tile * ow);
  for (let b = 0; b < n; b++)
    for (let gi = 0; gi < G.groups; gi++)
      for (let r0 = 0; r0 < rows; r0 += tile) {
        const r1 = Math.min(rows, r0 + tile);
        const tc = (r1 - r0) * ow;
        im2col(v, gi * cig, cig, b, r0, r1, col);
        const c0 = (b * cout + gi * cog) * no + r0 * ow;
        gemm(cog, tc, kk, wc.data, wc.offset + gi * cog * kk, kk, 1, col, 0, tc, 1, acc, c0, no);
      }
  if (acc !== out) out.set(acc); // float32: rounded once
  return new NDArray(out, shape);
}

/**
 * The transposed convolution (adjoint of {@link convForwardKernel} in `x`): `g` is `[N, Cout, *out]`, `w`
 * is `[Cout, Cin/groups, *kernel]`; returns a contiguous `[N, Cin, *in]` (zero where no window reads).
 */
export function convInputGradKernel(g: NDArray, w: NDArray, geom: ConvGeometry): NDArray {
  const G = geo3(geom);
  const [n, cout] = g.shape;
  const cin = w.shape[1] * G.groups;
  const { cig, cog, kk, ow, no, rows, tile } = plan(cin, cout, G);
  const out = new NDArray(allocate(g.dtype, n * cin * prod(G.in)), [n, cin, ...geom.inSize]);
  if (out.size === 0 || kk === 0 || no === 0 || cog === 0) return out;
  // Scatter straight into a float64 result that the windows cover exactly; else into a padded buffer.
  const direct = out.dtype === 'float64' && G.pb.every((p, i) => p === 0 && G.span[i] === G.in[i]);
  const buf = direct ? as3d(out) : new NDArray(new Float64Array(n * cin * prod(G.span)), [n, cin, ...G.span]);
  const v = windows(buf, G);
  const gc = g.contiguous();
  const wc = w.contiguous();
  const dcol = new Float64Array(kk * tile * ow);
  for (let b = 0; b < n; b++)
    for (let gi = 0; gi < G.groups; gi++)
      for (let r0 = 0; r0 < rows; r0 += tile) {
        const r1 = Math.min(rows, r0 + tile);
        const tc = (r1 - r0) * ow;
        const g0 = gc.offset + (b * cout + gi * cog) * no + r0 * ow;
        dcol.fill(0, 0, kk * tc);
        gemm(kk, tc, cog, wc.data, wc.offset + gi * cog * kk, 1, kk, gc.data, g0, no, 1, dcol, 0, tc);
        col2im(dcol, v, gi * cig, cig, b, r0, r1);
      }
  if (direct) return out;
  // Crop the padding (and leave zeros on input rows no window reached).
  const len = G.in.map((v, i) => Math.min(v, G.span[i] - G.pb[i]));
  if (len.every((v) => v > 0)) {
    const src = buf.slice(null, null, ...len.map((v, i) => ({ start: G.pb[i], stop: G.pb[i] + v })));
    copyBlock(src, as3d(out).slice(null, null, ...len.map((v) => ({ stop: v }))));
  }
  return out;
}

/**
 * The weight gradient (adjoint of {@link convForwardKernel} in `w`): `x` is `[N, Cin, *in]`, `g` is
 * `[N, Cout, *out]`; returns a contiguous `[Cout, Cin/groups, *kernel]`.
 */
export function convWeightGradKernel(x: NDArray, g: NDArray, geom: ConvGeometry): NDArray {
  const G = geo3(geom);
  const [n, cin] = x.shape;
  const cout = g.shape[1];
  const { cig, cog, kk, ow, no, rows, tile } = plan(cin, cout, G);
  const acc = new Float64Array(cout * kk);
  if (acc.length > 0 && n * no > 0) {
    const v = windows(padded(as3d(x), G), G);
    const gc = g.contiguous();
    const col = allocate(x.dtype, kk * tile * ow);
    for (let b = 0; b < n; b++)
      for (let gi = 0; gi < G.groups; gi++)
        for (let r0 = 0; r0 < rows; r0 += tile) {
          const r1 = Math.min(rows, r0 + tile);
          const tc = (r1 - r0) * ow;
          im2col(v, gi * cig, cig, b, r0, r1, col);
          const g0 = gc.offset + (b * cout + gi * cog) * no + r0 * ow;
          gemm(cog, kk, tc, gc.data, g0, no, 1, col, 0, 1, tc, acc, gi * cog * kk, kk);
        }
  }
  const out = allocate(x.dtype, acc.length);
  out.set(acc);
  return new NDArray(out, [cout, cig, ...geom.kernelSize]);
}
