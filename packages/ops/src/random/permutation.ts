/**
 * Random orderings and draws: `permutation` and `choice`, as JAX. Picking rows of an array goes through
 * two linear primitives, a row gather and its transpose, a row scatter-add, so the results stay
 * differentiable with respect to the array (to any order: each one's VJP is the other).
 */
import { ArgumentError, allocate, fmtShape, NDArray, shapeSize } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind, concreteOf } from '../core/tracer.js';
import { boundArg, boundValues, mantissas, roundTo, ulpOfOne } from './continuous.js';
import { randint } from './discrete.js';
import { type Key, keyWords, type ShapeLike, shapeArg, split } from './keys.js';
import { iotaBits } from './threefry.js';

interface GatherParams {
  /** Row indices into axis 0, in the layout of `indexShape`. */
  readonly indices: Int32Array;
  readonly indexShape: readonly number[];
}
interface ScatterParams extends GatherParams {
  readonly rows: number;
}

const gatherRowsPrim = definePrimitive<GatherParams>({
  name: 'gatherRows',
  impl: ([x], { indices, indexShape }) => {
    const c = x.contiguous();
    const rest = x.shape.slice(1);
    const row = shapeSize(rest);
    const out = allocate(x.dtype, indices.length * row);
    const src = c.data;
    for (let j = 0; j < indices.length; j++) {
      const from = c.offset + indices[j] * row;
      for (let t = 0, o = j * row; t < row; t++, o++) out[o] = src[from + t];
    }
    return new NDArray(out, [...indexShape, ...rest]);
  },
  // y = x[idx]  =>  dx[r] = Σ_{j: idx[j] = r} dy[j]
  vjp: (ct, { inputs: [x], params }) => [scatterAddRows(ct, { ...params, rows: x.shape[0] })],
});

const scatterAddRowsPrim = definePrimitive<ScatterParams>({
  name: 'scatterAddRows',
  impl: ([y], { indices, indexShape, rows }) => {
    const c = y.contiguous();
    const rest = y.shape.slice(indexShape.length);
    const row = shapeSize(rest);
    const acc = new Float64Array(rows * row); // float64 accumulation, one rounding at the end
    const src = c.data;
    for (let j = 0; j < indices.length; j++) {
      const from = c.offset + j * row;
      for (let t = 0, o = indices[j] * row; t < row; t++, o++) acc[o] += src[from + t];
    }
    const out = allocate(y.dtype, acc.length);
    out.set(acc);
    return new NDArray(out, [rows, ...rest]);
  },
  // linear in y, and its transpose is the gather: d(scatter y) = scatter dy
  vjp: (ct, { params }) => [gatherRows(ct, params)],
});

function gatherRows(x: NDArray, params: GatherParams): NDArray {
  return bind(gatherRowsPrim, [x], params);
}

function scatterAddRows(y: NDArray, params: ScatterParams): NDArray {
  return bind(scatterAddRowsPrim, [y], params);
}

/**
 * `values` reordered by the unsigned words `keys`, stably (ties keep their order, as XLA's stable
 * `sort_key_val`): a packed-double sort for small n, else a two-pass LSD radix sort on 16-bit digits
 * that carries keys and values along, so that its reads stay sequential.
 */
function sortByWords(keys: Int32Array, values: Int32Array): Int32Array {
  const n = keys.length;
  if (n <= 4096) {
    // key * 2^21 + index < 2^53 packs both into one exactly sortable double
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (keys[i] >>> 0) * 2097152 + i;
    packed.sort();
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = values[packed[i] % 2097152];
    return out;
  }
  let k = keys.slice();
  let v = values.slice();
  let k2 = new Int32Array(n);
  let v2 = new Int32Array(n);
  const count = new Int32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((k[i] >>> shift) & 0xffff) + 1]++;
    for (let b = 0; b < 65536; b++) count[b + 1] += count[b];
    for (let i = 0; i < n; i++) {
      const d = count[(k[i] >>> shift) & 0xffff]++;
      k2[d] = k[i];
      v2[d] = v[i];
    }
    [k, k2] = [k2, k];
    [v, v2] = [v2, v];
  }
  return v;
}

/**
 * JAX's `_shuffle` of 0..n-1: ceil(3 ln n / ln(2^32 - 1)) rounds (one up to n = 1625) of sorting by
 * fresh random 32-bit keys; several rounds make key collisions (which would bias the order) negligible.
 */
function shuffledIndices(k0: number, k1: number, n: number): Int32Array {
  let perm: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(4294967295));
  let key = new NDArray(Int32Array.of(k0, k1), [2]);
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(key);
    key = next;
    perm = sortByWords(iotaBits(sub.data[0], sub.data[1], n), perm);
  }
  return perm;
}

/** The size n of a population given as a count (number or 0-d integer array) or as an array's first axis. */
function population(fn: string, x: unknown): { n: number; arr: NDArray | null } {
  if (x instanceof NDArray && x.ndim > 0) return { n: x.shape[0], arr: x };
  const v = x instanceof NDArray && x.dtype === 'int32' ? concreteOf(x).item() : x;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) {
    const got = x instanceof NDArray ? `${x.dtype} ${fmtShape(x.shape)}` : String(x);
    throw new ArgumentError(
      `${fn}: x must be a non-negative integer or an array with at least one axis, got ${got}`,
    );
  }
  return { n: v, arr: null };
}

