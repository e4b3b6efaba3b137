/**
 * The training loop shared by the examples: shuffled minibatches, `valueAndGrad` of the cross-entropy with
 * respect to the params pytree, a pure optimizer update, and evaluation in eval mode. Nothing here knows
 * which model or data set it trains; the examples only choose them and the budget.
 */
import { ArgumentError, fmtShape, type NDArray } from '@lucid-ts/ndarray';
import type { Layer, Optimizer } from '@lucid-ts/nn';
import { argmax, crossEntropy, type PyTree, random, take, valueAndGrad } from '@lucid-ts/ops';
import type { Dataset, Key } from './data/common.js';
import { createProgress, type ProgressSink } from './progress.js';

/** Loss and accuracy over a data set (or a running mean over an epoch's batches). */
export interface Scores {
  loss: number;
  accuracy: number;
}

/**
 * Shuffled minibatches of `0..n−1`: `⌈n / batchSize⌉` index lists covering every sample once, the last one
 * shorter when `batchSize` does not divide `n`.
 * @example minibatches(random.key(0), 10, 4) // three lists of 4, 4 and 2 indices
 */
export function minibatches(key: Key, n: number, batchSize: number): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError(`minibatches: batchSize must be a positive integer, got ${batchSize}`);
  }
  const order = n === 0 ? [] : Array.from(random.permutation(key, n).data as Int32Array);
  const out: number[][] = [];
  for (let i = 0; i < n; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/** Rows `indices` of `x` (first axis), e.g. one minibatch. */
export function takeRows(x: NDArray, indices: readonly number[]): NDArray {
  return take(x, indices, { axis: 0 });
}

/**
 * Fraction of rows of `logits` `[N, C]` whose argmax is the label in `labels` `[N]` (int32).
 * @example accuracy(array([[2, 1], [0, 3]]), array([0, 0])) // 0.5
 */
export function accuracy(logits: NDArray, labels: NDArray): number {
  if (logits.ndim !== 2 || labels.ndim !== 1 || logits.shape[0] !== labels.shape[0]) {
    throw new ArgumentError(
      `accuracy: logits must be [N, C] and labels [N], got ${fmtShape(logits.shape)} and ${fmtShape(labels.shape)}`,
    );
  }
  const pred = argmax(logits, { axis: 1 });
  let hits = 0;
  for (let i = 0; i < labels.shape[0]; i++) if (pred.get(i) === labels.get(i)) hits++;
  return labels.shape[0] === 0 ? 0 : hits / labels.shape[0];
}

/**
 * Mean cross-entropy and accuracy of `model` over `data`, in eval mode (dropout off, batch norm on its
 * running statistics), in batches of `batchSize` so memory stays bounded.
 */
export function evaluate(
  model: Layer,
  params: PyTree,
  state: PyTree,
  data: Dataset,
  batchSize = 256,
): Scores {
  const n = data.y.shape[0];
  let loss = 0;
  let hits = 0;
  for (let i = 0; i < n; i += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - i) }, (_, j) => i + j);
    const xb = takeRows(data.x, idx);
    const yb = takeRows(data.y, idx);
    const [logits] = model.forward(params, state, xb, { training: false });
    loss += crossEntropy(logits, yb, { reduction: 'sum' }).item();
    hits += accuracy(logits, yb) * idx.length;
  }
  return n === 0 ? { loss: Number.NaN, accuracy: 0 } : { loss: loss / n, accuracy: hits / n };
}

export interface TrainOptions {
  model: Layer;
  /** A pure optimizer from @lucid-ts/nn, e.g. `adam({ lr: 1e-3 })`. */
  optimizer: Optimizer;
  train: Dataset;
  /** Scored at the end, and after every epoch when `evalEachEpoch`. */
  test: Dataset;
  epochs: number;
  batchSize: number;
  /** Initialises the params and drives shuffling and dropout. */
  key: Key;
  /** Progress output (default: nothing is written). */
  sink?: ProgressSink;
  /** Also score the test set after each epoch (shown as `test_acc`); costs one forward pass over it. */
  evalEachEpoch?: boolean;
}

export interface EpochRecord {
  epoch: number;
  /** Running means over the epoch's minibatches, in training mode. */
  train: Scores;
  test?: Scores;
  ms: number;
}

export interface TrainResult {
  params: PyTree;
  state: PyTree;
  /** Loss of every step, in order. */
  losses: number[];
  history: EpochRecord[];
  test: Scores;
}

/**
 * Trains `model` with minibatch gradient descent: each step is
 * `(loss, grads) = valueAndGrad(p ↦ crossEntropy(model(p, x_b), y_b))(params)`, then
 * `optimizer.update(grads, …)`. The PyTorch loop `loss.backward(); opt.step()` as one pure function.
 * @example const { test } = train({ model, optimizer: adam({ lr: 1e-3 }), train: tr, test: te, epochs: 5, batchSize: 32, key: random.key(0) });
 */
export function train(options: TrainOptions): TrainResult {
  const { model, optimizer, epochs, batchSize } = options;
  const sink: ProgressSink = options.sink ?? { write: () => undefined };
  const [initKey, loopKey] = random.split(options.key, 2);
  let params = model.init(initKey);
  let state = model.initState();
  let optState = optimizer.init(params);
  const n = options.train.y.shape[0];
  const steps = Math.ceil(n / batchSize);
  const progress = createProgress(sink, { epochs, steps });
  // The model's new state (batch-norm statistics) and the logits ride along as aux: one forward per step.
  const lossAndGrad = valueAndGrad(
    (p: PyTree, s: PyTree, xb: NDArray, yb: NDArray, key: Key) => {
      const [logits, next] = model.forward(p, s, xb, { training: true, key });
      return [crossEntropy(logits, yb), [next, logits]];
    },
    { hasAux: true },
  );
  const losses: number[] = [];
  const history: EpochRecord[] = [];
  const epochKeys = random.split(loopKey, Math.max(epochs, 1));
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const [shuffleKey, dropKey] = random.split(epochKeys[e], 2);
    const batches = minibatches(shuffleKey, n, batchSize);
    const stepKeys = random.split(dropKey, Math.max(batches.length, 1));
    let lossSum = 0;
    let hits = 0;
    let seen = 0;
    batches.forEach((idx, b) => {
      const xb = takeRows(options.train.x, idx);
      const yb = takeRows(options.train.y, idx);
      const [[loss, [nextState, logits]], grads] = lossAndGrad(params, state, xb, yb, stepKeys[b]) as [
        [NDArray, [PyTree, NDArray]],
        PyTree,
      ];
      ({ params, state: optState } = optimizer.update(grads, optState, params));
      state = nextState;
      const l = loss.item();
      losses.push(l);
      lossSum += l * idx.length;
      hits += accuracy(logits, yb) * idx.length;
      seen += idx.length;
      progress.step(b + 1, { loss: lossSum / seen, acc: hits / seen });
    });
    const record: EpochRecord = {
      epoch: e + 1,
      train: { loss: lossSum / seen, accuracy: hits / seen },
      ms: 0,
    };
    if (options.evalEachEpoch) record.test = evaluate(model, params, state, options.test);
    record.ms = performance.now() - t0;
    history.push(record);
    const shown: Record<string, number> = { loss: record.train.loss, acc: record.train.accuracy };
    if (record.test) shown.test_acc = record.test.accuracy;
    progress.endEpoch(e + 1, shown);
  }
  const last = history.at(-1)?.test;
  const test = last ?? evaluate(model, params, state, options.test);
  return { params, state, losses, history, test };
}
