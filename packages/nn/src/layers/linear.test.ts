import { array, DTypeError, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { describe, expect, it } from 'vitest';
import { type Layer, sequential } from '../layer.js';
import { relu, tanh } from './activation.js';
import { conv2d } from './conv.js';
import { identity, linear } from './linear.js';
import { flatten } from './misc.js';
import { maxPool2d } from './pool.js';

const key = ops.random.key(0);

describe('linear', () => {
  it('has weight [out, in] and bias [out], U(±1/√in), and a name with its config', () => {
    const fc = linear({ inFeatures: 300, outFeatures: 200 });
    expect(fc.name).toBe('linear(in=300, out=200)');
    const { weight, bias } = fc.init(key);
    expect(weight.shape).toEqual([200, 300]);
    expect(bias?.shape).toEqual([200]);
    const b = 1 / Math.sqrt(300);
    const w = Array.from(weight.data);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(b);
    expect(Math.abs(mean)).toBeLessThan((4 * b) / Math.sqrt(3 * w.length));
    expect(Math.abs(variance - (b * b) / 3)).toBeLessThan(
      (4 * b * b * Math.sqrt(4 / 45)) / Math.sqrt(w.length),
    );
    expect(Math.max(...Array.from(bias!.data).map(Math.abs))).toBeLessThanOrEqual(b);

    const nb = linear({ inFeatures: 3, outFeatures: 2, bias: false, dtype: 'float64' });
    expect(nb.name).toBe('linear(in=3, out=2, bias=false, dtype=float64)');
    expect(Object.keys(nb.init(key))).toEqual(['weight']);
    expect(nb.init(key).weight.dtype).toBe('float64');
  });

  it('computes x·Wᵀ + b over the last axis, for any leading axes', () => {
    const fc = linear({ inFeatures: 3, outFeatures: 2 });
    const p = {
      weight: array(
        [
          [1, 2, 3],
          [0, -1, 0],
        ],
        { dtype: 'float32' },
      ),
      bias: array([0.5, 1], { dtype: 'float32' }),
    };
    expect(fc.apply(p, array([[1, 1, 1]], { dtype: 'float32' })).toArray()).toEqual([[6.5, 0]]);
    expect(fc.apply(p, array([1, 0, 0], { dtype: 'float32' })).toArray()).toEqual([1.5, 1]);
    const x = ops.random.normal(key, [2, 4, 3]);
    const y = fc.apply(p, x);
    expect(y.shape).toEqual([2, 4, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(ops.linear(x, p.weight, p.bias).data));
  });

  it('names the layer and the shapes when the input or params do not fit', () => {
    const fc = linear({ inFeatures: 4, outFeatures: 2 });
    const p = fc.init(key);
    expect(() => fc.apply(p, ops.random.normal(key, [8, 3]))).toThrow(
      new ShapeError(
        'linear(in=4, out=2): input has 3 features, expected 4 (last axis), got input shape [8,3]',
      ),
    );
    expect(() => fc.apply(p, array(1))).toThrow(/input has no feature axis, expected 4/);
    expect(() =>
      fc.apply({ ...p, weight: ops.random.normal(key, [4, 2]) }, ops.random.normal(key, [8, 4])),
    ).toThrow(/^linear\(in=4, out=2\): param weight has shape \[4,2\], expected \[2,4\]/);
    expect(() => linear({ inFeatures: 4.5, outFeatures: 2 })).toThrow(
      /linear: inFeatures must be a positive integer, got 4.5/,
    );
  });

  it('identity returns its input', () => {
    const x = array([1, 2]);
    expect(identity().apply({}, x)).toBe(x);
    expect(identity().init(key)).toEqual({});
  });
});

describe('models built from layers', () => {
  it('grad of a loss through a sequential model has the params pytree structure', () => {
    const model = sequential(
      conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1 }),
      relu(),
      maxPool2d({ kernelSize: 2 }),
      flatten(),
      linear({ inFeatures: 4 * 4 * 4, outFeatures: 3 }),
    );
    const params = model.init(key);
    const x = ops.random.normal(key, [5, 1, 8, 8]);
    const target = array([0, 1, 2, 1, 0], { dtype: 'int32' });
    const loss = (p: typeof params) => ops.crossEntropy(model.apply(p, x), target);
    const [value, grads] = ops.valueAndGrad(loss)(params);
    expect(value.shape).toEqual([]);
    expect(ops.treeStructureEqual(grads, params)).toBe(true);
    const pairs = ops.treeLeaves(params).map((p, i) => [p, ops.treeLeaves(grads)[i]] as NDArray[]);
    for (const [p, g] of pairs) {
      expect(g.shape).toEqual(p.shape);
      expect(Array.from(g.data).every(Number.isFinite)).toBe(true);
    }
    expect(ops.treeLeaves(grads).some((g) => Array.from((g as NDArray).data).some((v) => v !== 0))).toBe(
      true,
    );
  });

  it('a 2-layer MLP fits XOR-like data with plain gradient descent (fixed key, deterministic)', () => {
    // 64 points in the four quadrants of [-1, 1]²; the class is 1 where x·y > 0 (XOR of the signs).
    const pts: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 64; i++) {
      const u = 0.2 + 0.8 * (((i * 37) % 64) / 64);
      const v = 0.2 + 0.8 * (((i * 11) % 64) / 64);
      const [sx, sy] = [i % 2 ? 1 : -1, (i >> 1) % 2 ? 1 : -1];
      pts.push([sx * u, sy * v]);
      labels.push(sx * sy > 0 ? 1 : 0);
    }
    const x = array(pts, { dtype: 'float32' });
    const y = array(labels, { dtype: 'int32' });
    const mlp: Layer = sequential(
      linear({ inFeatures: 2, outFeatures: 16 }),
      tanh(),
      linear({ inFeatures: 16, outFeatures: 2 }),
    );
    let params = mlp.init(ops.random.key(1));
    const lossOf = (p: typeof params) => ops.crossEntropy(mlp.apply(p, x), y);
    const step = ops.valueAndGrad(lossOf);
    const lr = 0.5;
    let loss = Infinity;
    for (let t = 0; t < 300; t++) {
      const [value, grads] = step(params);
      loss = value.item();
      params = ops.treeMap((p, g) => ops.sub(p, ops.mul(lr, g)), params, grads);
    }
    const predicted = ops.argmax(mlp.apply(params, x), { axis: 1 });
    expect(Array.from(predicted.data)).toEqual(labels);
    expect(loss).toBeLessThan(0.1);
  });

  it('float64 params give float64 outputs; a float32 loss of int input refuses clearly', () => {
    const fc = linear({ inFeatures: 2, outFeatures: 1, dtype: 'float64' });
    expect(fc.apply(fc.init(key), array([[1, 2]], { dtype: 'float64' })).dtype).toBe('float64');
    const conv = conv2d({ inChannels: 1, outChannels: 1, kernelSize: 1 });
    expect(() => conv.apply(conv.init(key), array([[[[1]]]]))).toThrow(DTypeError);
  });
});
