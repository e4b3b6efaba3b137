/**
 * The matrix-multiply kernel, shared by `matmul`, `linear` and the convolutions lowered to it.
 *
 * Large products use the GotoBLAS scheme: B is packed into k-major panels NR columns wide and A into
 * panels MR rows high (both as Float64Array, so the hot loop is monomorphic whatever the dtype), and a
 * 4×4 register-blocked micro-kernel accumulates each tile over a KC-long slice of the inner dimension.
 * The B micro-panel (KC×NR) stays in L1 while the A block (MC×KC) streams from L2. Packing reads any
 * strides, so transposed and broadcast operands are never copied beforehand.
 *
 * Accuracy: products and sums are JS doubles, accumulated in a Float64Array, and float32 results are
 * rounded once when stored: a float32 product is the float64 product of the same inputs, rounded once.
 */
import { allocate, forEachRun, NDArray, type TypedArray } from '@lucid-ts/ndarray';

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 1024;
/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL = 32 * 32 * 32;

// Packing buffers, grown on demand and reused: the kernel never re-enters itself.
let aPack = new Float64Array(MC * KC);
let bPack = new Float64Array(KC * NC);
const tile = new Float64Array(MR * NR);

/**
 * `C[i, j] += Σ_k A[i, k] · B[k, j]` for an `m×k` A and a `k×n` B given by offset and (row, column)
 * strides into any typed array; C is a dense Float64Array block with row stride `ldc`.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  aRs: number,
  aCs: number,
  b: TypedArray,
  bOff: number,
  bRs: number,
  bCs: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0) return;
  if (m * n * k <= SMALL || m < MR || n < NR) {
    smallGemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    return;
  }
  const ncMax = Math.min(NC, roundUp(n, NR));
  const kcMax = Math.min(KC, k);
  if (bPack.length < kcMax * ncMax) bPack = new Float64Array(kcMax * ncMax);
  if (aPack.length < kcMax * MC) aPack = new Float64Array(kcMax * MC);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(kc, nc, b, bOff + pc * bRs + jc * bCs, bRs, bCs, bPack);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(mc, kc, a, aOff + ic * aRs + pc * aCs, aRs, aCs, aPack);
        macroKernel(mc, nc, kc, aPack, bPack, c, cOff + ic * ldc + jc, ldc);
      }
    }
  }
}

function roundUp(x: number, q: number): number {
  return Math.ceil(x / q) * q;
}

/** B block (kc×nc) into panels of NR columns, each stored k-major (NR values per k), zero-padded. */
function packB(
  kc: number,
  nc: number,
  b: TypedArray,
  off: number,
  rs: number,
  cs: number,
  out: Float64Array,
): void {
  let q = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    if (w === NR) {
      const col = off + j0 * cs;
      for (let p = 0; p < kc; p++) {
        const s = col + p * rs;
        out[q] = b[s];
        out[q + 1] = b[s + cs];
        out[q + 2] = b[s + 2 * cs];
        out[q + 3] = b[s + 3 * cs];
        q += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) out[q + j] = j < w ? b[off + p * rs + (j0 + j) * cs] : 0;
        q += NR;
      }
    }
  }
}

/** A block (mc×kc) into panels of MR rows, each stored k-major (MR values per k), zero-padded. */
function packA(
  mc: number,
  kc: number,
  a: TypedArray,
  off: number,
  rs: number,
  cs: number,
  out: Float64Array,
): void {
  let q = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    if (h === MR) {
      const row = off + i0 * rs;
      for (let p = 0; p < kc; p++) {
        const s = row + p * cs;
        out[q] = a[s];
        out[q + 1] = a[s + rs];
        out[q + 2] = a[s + 2 * rs];
        out[q + 3] = a[s + 3 * rs];
        q += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < MR; i++) out[q + i] = i < h ? a[off + (i0 + i) * rs + p * cs] : 0;
        q += MR;
      }
    }
  }
}

