import { array, broadcastShapes, DTypeError, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, rand, readConformance, type Tensor, toArr } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { jvp } from '../transforms/jvp.js';
import { vjp } from '../transforms/vjp.js';
import { add, mul } from './arith.js';
import { dot, linear, matmul, outer } from './linalg.js';
import { sum } from './sum.js';
import { tanh } from './unary.js';

/** This file's tolerances: rtol 1e-9, atol 1e-10. */
const close = (actual: NDArray, expected: NDArray, rtol = 1e-9, atol = 1e-10) =>
  expectClose(actual, expected, rtol, atol);

/** NumPy matmul by definition: vector promotion, batch broadcasting, one `get` per term. */
function refMatmul(a: NDArray, b: NDArray): NDArray {
  const a2 = a.ndim === 1 ? a.reshape(1, -1) : a;
  const b2 = b.ndim === 1 ? b.reshape(-1, 1) : b;
  const [m, k] = a2.shape.slice(-2);
  const n = b2.shape[b2.ndim - 1];
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const ab = a2.broadcastTo([...batch, m, k]);
  const bb = b2.broadcastTo([...batch, k, n]);
  const out = zeros([...batch, m, n], { dtype: 'float64' });
  let f = 0;
  const nb = batch.reduce((p, d) => p * d, 1);
  for (let t = 0; t < nb; t++) {
    const bi: number[] = [];
    for (let r = t, q = batch.length - 1; q >= 0; q--) {
      bi.unshift(r % batch[q]);
      r = Math.floor(r / batch[q]);
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += ab.get(...bi, i, p) * bb.get(...bi, p, j);
        out.data[f++] = s;
      }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return out.reshape(shape);
}

describe('linear.json fixtures (PyTorch float64): outputs and VJPs', () => {
  interface Case {
    id: string;
    op: 'linear' | 'matmul';
    inputs: Record<string, Tensor | null>;
    output: Tensor;
    cotangent: Tensor;
    grads: Record<string, Tensor>;
  }
  const cases: Case[] = readConformance('linear').cases;
  for (const c of cases) {
    it(c.id, () => {
      const names = Object.keys(c.inputs).filter((k) => c.inputs[k] !== null);
      const f = (...xs: NDArray[]) =>
        c.op === 'matmul' ? matmul(xs[0], xs[1]) : linear(xs[0], xs[1], xs[2] ?? null);
      const [out, pullback] = vjp(f, ...names.map((k) => toArr(c.inputs[k]!)));
      close(out, toArr(c.output));
      const grads = pullback(toArr(c.cotangent));
      for (const [i, k] of names.entries()) close(grads[i], toArr(c.grads[k]));
    });
  }
});

describe('hvp.json matmul_tanh_sq: second order through a broadcast batched matmul', () => {
  const cases: {
    id: string;
    fn: string;
    inputs: Record<string, Tensor>;
    output: Tensor;
    grads: Record<string, Tensor>;
    vector: Record<string, Tensor>;
    hvp: Record<string, Tensor>;
  }[] = readConformance('hvp').cases;
  for (const c of cases.filter((k) => k.fn === 'matmul_tanh_sq')) {
    it(c.id, () => {
      const f = (a: NDArray, b: NDArray) => {
        const y = tanh(matmul(a, b));
        return sum(mul(y, y));
      };
      const g = (a: NDArray, b: NDArray) => grad(f, { argnums: [0, 1] })(a, b) as NDArray[];
      const [a, b] = [toArr(c.inputs.a), toArr(c.inputs.b)];
      close(f(a, b), toArr(c.output));
      const [ga, gb] = g(a, b);
      close(ga, toArr(c.grads.a));
      close(gb, toArr(c.grads.b));
      const [, [ha, hb]] = jvp(g, [a, b], [toArr(c.vector.a), toArr(c.vector.b)]);
      close(ha, toArr(c.hvp.a));
      close(hb, toArr(c.hvp.b));
    });
  }
});

describe('matmul', () => {
  const dimArb = fc.integer({ min: 0, max: 5 });
  const batchArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 });

  it('matches the definition on random shapes: vectors, batches that broadcast, size-0 axes', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: dimArb,
          k: dimArb,
          n: dimArb,
          ba: batchArb,
          bb: batchArb,
          va: fc.boolean(),
          vb: fc.boolean(),
        }),
        fc.nat(),
        ({ m, k, n, ba, bb, va, vb }, seed) => {
          // Make the batch shapes broadcastable: where they disagree, one side becomes 1.
          const lead = Math.min(ba.length, bb.length);
          for (let i = 1; i <= lead; i++) if (ba[ba.length - i] !== bb[bb.length - i]) bb[bb.length - i] = 1;
          const a = rand(va ? [k] : [...ba, m, k], seed);
          const b = rand(vb ? [k] : [...bb, k, n], seed + 1);
          close(matmul(a, b), refMatmul(a, b), 1e-12, 1e-12);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it('1-D cases: dot, row vector, column vector', () => {
    expect(matmul(f64([1, 2, 3]), f64([4, 5, 6])).toArray()).toEqual(32);
    expect(
      matmul(
        f64([1, 2]),
        f64([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([9, 12, 15]);
    expect(
      matmul(
        f64([
          [1, 2],
          [3, 4],
        ]),
        f64([1, 1]),
      ).toArray(),
    ).toEqual([3, 7]);
    expect(matmul(f64([1, 2]), rand([4, 2, 3])).shape).toEqual([4, 3]);
    expect(matmul(rand([4, 2, 3]), f64([1, 2, 3])).shape).toEqual([4, 2]);
  });

  it('strided operands (transposed, flipped, stepped, broadcast) give the same results as copies', () => {
    const views: ((x: NDArray) => NDArray)[] = [
      (x) => x.transpose(),
      (x) => x.flip(),
      (x) => x.slice({ step: 2 }, { step: -2 }),
      (x) => x.slice({ stop: 1 }).broadcastTo(x.shape),
    ];
    const a = rand([40, 40], 1);
    const b = rand([40, 40], 2);
    for (const va of views)
      for (const vb of views) {
        const x = va(a);
        const y = vb(b).slice({ stop: x.shape[1] }, { stop: 11 });
        const x2 = x.slice(null, { stop: y.shape[0] });
        close(matmul(x2, y), matmul(x2.copy(), y.copy()), 1e-12, 1e-12);
      }
  });

  it('dtypes: promotion, float32 accuracy, int32', () => {
    expect(matmul(array([[1, 2]]), f64([[0.5], [0.25]])).dtype).toBe('float64');
    const a = rand([20, 512], 3);
    const b = rand([512, 30], 4);
    const r32 = matmul(a.astype('float32'), b.astype('float32'));
    expect(r32.dtype).toBe('float32');
    close(
      r32,
      matmul(a.astype('float32').astype('float64'), b.astype('float32').astype('float64')),
      1e-6,
      1e-6,
    );
    const i = matmul(
      array([
        [1, 2],
        [3, 4],
      ]),
      array([[1], [1]]),
    );
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([[3], [7]]);
  });

  it('errors name the shapes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      new ShapeError('matmul: inner dimensions differ, got [2,3] @ [4,5]'),
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow('matmul: inner dimensions differ, got [3] @ [4]');
    expect(() => matmul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow(
      'matmul: batch dimensions cannot be broadcast together, got [2,3,4] @ [3,4,5]',
    );
    expect(() => matmul(f64(2), zeros([3]))).toThrow(
      'matmul: both operands must have at least 1 dimension, got [] @ [3]',
    );
    expect(() => matmul(2, zeros([3]))).toThrow(ShapeError);
    expect(() => matmul(array([true]), array([false]))).toThrow(
      new DTypeError('matmul: operands must be numeric, got bool @ bool'),
    );
  });

  it('second order: batched with broadcasting, vectors', () => {
    const sq = (y: NDArray) => mul(y, y);
    checkGrads((a: NDArray, b: NDArray) => sq(matmul(a, b)), [rand([2, 3, 4], 1), rand([4, 5], 2)], {
      order: 2,
    });
    checkGrads((a: NDArray, b: NDArray) => sq(matmul(a, b)), [rand([2, 1, 3, 4], 3), rand([3, 4, 2], 4)], {
      order: 2,
    });
    checkGrads((a: NDArray, b: NDArray) => sq(matmul(a, b)), [rand([3], 5), rand([2, 3, 4], 6)], {
      order: 2,
    });
    checkGrads((a: NDArray, b: NDArray) => sq(matmul(a, b)), [rand([2, 3, 4], 7), rand([4], 8)], {
      order: 2,
    });
    checkGrads((a: NDArray, b: NDArray) => sq(matmul(a, b)), [rand([4], 9), rand([4], 10)], { order: 2 });
  });

  it('gradients of a broadcast batch are summed back to the operand shape', () => {
    const [ga, gb] = grad((a: NDArray, b: NDArray) => sum(matmul(a, b)), { argnums: [0, 1] })(
      rand([1, 2, 3]),
      rand([4, 3, 2]),
    );
    expect(ga.shape).toEqual([1, 2, 3]);
    expect(gb.shape).toEqual([4, 3, 2]);
  });
});

describe('linear', () => {
  it('x · weightᵀ + bias over the last axis', () => {
    const x = rand([2, 3, 4], 1);
    const w = rand([5, 4], 2);
    const b = rand([5], 3);
    close(linear(x, w, b), add(refMatmul(x, w.transpose()), b), 1e-12, 1e-12);
    close(linear(x.slice(0, 0), w), refMatmul(x.slice(0, 0), w.transpose()), 1e-12, 1e-12);
    expect(linear(zeros([0, 4]), w, b).shape).toEqual([0, 5]);
  });

  it('errors', () => {
    expect(() => linear(zeros([2, 3]), zeros([4, 5]), zeros([4]))).toThrow(
      new ShapeError('linear: x has 3 features but weight expects 5, got x [2,3] and weight [4,5]'),
    );
    expect(() => linear(zeros([2, 3]), zeros([3]))).toThrow(
      'linear: weight must be 2-D [out, in], got shape [3]',
    );
    expect(() => linear(zeros([2, 3]), zeros([4, 3]), zeros([3]))).toThrow(
      'linear: bias must have shape [4], got [3]',
    );
    expect(() => linear(f64(1), zeros([4, 1]))).toThrow(
      'linear: x must have at least 1 dimension, got shape []',
    );
  });

  it('second order (an MLP layer)', () => {
    checkGrads(
      // w enters as w² so that its gradient comes out of `mul` contiguous (checkGrads reads `.data`).
      (x: NDArray, w: NDArray, b: NDArray) => {
        const h = linear(x, mul(w, w), b);
        return mul(h, h);
      },
      [rand([3, 4], 1), rand([2, 4], 2), rand([2], 3)],
      { order: 2 },
    );
  });
});

describe('dot and outer', () => {
  it('dot follows NumPy', () => {
    expect(dot(f64([1, 2, 3]), f64([4, 5, 6])).toArray()).toEqual(32);
    expect(dot(f64(2), f64([1, 2])).toArray()).toEqual([2, 4]);
    const a = rand([2, 3, 4], 1);
    const b = rand([5, 4, 2], 2);
    const d = dot(a, b);
    expect(d.shape).toEqual([2, 3, 5, 2]);
    let s = 0;
    for (let l = 0; l < 4; l++) s += a.get(1, 2, l) * b.get(3, l, 1);
    expect(d.get(1, 2, 3, 1)).toBeCloseTo(s, 12);
    close(dot(a, rand([4, 6], 3)), refMatmul(a, rand([4, 6], 3)));
    expect(() => dot(a, rand([5, 3, 2]))).toThrow(
      new ShapeError('dot: inner dimensions differ, got [2,3,4] and [5,3,2]'),
    );
    expect(() => dot(f64([1, 2]), f64([1]))).toThrow('dot: inner dimensions differ, got [2] @ [1]');
    checkGrads((x: NDArray, y: NDArray) => mul(dot(x, y), dot(x, y)), [rand([2, 3], 4), rand([2, 3, 2], 5)], {
      order: 2,
    });
  });

  it('outer', () => {
    expect(outer(f64([1, 2]), f64([1, 10, 100])).toArray()).toEqual([
      [1, 10, 100],
      [2, 20, 200],
    ]);
    expect(outer(f64([[1, 2]]), f64([3])).shape).toEqual([2, 1]);
    checkGrads((x: NDArray, y: NDArray) => mul(outer(x, y), outer(x, y)), [rand([3], 6), rand([2], 7)], {
      order: 2,
    });
  });
});
