import { ArgumentError, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { describe, expect, it } from 'vitest';
import { sequential } from '../layer.js';
import { linear } from './linear.js';
import { type BatchNormState, batchNorm1d, batchNorm2d, batchNorm3d, groupNorm, layerNorm } from './norm.js';

const key = ops.random.key(5);
const input = (shape: number[], seed: number, scale = 1, shift = 0) =>
  ops.add(ops.mul(ops.random.normal(ops.random.key(seed), shape, { dtype: 'float64' }), scale), shift);
const flat = (a: NDArray) => Array.from(a.copy().data);

function expectClose(a: NDArray, b: NDArray | number[], tol = 1e-10): void {
  const y = Array.isArray(b) ? b : flat(b);
  if (!Array.isArray(b)) expect(a.shape).toEqual(b.shape);
  const x = flat(a);
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => {
    if (!(Math.abs(v - y[i]) <= tol * (1 + Math.abs(y[i]))))
      throw new Error(`element ${i}: got ${v}, expected ${y[i]}`);
  });
}

/** Per-channel mean and biased/unbiased variance of x [N, C, ...], by plain loops. */
function channelStats(x: NDArray): { mean: number[]; biased: number[]; unbiased: number[] } {
  const c = x.shape[1];
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const d = flat(x);
  const groups: number[][] = Array.from({ length: c }, () => []);
  d.forEach((v, i) => {
    groups[Math.floor(i / inner) % c].push(v);
  });
  const mean = groups.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
  const ss = groups.map((g, j) => g.reduce((s, v) => s + (v - mean[j]) ** 2, 0));
  return {
    mean,
    biased: ss.map((s, j) => s / groups[j].length),
    unbiased: ss.map((s, j) => s / (groups[j].length - 1)),
  };
}

describe('batch norm', () => {
  it('has weight 1, bias 0 and running stats 0, 1, 0; names show the config', () => {
    const bn = batchNorm2d({ numFeatures: 3 });
    expect(bn.name).toBe('batchNorm2d(features=3)');
    expect(flat(bn.init(key).weight!)).toEqual([1, 1, 1]);
    expect(flat(bn.init(key).bias!)).toEqual([0, 0, 0]);
    const s = bn.initState()!;
    expect(flat(s.runningMean)).toEqual([0, 0, 0]);
    expect(flat(s.runningVar)).toEqual([1, 1, 1]);
    expect(s.numBatchesTracked.dtype).toBe('int32');
    expect(s.numBatchesTracked.item()).toBe(0);
    const plain = batchNorm1d({
      numFeatures: 2,
      affine: false,
      momentum: null,
      trackRunningStats: false,
      dtype: 'float64',
    });
    expect(plain.name).toBe(
      'batchNorm1d(features=2, momentum=null, affine=false, trackRunningStats=false, dtype=float64)',
    );
    expect(plain.init(key)).toEqual({});
    expect(plain.initState()).toBeNull();
  });

  it('training uses batch statistics (= ops.batchNorm) and threads the running ones as PyTorch updates them', () => {
    const bn = batchNorm2d({ numFeatures: 3, momentum: 0.3, dtype: 'float64' });
    const params = { weight: input([3], 1), bias: input([3], 2) };
    let state = bn.initState();
    let [mean, variance] = [
      [0, 0, 0],
      [1, 1, 1],
    ];
    for (let k = 0; k < 4; k++) {
      const x = input([4, 3, 2, 3], 10 + k, 2, k);
      const [y, next] = bn.forward(params, state, x, { training: true });
      expectClose(y, ops.batchNorm(x, params.weight, params.bias, { eps: 1e-5 }), 0);
      const st = channelStats(x);
      // PyTorch: running = (1 − momentum)·running + momentum·batch, with the unbiased batch variance.
      mean = mean.map((m, j) => 0.7 * m + 0.3 * st.mean[j]);
      variance = variance.map((v, j) => 0.7 * v + 0.3 * st.unbiased[j]);
      state = next;
      expectClose(state!.runningMean, mean);
      expectClose(state!.runningVar, variance);
      expect(state!.numBatchesTracked.item()).toBe(k + 1);
    }
    // Evaluation: (x − running mean) / √(running var + eps) · weight + bias, and the state is unchanged.
    const x = input([2, 3, 2, 2], 99);
    const [y, same] = bn.forward(params, state, x, { training: false });
    expect(same).toBe(state);
    const [w, b, xs] = [flat(params.weight), flat(params.bias), flat(x)];
    const expected = xs.map((v, i) => {
      const j = Math.floor(i / 4) % 3;
      return ((v - mean[j]) / Math.sqrt(variance[j] + 1e-5)) * w[j] + b[j];
    });
    expectClose(y, expected);
    expectClose(bn.apply(params, x, { state }), expected);
  });

  it('momentum null keeps a cumulative average; 1d takes [N, C] and [N, C, L]; 3d takes [N, C, D, H, W]', () => {
    const bn = batchNorm1d({ numFeatures: 2, momentum: null, dtype: 'float64' });
    const xs = [input([5, 2], 1), input([3, 2, 4], 2), input([6, 2], 3)];
    let state: BatchNormState = bn.initState();
    for (const x of xs)
      state = bn.forward({ weight: input([2], 4), bias: input([2], 5) }, state, x, { training: true })[1];
    const means = xs.map((x) => channelStats(x).mean);
    const vars = xs.map((x) => channelStats(x).unbiased);
    // Factor 1/(k+1) at step k: the first batch replaces the initial (0, 1), then batches are averaged equally.
    expectClose(
      state!.runningMean,
      [0, 1].map((j) => (means[0][j] + means[1][j] + means[2][j]) / 3),
    );
    expectClose(
      state!.runningVar,
      [0, 1].map((j) => (vars[0][j] + vars[1][j] + vars[2][j]) / 3),
    );

    const bn3 = batchNorm3d({ numFeatures: 2 });
    const x3 = ops.random.normal(key, [2, 2, 3, 2, 2]);
    const [y3] = bn3.forward(bn3.init(key), bn3.initState(), x3, { training: true });
    expectClose(y3, ops.batchNorm(x3, null, null), 1e-6);
  });

  it('without running stats, evaluation also uses batch statistics', () => {
    const bn = batchNorm2d({ numFeatures: 2, trackRunningStats: false, affine: false });
    const x = ops.random.normal(key, [3, 2, 2, 2]);
    expectClose(bn.apply({}, x), ops.batchNorm(x, null, null), 0);
    expectClose(bn.apply({}, x, { training: true }), ops.batchNorm(x, null, null), 0);
  });

  it('gradients flow to the params, not to the running statistics (stopGradient), in a sequential', () => {
    const model = sequential(
      linear({ inFeatures: 3, outFeatures: 4, dtype: 'float64' }),
      batchNorm1d({ numFeatures: 4, dtype: 'float64' }),
    );
    const params = model.init(key);
    const x = input([6, 3], 7);
    const c = input([6, 4], 8);
    const loss = (p: typeof params) => {
      const [y, state] = model.forward(p, model.initState(), x, { training: true });
      return [ops.sum(ops.mul(y, c)), state];
    };
    const [[value, state], grads] = ops.valueAndGrad(loss, { hasAux: true })(params);
    expect(Number.isFinite(value.item())).toBe(true);
    expect(ops.treeStructureEqual(grads, params)).toBe(true);
    const bnState = (state as BatchNormState[])[1]!;
    expect(bnState.numBatchesTracked.item()).toBe(1);
    expect(bnState.runningMean).not.toBeInstanceOf(ops.Tracer);
    ops.checkGrads(
      (w: NDArray) =>
        ops.sum(
          ops.mul(
            c,
            model.apply([{ ...(params[0] as object), weight: w }, params[1]], x, { training: true }),
          ),
        ),
      [(params[0] as { weight: NDArray }).weight],
    );
  });

  it('names the layer and the shapes when the input or state do not fit', () => {
    const bn = batchNorm2d({ numFeatures: 3 });
    const p = bn.init(key);
    expect(() => bn.apply(p, ops.random.normal(key, [2, 3, 4]))).toThrow(
      new ShapeError('batchNorm2d(features=3): input must be [N, 3, H, W], got input shape [2,3,4]'),
    );
    expect(() => bn.apply(p, ops.random.normal(key, [2, 4, 1, 1]))).toThrow(
      'batchNorm2d(features=3): input has 4 channels, expected 3, got input shape [2,4,1,1]',
    );
    const bad = { ...bn.initState()!, runningVar: ops.random.normal(key, [4]) };
    expect(() => bn.apply(p, ops.random.normal(key, [2, 3, 1, 1]), { state: bad })).toThrow(
      /^batchNorm2d\(features=3\): state runningVar has shape \[4\], expected \[3\]/,
    );
    expect(() =>
      bn.forward(p, bn.initState(), ops.random.normal(key, [1, 3, 1, 1]), { training: true }),
    ).toThrow(/^batchNorm2d\(features=3\): batchNorm: training needs more than 1 value per channel/);
    expect(() => batchNorm1d({ numFeatures: 2, momentum: 2 })).toThrow(ArgumentError);
  });
});

