import { ArgumentError, array, DTypeError, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropout, embedding, flatten } from './misc.js';

const key = ops.random.key(11);
const flat = (a: NDArray) => Array.from(a.copy().data);

describe('flatten', () => {
  it('merges startDim..endDim (defaults 1..-1) and keeps the elements in order', () => {
    expect(flatten().name).toBe('flatten()');
    expect(flatten().apply({}, zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(flatten({ startDim: 0 }).apply({}, zeros([2, 3])).shape).toEqual([6]);
    expect(flatten({ startDim: 1, endDim: 2 }).apply({}, zeros([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    expect(flatten({ startDim: -2 }).name).toBe('flatten(startDim=-2)');
    expect(flatten({ startDim: 0 }).apply({}, array(3)).shape).toEqual([1]);
    expect(() => flatten().apply({}, zeros([4]))).toThrow(
      new ShapeError(
        'flatten(): startDim and endDim must be axes of the input with startDim <= endDim, got input shape [4]',
      ),
    );
  });

  it('preserves size and row-major order for any axis range (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        (shape, a, b) => {
          const n = shape.length;
          const [s, e] = [a % n, b % n].sort((p, q) => p - q);
          const x = ops.random.normal(key, shape).transpose(); // a strided view
          const y = flatten({ startDim: s - n, endDim: e }).apply({}, x);
          expect(y.size).toBe(x.size);
          expect(y.ndim).toBe(n - (e - s));
          expect(flat(y)).toEqual(flat(x));
        },
      ),
      { seed: 424242, numRuns: 60 },
    );
  });
});

describe('dropout', () => {
  const x = ops.add(ops.random.normal(key, [200, 100]), 3);

  it('is the identity in evaluation, whatever p', () => {
    expect(dropout().apply({}, x)).toBe(x);
    expect(dropout({ p: 0.9 }).apply({}, x, { training: false, key })).toBe(x);
  });

  it('in training keeps ≈ 1 − p of the elements, scaled by 1/(1 − p); the same key gives the same mask', () => {
    const drop = dropout({ p: 0.3 });
    expect(drop.name).toBe('dropout(p=0.3)');
    const y = drop.apply({}, x, { training: true, key });
    const [xs, ys] = [flat(x), flat(y)];
    const kept = ys.filter((v) => v !== 0).length / ys.length;
    // binomial: standard error √(p(1 − p)/n) ≈ 0.0032 for n = 20000
    expect(Math.abs(kept - 0.7)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / ys.length));
    const worst = ys.reduce(
      (m, v, i) => (v === 0 ? m : Math.max(m, Math.abs(v * 0.7 - xs[i]) / Math.abs(xs[i]))),
      0,
    );
    expect(worst).toBeLessThan(1e-6);
    expect(flat(drop.apply({}, x, { training: true, key }))).toEqual(ys);
    expect(flat(drop.apply({}, x, { training: true, key: ops.random.key(12) }))).not.toEqual(ys);
  });

  it('passes the gradient through the kept elements only, scaled', () => {
    const drop = dropout({ p: 0.5 });
    const small = ops.random.normal(key, [50], { dtype: 'float64' });
    const g = ops.grad((v: NDArray) => ops.sum(drop.apply({}, v, { training: true, key })))(small);
    const y = drop.apply({}, small, { training: true, key });
    expect(flat(g)).toEqual(flat(y).map((v) => (v === 0 ? 0 : 2)));
  });

  it('p = 1 gives zeros (with a zero gradient) and p = 0 the input, without needing a key', () => {
    expect(flat(dropout({ p: 1 }).apply({}, x, { training: true })).every((v) => v === 0)).toBe(true);
    const g = ops.grad((v: NDArray) => ops.sum(dropout({ p: 1 }).apply({}, v, { training: true })))(x);
    expect(flat(g).every((v) => v === 0)).toBe(true);
    expect(dropout({ p: 0 }).apply({}, x, { training: true })).toBe(x);
  });

  it('refuses to train without a key, and p outside [0, 1]', () => {
    expect(() => dropout().apply({}, x, { training: true })).toThrow(
      new ArgumentError(
        'dropout(p=0.5): training needs a key for the dropout mask, got none (pass { training: true, key })',
      ),
    );
    expect(() => dropout({ p: 1.5 })).toThrow('dropout: p must be a number in [0, 1], got 1.5');
  });
});

describe('embedding', () => {
  it('has a N(0, 1) weight [num, dim] and looks rows up by int32 index, any index shape', () => {
    const emb = embedding({ numEmbeddings: 1000, embeddingDim: 64 });
    expect(emb.name).toBe('embedding(num=1000, dim=64)');
    const { weight } = emb.init(key);
    expect(weight.shape).toEqual([1000, 64]);
    const w = flat(weight);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(w.length));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / w.length));

    const small = embedding({ numEmbeddings: 4, embeddingDim: 2 });
    const p = {
      weight: array(
        [
          [0, 1],
          [2, 3],
          [4, 5],
          [6, 7],
        ],
        { dtype: 'float32' },
      ),
    };
    const idx = array(
      [
        [3, 0],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    expect(small.apply(p, idx).toArray()).toEqual([
      [
        [6, 7],
        [0, 1],
      ],
      [
        [2, 3],
        [2, 3],
      ],
    ]);
    // Repeated indices add up in the gradient, as in PyTorch.
    const g = ops.grad((q: typeof p) => ops.sum(small.apply(q, idx)))(p);
    expect(g.weight.toArray()).toEqual([
      [1, 1],
      [2, 2],
      [0, 0],
      [1, 1],
    ]);
  });

  it('paddingIdx: a zero row at init that gets no gradient', () => {
    const emb = embedding({ numEmbeddings: 5, embeddingDim: 3, paddingIdx: -1 });
    expect(emb.name).toBe('embedding(num=5, dim=3, paddingIdx=4)');
    const p = emb.init(key);
    expect(flat(p.weight).slice(12)).toEqual([0, 0, 0]);
    const idx = array([4, 1, 4], { dtype: 'int32' });
    const g = ops.grad((q: typeof p) => ops.sum(emb.apply(q, idx)))(p);
    expect(g.weight.toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('names the layer on bad indices or weight', () => {
    const emb = embedding({ numEmbeddings: 4, embeddingDim: 2 });
    const p = emb.init(key);
    expect(() => emb.apply(p, array([0, 1], { dtype: 'float32' }))).toThrow(
      new DTypeError('embedding(num=4, dim=2): indices must be int32, got float32 input of shape [2]'),
    );
    expect(() => emb.apply(p, array([0, 4, -1], { dtype: 'int32' }))).toThrow(
      new ArgumentError(
        'embedding(num=4, dim=2): indices must be in [0, 4), got values from -1 to 4 in input of shape [3]',
      ),
    );
    expect(() => emb.apply({ weight: zeros([4, 3]) }, array([0], { dtype: 'int32' }))).toThrow(
      /param weight has shape \[4,3\], expected \[4,2\]/,
    );
    expect(() => embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: 4 })).toThrow(/paddingIdx/);
  });
});
