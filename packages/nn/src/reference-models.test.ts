/**
 * The "Integrating into a neural network model" examples of the reference pages (nn.Conv3d, nn.MaxPool3d,
 * nn.AvgPool3d, nn.AvgPool1d, nn.MaxPool2d) rewritten with our layers, each run forward and backward.
 * Every one of those examples has a shape mistake (the input the page feeds cannot reach the printed
 * linear layer); each test says which, fixes the input, and checks that the page's input fails with an
 * error naming the layer.
 */
import { arange, array, type NDArray } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { describe, expect, it } from 'vitest';
import { type Layer, sequential } from './layer.js';
import { relu } from './layers/activation.js';
import { conv1d, conv2d, conv3d } from './layers/conv.js';
import { linear } from './layers/linear.js';
import { flatten } from './layers/misc.js';
import { avgPool1d, avgPool3d, maxPool2d, maxPool3d } from './layers/pool.js';

const key = ops.random.key(2024);

/**
 * Forward and backward as the page does (`output.backward(ones)`): the gradient of sum(output) with
 * respect to the params pytree and the input. Checks the output shape, and that every gradient has its
 * param's (or input's) shape, is finite, and that some are nonzero.
 */
function forwardBackward(model: Layer, x: NDArray, outShape: number[]): void {
  const params = model.init(key);
  const loss = (p: typeof params, input: NDArray) => ops.sum(model.apply(p, input));
  const y = model.apply(params, x);
  expect(y.shape).toEqual(outShape);
  const [value, [gParams, gInput]] = ops.valueAndGrad(loss, { argnums: [0, 1] })(params, x);
  expect(value.item()).toBeCloseTo(
    Array.from(y.data).reduce((s, v) => s + v, 0),
    3,
  );
  expect(ops.treeStructureEqual(gParams, params)).toBe(true);
  const leaves = ops.treeLeaves(params) as NDArray[];
  const grads = ops.treeLeaves(gParams) as NDArray[];
  leaves.forEach((p, i) => {
    expect(grads[i].shape).toEqual(p.shape);
    expect(Array.from(grads[i].data).every(Number.isFinite)).toBe(true);
  });
  expect(grads.some((g) => Array.from(g.data).some((v) => v !== 0))).toBe(true);
  expect(gInput.shape).toEqual(x.shape);
  expect(Array.from((gInput as NDArray).data).every(Number.isFinite)).toBe(true);
}