/**
 * A random permutation of `arange(x)` (int32) when `x` is an integer, or of the rows (first axis) of the
 * array `x`, differentiable with respect to `x`. Same numbers as JAX `jax.random.permutation(key, x)`
 * (sort by random keys, repeated for large n). PyTorch `torch.randperm(n)` / `x[torch.randperm(len(x))]`.
 * @example random.permutation(key, 5) // int32, e.g. [3, 0, 4, 1, 2]
 * @example random.permutation(key, batch) // shuffles the rows of batch
 */
export function permutation(key: Key, x: number | NDArray): NDArray {
  const [k0, k1] = keyWords('permutation', key);
  const { n, arr } = population('permutation', x);
  const perm = shuffledIndices(k0, k1, n);
  return arr === null ? new NDArray(perm, [n]) : gatherRows(arr, { indices: perm, indexShape: [n] });
}

export interface ChoiceOptions {
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Weights of the n candidates (non-negative, not all zero; need not sum to 1). */
  p?: NDArray | readonly number[];
}

/**
 * Random draws from `arange(a)` (when `a` is an integer, giving int32) or from the rows of the array `a`
 * (differentiable with respect to it), of shape `shape` (+ the rows' shape). Uniform unless weights `p` are
 * given; without replacement no candidate is drawn twice. Same construction as JAX `jax.random.choice`
 * (randint / permutation / inverse CDF / Gumbel top-k). PyTorch `torch.multinomial(p, k, replacement)`.
 * @example random.choice(key, 10, [3], { replace: false }) // three distinct values in 0..9
 */
export function choice(
  key: Key,
  a: number | NDArray,
  shape: ShapeLike = [],
  options: ChoiceOptions = {},
): NDArray {
  const [k0, k1] = keyWords('choice', key);
  const { n, arr } = population('choice', a);
  const s = shapeArg('choice', shape);
  const { replace = true, p } = options;
  const draws = shapeSize(s);
  let weights: Float64Array | null = null;
  let dtype: 'float32' | 'float64' = 'float32';
  if (p !== undefined) {
    const pa = boundArg(
      'choice',
      'p',
      p instanceof NDArray ? p : new NDArray(Float64Array.from(p), [p.length]),
    );
    if (pa.ndim !== 1 || pa.shape[0] !== n) {
      throw new ArgumentError(
        `choice: p must have shape [${n}] (one weight per candidate), got ${fmtShape(pa.shape)}`,
      );
    }
    dtype = p instanceof NDArray && p.dtype === 'float64' ? 'float64' : 'float32';
    weights = boundValues(pa, [n]).map((w) => roundTo(w, dtype));
    if (weights.some((w) => !(w >= 0 && w < Number.POSITIVE_INFINITY)) || !weights.some((w) => w > 0)) {
      throw new ArgumentError(
        `choice: p must hold finite non-negative weights, not all zero, got [${[...weights]}]`,
      );
    }
  }
  if (draws > 0 && n === 0) throw new ArgumentError('choice: cannot draw from an empty population, got n=0');
  const candidates = weights === null ? n : weights.filter((w) => w > 0).length;
  if (!replace && draws > candidates) {
    throw new ArgumentError(
      `choice: cannot draw ${draws} distinct values (shape ${fmtShape(s)}) from ${candidates} candidates without replacement`,
    );
  }
  let indices: Int32Array;
  if (draws === 0) indices = new Int32Array(0);
  else if (weights === null) {
    indices = replace
      ? (randint(key, [draws], 0, n).data as Int32Array)
      : shuffledIndices(k0, k1, n).slice(0, draws);
  } else if (replace) indices = inverseCdfDraws(k0, k1, weights, draws, dtype);
  else indices = gumbelTopK(k0, k1, weights, draws, dtype);
  return arr === null ? new NDArray(indices, s) : gatherRows(arr, { indices, indexShape: s });
}

/** With replacement: the first i with cumsum(p)[i] >= total * (1 - f), as JAX's searchsorted. */
function inverseCdfDraws(
  k0: number,
  k1: number,
  w: Float64Array,
  draws: number,
  dtype: 'float32' | 'float64',
) {
  const cum = new Float64Array(w.length);
  let total = 0;
  for (let i = 0; i < w.length; i++) cum[i] = total += w[i];
  const m = mantissas(k0, k1, draws, dtype);
  const ulp = ulpOfOne(dtype);
  const out = new Int32Array(draws);
  for (let j = 0; j < draws; j++) {
    const r = total * (1 - m[j] * ulp); // in (0, total], so zero-weight candidates are never hit
    let lo = 0;
    let hi = w.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] >= r) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

/** Without replacement: the k largest of log p + Gumbel noise (ties to the lower index), as JAX. */
function gumbelTopK(k0: number, k1: number, w: Float64Array, draws: number, dtype: 'float32' | 'float64') {
  const m = mantissas(k0, k1, w.length, dtype);
  const ulp = ulpOfOne(dtype);
  const tiny = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
  const g = Array.from(w, (wi, i) => Math.log(wi) - Math.log(-Math.log(Math.max(m[i] * ulp, tiny))));
  const order = Array.from(g, (_, i) => i).sort((a, b) => g[b] - g[a] || a - b);
  return Int32Array.from(order.slice(0, draws));
}