/** All MR×NR tiles of one (mc×kc)·(kc×nc) block product, added into C. */
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  ap: Float64Array,
  bp: Float64Array,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    const bo = j0 * kc; // panel j0 / NR, each kc·NR long
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const h = Math.min(MR, mc - i0);
      const ao = i0 * kc;
      const co = cOff + i0 * ldc + j0;
      if (h === MR && w === NR) microKernel(kc, ap, ao, bp, bo, c, co, ldc);
      else {
        tile.fill(0);
        microKernel(kc, ap, ao, bp, bo, tile, 0, NR);
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) c[co + i * ldc + j] += tile[i * NR + j];
      }
    }
  }
}

/** The hot loop: a 4×4 tile of C held in sixteen locals, one rank-1 update per k. */
function microKernel(
  kc: number,
  ap: Float64Array,
  ao: number,
  bp: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
  ldc: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let ai = ao;
  let bi = bo;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[ai];
    const a1 = ap[ai + 1];
    const a2 = ap[ai + 2];
    const a3 = ap[ai + 3];
    const b0 = bp[bi];
    const b1 = bp[bi + 1];
    const b2 = bp[bi + 2];
    const b3 = bp[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += MR;
    bi += NR;
  }
  let r = co;
  c[r] += c00;
  c[r + 1] += c01;
  c[r + 2] += c02;
  c[r + 3] += c03;
  r += ldc;
  c[r] += c10;
  c[r + 1] += c11;
  c[r + 2] += c12;
  c[r + 3] += c13;
  r += ldc;
  c[r] += c20;
  c[r + 1] += c21;
  c[r + 2] += c22;
  c[r + 3] += c23;
  r += ldc;
  c[r] += c30;
  c[r + 1] += c31;
  c[r + 2] += c32;
  c[r + 3] += c33;
}

/**
 * Small or thin products (matrix-vector included), straight from the strided operands. When B's rows
 * are unit-stride, an i-k-j order streams them; otherwise each C element is one dot product.
 */
function smallGemm(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOff: number,
  aRs: number,
  aCs: number,
  b: TypedArray,
  bOff: number,
  bRs: number,
  bCs: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (bCs === 1 && n > 1) {
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * ldc;
      for (let p = 0; p < k; p++) {
        const v = a[aOff + i * aRs + p * aCs];
        const bRow = bOff + p * bRs;
        for (let j = 0; j < n; j++) c[ci + j] += v * b[bRow + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * aRs;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * bCs;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p * aCs] * b[bj + p * bRs];
      c[cOff + i * ldc + j] += s;
    }
  }
}

/**
 * Batched matrix product: `a` is `[...batch, M, K]`, `b` is `[...batch, K, N]` with the same batch shape
 * (any strides, 0 for broadcast batch axes) and the same dtype. Returns a new contiguous
 * `[...batch, M, N]` array of that dtype. Float32 and int32 results are computed in float64 and rounded
 * (int32: wrapped) once.
 */
export function matmulKernel(a: NDArray, b: NDArray): NDArray {
  const nd = a.ndim;
  const m = a.shape[nd - 2];
  const k = a.shape[nd - 1];
  const n = b.shape[nd - 1];
  const batch = a.shape.slice(0, nd - 2);
  const outShape = [...batch, m, n];
  let size = m * n;
  for (const d of batch) size *= d;
  const out = allocate(a.dtype, size);
  if (size === 0 || k === 0) return new NDArray(out, outShape);
  const direct = out instanceof Float64Array;
  const acc = direct ? out : new Float64Array(m * n);
  const [aRs, aCs] = [a.strides[nd - 2], a.strides[nd - 1]];
  const [bRs, bCs] = [b.strides[nd - 2], b.strides[nd - 1]];
  const outBatchStrides = batch.map((_, i) => batch.slice(i + 1).reduce((p, d) => p * d, m * n));
  forEachRun(
    batch,
    [
      { strides: a.strides.slice(0, nd - 2), offset: a.offset },
      { strides: b.strides.slice(0, nd - 2), offset: b.offset },
      { strides: outBatchStrides, offset: 0 },
    ],
    (count, [ao, bo, oo], [as, bs, os]) => {
      for (let t = 0; t < count; t++) {
        const o = oo + t * os;
        if (!direct) acc.fill(0);
        gemm(m, n, k, a.data, ao + t * as, aRs, aCs, b.data, bo + t * bs, bRs, bCs, acc, direct ? o : 0, n);
        if (!direct) out.set(acc, o);
      }
    },
  );
  return new NDArray(out, outShape);
}