describe('layer norm and group norm', () => {
  it('layerNorm equals the op, with params of normalizedShape', () => {
    const ln = layerNorm({ normalizedShape: [3, 4], dtype: 'float64' });
    expect(ln.name).toBe('layerNorm(shape=[3,4], dtype=float64)');
    const p = { weight: input([3, 4], 1), bias: input([3, 4], 2) };
    expect(ln.init(key).weight!.shape).toEqual([3, 4]);
    const x = input([2, 5, 3, 4], 3);
    expectClose(ln.apply(p, x), ops.layerNorm(x, p.weight, p.bias, { normalizedShape: [3, 4] }), 0);
    const noBias = layerNorm({ normalizedShape: 4, bias: false });
    expect(Object.keys(noBias.init(key))).toEqual(['weight']);
    expect(layerNorm({ normalizedShape: 4, elementwiseAffine: false }).init(key)).toEqual({});
    expect(() => ln.apply(p, input([2, 4, 3], 4))).toThrow(
      new ShapeError(
        'layerNorm(shape=[3,4], dtype=float64): input must end with dimensions [3,4], got input shape [2,4,3]',
      ),
    );
  });

  it('groupNorm equals the op, with per-channel params', () => {
    const gn = groupNorm({ numGroups: 2, numChannels: 4, dtype: 'float64' });
    expect(gn.name).toBe('groupNorm(groups=2, channels=4, dtype=float64)');
    const p = { weight: input([4], 1), bias: input([4], 2) };
    const x = input([3, 4, 5], 3);
    expectClose(gn.apply(p, x), ops.groupNorm(x, p.weight, p.bias, { numGroups: 2 }), 0);
    expect(() => gn.apply(p, input([3, 6, 5], 3))).toThrow('input has 6 channels, expected 4');
    expect(() => groupNorm({ numGroups: 3, numChannels: 4 })).toThrow(
      new ArgumentError('groupNorm: numGroups must divide numChannels, got numGroups=3, numChannels=4'),
    );
  });
});