describe('reference pages: models integrating the layers', () => {
  it('nn.Conv3d: conv3d(1→8, k3, p1), relu, conv3d(8→16, k3), relu, maxPool3d(2), flatten, linear(16·4·4·4 → 10)', () => {
    // The page feeds (1, 1, 3, 3, 3) (its data is even 4-D, (1, 1, 3, 3)). With a cube of side n: conv1 keeps
    // n, conv2 gives n − 2, the pool ⌊(n − 2)/2⌋, so the printed linear(16·4·4·4) needs n = 10 or 11.
    // Input [2, 1, 10, 10, 10]: 10 → conv1 10 → conv2 8 → pool 4, and 16·4·4·4 = 1024 features.
    const model = sequential(
      conv3d({ inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1 }),
      relu(),
      conv3d({ inChannels: 8, outChannels: 16, kernelSize: 3 }),
      relu(),
      maxPool3d({ kernelSize: 2, stride: 2 }),
      flatten(),
      linear({ inFeatures: 16 * 4 * 4 * 4, outFeatures: 10 }),
    );
    forwardBackward(model, ops.random.normal(key, [2, 1, 10, 10, 10]), [2, 10]);
    // The page's (1, 1, 3, 3, 3): conv2 leaves 1×1×1, too small for the 2×2×2 pool.
    expect(() => model.apply(model.init(key), ops.random.normal(key, [1, 1, 3, 3, 3]))).toThrow(
      /^maxPool3d\(k=2\): maxPool3d: output size must be at least 1 in every dimension, got \[0,0,0\]/,
    );
  });

  it('nn.AvgPool3d: conv3d(2→4, k3, p1), avgPool3d(2, stride 2), flatten, linear(4·1·1·1 → 1)', () => {
    // The page labels its input (1, 2, 3, 3, 3) but writes 2 channels of 3×3 values, a 4-D (1, 2, 3, 3).
    // (1, 2, 3, 3, 3) is right for the linear layer: 3 → conv 3 → pool 1, and 4·1·1·1 = 4 features.
    // The output is [1, 1] (not the 3-D tensor the page prints).
    const model = sequential(
      conv3d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: 1, padding: 1 }),
      avgPool3d({ kernelSize: 2, stride: 2, padding: 0 }),
      flatten(),
      linear({ inFeatures: 4 * 1 * 1 * 1, outFeatures: 1 }),
    );
    const x = ops.astype(arange(1, 55).reshape(1, 2, 3, 3, 3), 'float32');
    forwardBackward(model, x, [1, 1]);
    expect(() =>
      model.apply(model.init(key), ops.astype(arange(1, 19).reshape(1, 2, 3, 3), 'float32')),
    ).toThrow(
      'conv3d(in=2, out=4, k=3, padding=1): input has 1 channel, expected 2, got input shape [1,2,3,3] (read as unbatched [C, D, H, W]; a batch needs rank 5)',
    );
  });

  it('nn.MaxPool3d: conv3d(2→4, k3, p1), maxPool3d(2, stride 2), flatten, linear(4 → 1)', () => {
    // The page labels its input (1, 2, 2, 2, 2) but its data is one channel, (1, 1, 2, 2, 2), which conv1
    // (2 input channels) refuses. With 2 channels of 2×2×2: conv keeps 2, the pool gives 1, 4 features.
    const model = sequential(
      conv3d({ inChannels: 2, outChannels: 4, kernelSize: 3, stride: 1, padding: 1 }),
      maxPool3d({ kernelSize: 2, stride: 2, padding: 0 }),
      flatten(),
      linear({ inFeatures: 4 * 1 * 1 * 1, outFeatures: 1 }),
    );
    const x = ops.astype(arange(1, 17).reshape(1, 2, 2, 2, 2), 'float32');
    forwardBackward(model, x, [1, 1]);
    expect(() =>
      model.apply(model.init(key), ops.astype(arange(1, 9).reshape(1, 1, 2, 2, 2), 'float32')),
    ).toThrow(
      'conv3d(in=2, out=4, k=3, padding=1): input has 1 channel, expected 2, got input shape [1,1,2,2,2]',
    );
  });

  it('nn.AvgPool1d: conv1d(1→1, k3, p1), avgPool1d(2, stride 2), linear(1 → 1) on the last axis', () => {
    // The page feeds (1, 1, 4): conv keeps 4, the pool gives 2, but linear(1 → 1) acts on the last axis
    // (there is no flatten) and needs length 1. Inputs of length 2 or 3 pool to 1: [[[1, 2, 3]]] gives
    // (1, 1, 1), the 3-D output the page prints.
    const model = sequential(
      conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, stride: 1, padding: 1 }),
      avgPool1d({ kernelSize: 2, stride: 2, padding: 0 }),
      linear({ inFeatures: 1, outFeatures: 1 }),
    );
    forwardBackward(model, array([[[1, 2, 3]]], { dtype: 'float32' }), [1, 1, 1]);
    expect(() => model.apply(model.init(key), array([[[1, 2, 3, 4]]], { dtype: 'float32' }))).toThrow(
      'linear(in=1, out=1): input has 2 features, expected 1 (last axis), got input shape [1,1,2]',
    );
  });

  it('nn.MaxPool2d: conv2d(1→1, k3, p1), maxPool2d(2, stride 2), flatten, linear(1·1·1 → 1)', () => {
    // The page feeds (1, 1, 4, 4): conv keeps 4×4, the pool gives 2×2, i.e. 4 features for a linear layer
    // of 1. A 2×2 (or 3×3) input pools to 1×1; the other fix would be linear(1·2·2 → 1) for the 4×4 input.
    const model = sequential(
      conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, stride: 1, padding: 1 }),
      maxPool2d({ kernelSize: 2, stride: 2, padding: 0 }),
      flatten(),
      linear({ inFeatures: 1 * 1 * 1, outFeatures: 1 }),
    );
    forwardBackward(
      model,
      array(
        [
          [
            [
              [1, 2],
              [5, 6],
            ],
          ],
        ],
        { dtype: 'float32' },
      ),
      [1, 1],
    );
    const page = ops.astype(arange(1, 17).reshape(1, 1, 4, 4), 'float32');
    expect(() => model.apply(model.init(key), page)).toThrow(
      'linear(in=1, out=1): input has 4 features, expected 1 (last axis), got input shape [1,4]',
    );
  });

  it('the backward pass of the small models agrees with finite differences (float64)', () => {
    const d = 'float64' as const;
    const models: [Layer, NDArray][] = [
      [
        sequential(
          conv3d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1, dtype: d }),
          avgPool3d({ kernelSize: 2 }),
          flatten(),
          linear({ inFeatures: 4, outFeatures: 1, dtype: d }),
        ),
        ops.random.normal(key, [1, 2, 3, 3, 3], { dtype: d }),
      ],
      [
        sequential(
          conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 1, dtype: d }),
          avgPool1d({ kernelSize: 2 }),
          linear({ inFeatures: 1, outFeatures: 1, dtype: d }),
        ),
        ops.random.normal(key, [1, 1, 3], { dtype: d }),
      ],
    ];
    for (const [model, x] of models) {
      const params = model.init(key);
      ops.checkGrads(
        (p: typeof params, input: NDArray) => ops.sum(ops.square(model.apply(p, input))),
        [params, x],
      );
    }
  });
});
