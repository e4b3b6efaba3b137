/**
 * Arithmetic: `add sub mul div neg`. The primitives take same-shaped, same-dtype operands; the public
 * functions promote dtypes (see convert.ts) and broadcast explicitly with `broadcastTo`, whose VJP sums
 * back, so no rule here has to un-broadcast.
 */
import { broadcastShapesFor, type DType, isFloat, type NDArray } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import { apply1, apply2, type Run1, type Run2 } from '../kernels/special.js';
import { broadcastTo } from './broadcast.js';
import { type ArrayOrScalar, asArray, resultDType } from './convert.js';

/**
 * Casts both operands to their common dtype (or `dtype`) and broadcasts them to a common shape, with
 * errors that name `fn` and both shapes.
 */
export function broadcastPair(
  fn: string,
  a: ArrayOrScalar,
  b: ArrayOrScalar,
  dtype?: DType,
): [NDArray, NDArray] {
  const d = dtype ?? resultDType(a, b);
  const x = asArray(a, d);
  const y = asArray(b, d);
  const shape = broadcastShapesFor(fn, [x.shape, y.shape]);
  return [broadcastTo(x, shape), broadcastTo(y, shape)];
}

/** The dtype in which true division and transcendental functions compute: ints and bools go to float32. */
export function floatDType(...xs: ArrayOrScalar[]): DType {
  const d = resultDType(...xs);
  return isFloat(d) ? d : 'float32';
}

// One loop per op (not one shared loop calling a closure per element): each keeps its own type feedback,
// so V8 compiles the arithmetic inline. In training these four ops run on every activation.
const addRun: Run2 = (n, a, i, s, b, j, t, o, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) o[k] = a[i] + b[j];
};
const subRun: Run2 = (n, a, i, s, b, j, t, o, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) o[k] = a[i] - b[j];
};
const mulRun: Run2 = (n, a, i, s, b, j, t, o, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) o[k] = a[i] * b[j];
};
const divRun: Run2 = (n, a, i, s, b, j, t, o, k, u) => {
  for (let q = 0; q < n; q++, i += s, j += t, k += u) o[k] = a[i] / b[j];
};
const negRun: Run1 = (n, x, i, s, o, k, u) => {
  for (let q = 0; q < n; q++, i += s, k += u) o[k] = -x[i];
};

const addPrim = definePrimitive({
  name: 'add',
  impl: ([a, b]) => apply2(a, b, a.dtype, addRun),
  vjp: (ct) => [ct, ct], // d(a + b) = da + db
});

const subPrim = definePrimitive({
  name: 'sub',
  impl: ([a, b]) => apply2(a, b, a.dtype, subRun),
  vjp: (ct) => [ct, neg(ct)], // d(a - b) = da - db
});

const mulPrim = definePrimitive({
  name: 'mul',
  impl: ([a, b]) => apply2(a, b, a.dtype, mulRun),
  vjp: (ct, { inputs: [a, b] }) => [mul(ct, b), mul(ct, a)], // d(ab) = b da + a db
});

const divPrim = definePrimitive({
  name: 'div',
  impl: ([a, b]) => apply2(a, b, a.dtype, divRun),
  // d(a / b) = da / b - (a / b) db / b
  vjp: (ct, { inputs: [, b], output }) => [div(ct, b), neg(div(mul(ct, output), b))],
});

const negPrim = definePrimitive({
  name: 'neg',
  impl: ([x]) => apply1(x, x.dtype, negRun),
  vjp: (ct) => [neg(ct)], // d(-x) = -dx
});

/** Elementwise `a + b` with NumPy broadcasting. PyTorch `torch.add`, NumPy `np.add`. */
export function add(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return bind(addPrim, broadcastPair('add', a, b), {});
}

/** Elementwise `a - b` with NumPy broadcasting. PyTorch `torch.sub`, NumPy `np.subtract`. */
export function sub(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return bind(subPrim, broadcastPair('sub', a, b), {});
}

/** Elementwise `a * b` with NumPy broadcasting. PyTorch `torch.mul`, NumPy `np.multiply`. */
export function mul(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return bind(mulPrim, broadcastPair('mul', a, b), {});
}

/**
 * Elementwise true division `a / b` with NumPy broadcasting; integer operands divide in float32.
 * PyTorch `torch.div`, NumPy `np.true_divide`.
 */
export function div(a: ArrayOrScalar, b: ArrayOrScalar): NDArray {
  return bind(divPrim, broadcastPair('div', a, b, floatDType(a, b)), {});
}

/** Elementwise `-x`. PyTorch `torch.neg`, NumPy `np.negative`. */
export function neg(x: ArrayOrScalar): NDArray {
  const a = asArray(x);
  return bind(negPrim, [a.dtype === 'bool' ? asArray(a, 'int32') : a], {});
}
