import { array, fromTypedArray } from '@lucid-ts/ndarray';
import { adam, type BatchNormState, batchNorm1d, linear, relu, sequential } from '@lucid-ts/nn';
import { random } from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './data/common.js';
import { summaryLines } from './summary.js';
import { accuracy, evaluate, minibatches, takeRows, train } from './train.js';

/** Two Gaussian blobs per class around the corners of a square: linearly separable by class. */
function blobs(seed: number, n: number): Dataset {
  const noise = random.normal(random.key(seed), [n, 2]).data as Float32Array;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 4;
    x[2 * i] = (y[i] & 1 ? 2 : -2) + 0.5 * noise[2 * i];
    x[2 * i + 1] = (y[i] & 2 ? 2 : -2) + 0.5 * noise[2 * i + 1];
  }
  return { x: fromTypedArray(x, [n, 2]), y: fromTypedArray(y, [n]) };
}

describe('minibatches', () => {
  it('covers every index exactly once in batches of the requested size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 16 }), (n, b) => {
        const batches = minibatches(random.key(n * 31 + b), n, b);
        expect(batches).toHaveLength(Math.ceil(n / b));
        for (const batch of batches.slice(0, -1)) expect(batch).toHaveLength(b);
        expect(batches.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('shuffles, deterministically for a key', () => {
    const a = minibatches(random.key(1), 32, 8);
    expect(minibatches(random.key(1), 32, 8)).toEqual(a);
    expect(a.flat()).not.toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(() => minibatches(random.key(1), 4, 0)).toThrow(/batchSize must be a positive integer, got 0/);
  });

  it('takes rows of inputs and labels together', () => {
    const x = array([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(takeRows(x, [2, 0]).toArray()).toEqual([
      [4, 5],
      [0, 1],
    ]);
  });
});

describe('accuracy', () => {
  it('counts argmax hits', () => {
    const logits = array([
      [2, 1],
      [0, 3],
      [5, -1],
      [0, 1],
    ]);
    expect(accuracy(logits, array([0, 0, 0, 1]))).toBe(0.75);
    expect(() => accuracy(logits, array([0, 1]))).toThrow(
      /logits must be \[N, C\] and labels \[N\], got \[4,2\] and \[2\]/,
    );
  });
});

describe('train', () => {
  const model = sequential(
    linear({ inFeatures: 2, outFeatures: 8 }),
    relu(),
    linear({ inFeatures: 8, outFeatures: 4 }),
  );
  const data = blobs(0, 128);
  const test = blobs(1, 64);

  it('lowers the loss, reaches high accuracy on an easy problem, and is deterministic', () => {
    const run = () =>
      train({
        model,
        optimizer: adam({ lr: 0.05 }),
        train: data,
        test,
        epochs: 5,
        batchSize: 16,
        key: random.key(3),
      });
    const r = run();
    expect(r.losses).toHaveLength(5 * 8);
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(r.history[4].train.loss).toBeLessThan(r.history[0].train.loss / 2);
    expect(r.test.accuracy).toBeGreaterThan(0.95);
    expect(r.test).toEqual(evaluate(model, r.params, r.state, test));
    expect(run().losses).toEqual(r.losses);
  });

  it('threads layer state (batch-norm statistics) and scores each epoch when asked', () => {
    const bnModel = sequential(
      linear({ inFeatures: 2, outFeatures: 8 }),
      batchNorm1d({ numFeatures: 8 }),
      relu(),
      linear({ inFeatures: 8, outFeatures: 4 }),
    );
    const writes: string[] = [];
    const r = train({
      model: bnModel,
      optimizer: adam({ lr: 0.05 }),
      train: data,
      test,
      epochs: 2,
      batchSize: 32,
      key: random.key(4),
      sink: { write: (t) => writes.push(t) },
      evalEachEpoch: true,
    });
    const bnState = (r.state as unknown as BatchNormState[])[1]!;
    expect(bnState.numBatchesTracked.item()).toBe(2 * 4);
    expect(r.history.every((h) => h.test !== undefined)).toBe(true);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatch(
      /^epoch 2\/2 {2}loss \d\.\d{4} {2}acc \d\.\d{4} {2}test_acc \d\.\d{4} {2}\d+\.\ds\n$/,
    );
  });
});

describe('summaryLines', () => {
  it('lists each layer with its parameter count, then the total', () => {
    const layers = [
      linear({ inFeatures: 2, outFeatures: 3 }),
      relu(),
      linear({ inFeatures: 3, outFeatures: 1 }),
    ];
    const params = sequential(...layers).init(random.key(0)) as unknown[];
    expect(summaryLines(layers, params as never)).toEqual([
      '  linear(in=2, out=3)  9',
      '  relu()               0',
      '  linear(in=3, out=1)  4',
      'total: 13 params',
    ]);
  });
});
