/**
 * Linear algebra: `matmul linear dot outer`. One primitive, a batched matrix product of operands with
 * equal batch shapes; the public functions add and remove vector axes and broadcast batch axes with
 * `broadcastTo` (whose VJP sums them back), so the rule itself is the textbook pair of products.
 */
import { broadcastShapes, DTypeError, fmtShape, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { kernels } from '../kernels/index.js';
import { add, mul } from './arith.js';
import { broadcastTo } from './broadcast.js';
import { type ArrayOrScalar, asArray, resultDType } from './convert.js';
import { reshape } from './reshape.js';
import { moveaxis, transpose } from './shape.js';

/** Swaps the last two axes (the matrix transpose of every batch element). */
const mT = (x: NDArray) => transpose(x, -1, -2);

const matmulPrim = definePrimitive({
  name: 'matmul',
  impl: ([a, b]) => kernels.matmul(a, b),
  // d(AB) = dA B + A dB, so Ā = C̄ Bᵀ and B̄ = Aᵀ C̄ (per batch element).
  vjp: (ct, { inputs: [a, b], needsGradient: [na, nb] }) => [
    na ? matmul(ct, mT(b)) : null,
    nb ? matmul(mT(a), ct) : null,
  ],
});

const prod = (xs: readonly number[]) => xs.reduce((p, d) => p * d, 1);

/** matmul with errors that name `fn`. */
function matmulFor(fn: string, a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  let x = asArray(a);
  let y = asArray(b);
  const shapes = `${fmtShape(x.shape)} @ ${fmtShape(y.shape)}`;
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(`${fn}: both operands must have at least 1 dimension, got ${shapes}`);
  }
  const dtype = resultDType(x, y);
  if (dtype === 'bool') throw new DTypeError(`${fn}: operands must be numeric, got bool @ bool`);
  const k = x.shape[x.ndim - 1];
  if (k !== (y.ndim === 1 ? y.shape[0] : y.shape[y.ndim - 2])) {
    throw new ShapeError(`${fn}: inner dimensions differ, got ${shapes}`);
  }
  const xBatch = x.shape.slice(0, -2);
  const yBatch = y.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes(xBatch, yBatch);
  } catch {
    throw new ShapeError(`${fn}: batch dimensions cannot be broadcast together, got ${shapes}`);
  }
  const m = x.ndim === 1 ? 1 : x.shape[x.ndim - 2];
  const n = y.ndim === 1 ? 1 : y.shape[y.ndim - 1];
  const outShape = [...batch, ...(x.ndim === 1 ? [] : [m]), ...(y.ndim === 1 ? [] : [n])];
  x = asArray(x, dtype);
  y = asArray(y, dtype);
  if (x.ndim === 1) x = reshape(x, [1, k]);
  if (y.ndim === 1) y = reshape(y, [k, 1]);
  let out: NDArray;
  if (y.ndim === 2) {
    // A shared right matrix: fold the batch into the rows (one large product, as PyTorch does).
    out = bind(matmulPrim, [reshape(x, [prod(xBatch) * m, k]), y], {});
  } else {
    out = bind(matmulPrim, [broadcastTo(x, [...batch, m, k]), broadcastTo(y, [...batch, k, n])], {});
  }
  return reshape(out, outShape);
}

/**
 * Matrix product with NumPy/PyTorch semantics: `out[..., i, j] = Σ_k a[..., i, k] · b[..., k, j]`.
 * 1-D · 1-D is the inner product (a 0-d result); a 1-D left operand is a row vector and a 1-D right
 * operand a column vector (the added axis is removed); leading batch axes broadcast. 0-d operands are
 * rejected. float32 accumulates in float64. PyTorch `torch.matmul`, NumPy/JAX `matmul` (`@`).
 * @example matmul(ones([2, 3, 4]), ones([4, 5])).shape // [2, 3, 5]
 */
export function matmul(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return matmulFor('matmul', a, b);
}

/**
 * Affine map over the last axis: `y = x · weightᵀ + bias`, with `x` `[..., in]` (or `[in]`), `weight`
 * `[out, in]`, `bias` `[out]` or null. PyTorch `torch.nn.functional.linear`.
 * @example linear(ones([8, 3]), ones([4, 3]), zeros([4])).shape // [8, 4]
 */
export function linear(x: ArrayOrScalar, weight: ArrayOrScalar, bias?: ArrayOrScalar | null): NDArray {
  const xa = asArray(x);
  const w = asArray(weight);
  if (w.ndim !== 2)
    throw new ShapeError(`linear: weight must be 2-D [out, in], got shape ${fmtShape(w.shape)}`);
  if (xa.ndim === 0) throw new ShapeError('linear: x must have at least 1 dimension, got shape []');
  const features = xa.shape[xa.ndim - 1];
  if (features !== w.shape[1]) {
    throw new ShapeError(
      `linear: x has ${features} features but weight expects ${w.shape[1]}, got x ${fmtShape(xa.shape)} and weight ${fmtShape(w.shape)}`,
    );
  }
  let b: NDArray | null = null;
  if (bias !== undefined && bias !== null) {
    b = asArray(bias);
    if (b.ndim !== 1 || b.shape[0] !== w.shape[0]) {
      throw new ShapeError(`linear: bias must have shape [${w.shape[0]}], got ${fmtShape(b.shape)}`);
    }
  }
  const y = matmulFor('linear', xa, mT(w));
  return b === null ? y : add(y, b);
}

/**
 * NumPy `dot`: 1-D · 1-D is the inner product (0-d); a 0-d operand multiplies elementwise; with a 1-D
 * or 2-D right operand it is {@link matmul}; otherwise it sums over the last axis of `a` and the
 * second-to-last of `b`: `dot(a, b)[i, j, k, m] = Σ_l a[i, j, l] · b[k, l, m]` (no batch broadcasting).
 * PyTorch `torch.dot` (1-D only), NumPy/JAX `dot`.
 * @example dot(array([1, 2, 3]), array([4, 5, 6])) // 32
 */
export function dot(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  const x = asArray(a);
  const y = asArray(b);
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  if (y.ndim <= 2) return matmulFor('dot', x, y);
  const k = x.shape[x.ndim - 1];
  if (k !== y.shape[y.ndim - 2]) {
    throw new ShapeError(`dot: inner dimensions differ, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
  }
  const rest = [...y.shape.slice(0, -2), y.shape[y.ndim - 1]];
  const y2 = reshape(moveaxis(y, -2, 0), [k, prod(rest)]);
  const x2 = reshape(x, [prod(x.shape.slice(0, -1)), k]);
  return reshape(matmulFor('dot', x2, y2), [...x.shape.slice(0, -1), ...rest]);
}

/**
 * Outer product of two vectors (other shapes are flattened, as in NumPy): `out[i, j] = a[i] · b[j]`.
 * PyTorch `torch.outer`, NumPy/JAX `outer`.
 * @example outer(array([1, 2]), array([1, 10, 100])) // [[1, 10, 100], [2, 20, 200]]
 */
export function outer(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  const x = asArray(a);
  const y = asArray(b);
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}
