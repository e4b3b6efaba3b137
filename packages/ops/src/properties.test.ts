// Properties every differentiable op must have, over random shapes and values (fixed seeds):
// - its VJP and JVP agree with central finite differences in float64 (checkGrads, first and second order);
// - it gives the same result on strided views (transposed, flipped, stepped, broadcast) as on copies;
// - gradients of broadcasting ops come back with each input's own shape.
import { array, type NDArray, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ops from './index.js';

type Domain = 'any' | 'positive' | 'unit' | 'awayFromZero';
interface OpCase {
  name: string;
  arity: 1 | 2 | 3;
  domain?: Domain;
  /** Operands may broadcast against each other. */
  broadcasts?: boolean;
  call: (...xs: NDArray[]) => NDArray;
}

const O = ops as unknown as Record<string, (...a: unknown[]) => NDArray>;
const u = (name: string, domain: Domain = 'any', call?: (x: NDArray) => NDArray): OpCase => ({
  name,
  arity: 1,
  domain,
  call: call ?? ((x) => O[name](x)),
});
const b = (name: string, domain: Domain = 'any'): OpCase => ({
  name,
  arity: 2,
  domain,
  broadcasts: true,
  call: (x, y) => O[name](x, y),
});

const r = (name: string, extra: Record<string, unknown> = {}, domain: Domain = 'any'): OpCase =>
  u(name, domain, (x) => O[name](x, { axis: x.ndim > 0 ? -1 : null, keepdims: x.ndim % 2 === 0, ...extra }));
const rows = (x: NDArray) => ops.reshape(x, [-1, x.ndim > 0 ? x.shape[x.ndim - 1] : 1]);

const CASES: OpCase[] = [
  // arithmetic and elementwise math
  b('add'),
  b('sub'),
  b('mul'),
  b('div', 'awayFromZero'),
  b('pow', 'positive'),
  { ...b('maximum'), call: (x, y) => ops.maximum(x, ops.mul(y, 1.37)) },
  { ...b('minimum'), call: (x, y) => ops.minimum(x, ops.mul(y, 1.37)) },
  ...['neg', 'exp', 'expm1', 'square', 'sin', 'cos', 'tanh', 'erf', 'erfc'].map((n) => u(n)),
  ...['log', 'log1p', 'sqrt', 'rsqrt'].map((n) => u(n, 'positive')),
  ...['abs', 'reciprocal'].map((n) => u(n, 'awayFromZero')),
  u('tan', 'unit'),
  u('clip', 'any', (x) => ops.clip(x, -0.1, 0.1)),
  // activations (inputs stay at least 0.2 away from the kinks at 0)
  ...['sigmoid', 'relu', 'selu', 'silu'].map((n) => u(n, 'awayFromZero')),
  u('leakyRelu', 'awayFromZero', (x) => ops.leakyRelu(x, { negativeSlope: 0.2 })),
  u('elu', 'awayFromZero', (x) => ops.elu(x, { alpha: 0.7 })),
  u('gelu', 'any', (x) => ops.gelu(x)),
  u('gelu', 'any', (x) => ops.gelu(x, { approximate: 'tanh' })),
  u('softplus', 'any', (x) => ops.softplus(x, { beta: 2, threshold: 1 })),
  { name: 'where', arity: 3, call: (c, x, y) => ops.where(ops.greater(c, 0), x, y) },
  // reductions, scans, softmax
  ...['sum', 'mean', 'max', 'min', 'logsumexp'].map((n) => r(n)),
  r('prod', {}, 'awayFromZero'),
  r('var', { correction: 0 }),
  {
    ...r('std', { correction: 0 }),
    call: (x) => ops.std(ops.concat([ops.reshape(x, [-1]), ops.scalar(3, 'float64').reshape(1)])),
  },
  u('cumsum', 'any', (x) => ops.cumsum(x)),
  u('cumprod', 'awayFromZero', (x) => ops.cumprod(x)),
  u('softmax', 'any', (x) => ops.softmax(x)),
  u('logSoftmax', 'any', (x) => ops.logSoftmax(x)),
  // shape ops and indexing (linear maps: their rules must be exact transposes)
  u('reshape', 'any', (x) => ops.reshape(x, [-1])),
  u('transpose', 'any', (x) => ops.transpose(x)),
  u('slice', 'any', (x) => (x.ndim > 0 ? ops.slice(x, { step: -2 }) : x.reshape(1))),
  u('pad', 'any', (x) =>
    ops.pad(
      x,
      x.shape.map((_, i) => [i, 1] as [number, number]),
      { value: 0.5 },
    ),
  ),
  u('flip', 'any', (x) => ops.flip(x)),
  { name: 'concat', arity: 2, call: (x, y) => ops.concat([ops.reshape(x, [-1]), ops.reshape(y, [-1])]) },
  { name: 'stack', arity: 2, call: (x, y) => ops.stack([x, y], -1) },
  u('take', 'any', (x) => ops.take(x, [0, 0, x.size - 1])),
  u('takeAlongAxis', 'any', (x) =>
    ops.takeAlongAxis(rows(x), array([[0, 0]]).broadcastTo([rows(x).shape[0], 2]), 1),
  ),
  // linear algebra
  u('matmul', 'any', (x) => ops.matmul(rows(x), ops.transpose(rows(x)))),
  { name: 'linear', arity: 2, call: (x, w) => ops.linear(rows(x), rows(w), ops.sum(rows(w), { axis: 1 })) },
  // losses and normalisation
  { name: 'mseLoss', arity: 2, call: (x, y) => ops.mseLoss(x, y) },
  { name: 'huberLoss', arity: 2, call: (x, y) => ops.huberLoss(x, ops.mul(y, 1.37), { delta: 0.5 }) },
  {
    name: 'binaryCrossEntropyWithLogits',
    arity: 2,
    call: (x, y) => ops.binaryCrossEntropyWithLogits(x, ops.sigmoid(y)),
  },
  u('crossEntropy', 'any', (x) =>
    ops.crossEntropy(rows(x), zeros([rows(x).shape[0]], { dtype: 'int32' }), { labelSmoothing: 0.1 }),
  ),
  u('layerNorm', 'any', (x) => ops.layerNorm(rows(x), null, null, { normalizedShape: [rows(x).shape[1]] })),
];

/** Values in the op's domain, away from kinks (|v| >= 0.2) so finite differences are meaningful. */
function values(domain: Domain): fc.Arbitrary<number> {
  const mag = fc.double({ min: 0.2, max: 2, noNaN: true });
  if (domain === 'positive') return mag;
  if (domain === 'unit')
    return fc.double({ min: -0.8, max: 0.8, noNaN: true }).filter((v) => Math.abs(v) > 0.05);
  return fc.tuple(mag, fc.boolean()).map(([m, s]) => (s ? m : -m));
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });

/** Cycles `vals`, plus a small offset per element and operand, so no two elements tie. */
function filled(shape: number[], vals: number[], k: number): NDArray {
  const a = zeros(shape, { dtype: 'float64' });
  for (let i = 0; i < a.size; i++) {
    const v = vals[i % vals.length];
    a.data[i] = v + Math.sign(v) * (i * 1e-3 + k * 0.0137);
  }
  return a;
}

/** A shape that broadcasts to `shape`: some axes set to 1, some leading axes dropped. */
function broadcastable(shape: number[], mask: boolean[], drop: number): number[] {
  return shape.map((d, i) => (mask[i % mask.length] ? 1 : d)).slice(Math.min(drop, shape.length));
}

function inputsArb(c: OpCase) {
  return fc
    .record({
      shape: shapeArb,
      vals: fc.array(values(c.domain ?? 'any'), { minLength: 1, maxLength: 30 }),
      mask: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      drop: fc.integer({ min: 0, max: 2 }),
    })
    .map(({ shape, vals, mask, drop }) =>
      Array.from({ length: c.arity }, (_, k) =>
        filled(
          c.broadcasts && k === 1 ? broadcastable(shape, mask, drop) : shape,
          [...vals.slice(k), ...vals.slice(0, k)],
          k,
        ),
      ),
    );
}

const available = CASES.filter((c) => typeof O[c.name] === 'function');

describe.each(available)('$name', (c) => {
  it('VJP and JVP match finite differences, first and second order', () => {
    fc.assert(
      fc.property(inputsArb(c), (xs) => {
        ops.checkGrads(c.call as never, xs, { order: 2 });
      }),
      { seed: 1234, numRuns: 25 },
    );
  });

  it('strided views give the same result as contiguous copies', () => {
    fc.assert(
      fc.property(inputsArb(c), (xs) => {
        // Same elements, laid out backwards: flip a flipped copy so the view's strides are negative.
        const views = xs.map((x) => x.flip().copy().flip());
        expect(c.call(...views).toArray()).toEqual(c.call(...xs).toArray());
        const transposed = xs.map((x) => x.transpose().copy().transpose());
        expect(c.call(...transposed).toArray()).toEqual(c.call(...xs).toArray());
      }),
      { seed: 99, numRuns: 25 },
    );
  });

  it('gradients have the shapes of the inputs', () => {
    fc.assert(
      fc.property(inputsArb(c), (xs) => {
        const argnums = xs.map((_, i) => i);
        const g = ops.grad((...a: NDArray[]) => ops.sum(c.call(...a)), { argnums })(...xs) as NDArray[];
        expect(g.map((gi) => gi.shape)).toEqual(xs.map((x) => x.shape));
      }),
      { seed: 5, numRuns: 25 },
    );
  });
});

it('every op in the property table exists', () => {
  expect(available.map((c) => c.name)).toEqual(CASES.map((c) => c.name));
});
