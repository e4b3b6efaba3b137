import { ArgumentError, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from './conv.js';

const key = ops.random.key(7);

function maxDiff(a: NDArray, b: NDArray): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.copy().data;
  const y = b.copy().data;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

const input = (shape: number[], seed = 1) => ops.random.normal(ops.random.key(seed), shape);

describe('conv layers', () => {
  it('make PyTorch-shaped params and show their config in the name', () => {
    const c = conv3d({ inChannels: 2, outChannels: 4, kernelSize: 3 });
    expect(c.name).toBe('conv3d(in=2, out=4, k=3)');
    const p = c.init(key);
    expect(p.weight.shape).toEqual([4, 2, 3, 3, 3]);
    expect(p.bias?.shape).toEqual([4]);
    expect(p.weight.dtype).toBe('float32');
    expect(c.initState()).toBeNull();

    const g = conv2d({
      inChannels: 4,
      outChannels: 6,
      kernelSize: [3, 1],
      stride: 2,
      padding: 'same',
      groups: 2,
      bias: false,
      dtype: 'float64',
    });
    expect(g.name).toBe(
      'conv2d(in=4, out=6, k=[3,1], stride=2, padding=same, groups=2, bias=false, dtype=float64)',
    );
    const gp = g.init(key);
    expect(gp.weight.shape).toEqual([6, 2, 3, 1]);
    expect(gp.weight.dtype).toBe('float64');
    expect('bias' in gp).toBe(false);

    const t = convTranspose1d({
      inChannels: 4,
      outChannels: 6,
      kernelSize: 5,
      groups: 2,
      outputPadding: 1,
      stride: 2,
    });
    expect(t.name).toBe('convTranspose1d(in=4, out=6, k=5, stride=2, outputPadding=1, groups=2)');
    expect(t.init(key).weight.shape).toEqual([4, 3, 5]);
  });

  it('initialise weight and bias U(±1/√fanIn), fanIn from the weight as PyTorch (transposed: shape[1]·ΠK)', () => {
    const cases = [
      [conv3d({ inChannels: 8, outChannels: 64, kernelSize: 3 }), 8 * 27],
      [conv1d({ inChannels: 6, outChannels: 4096, kernelSize: 5, groups: 2 }), 3 * 5],
      [convTranspose2d({ inChannels: 512, outChannels: 32, kernelSize: [2, 3], groups: 4 }), 8 * 6],
    ] as const;
    for (const [layer, fanIn] of cases) {
      const { weight, bias } = layer.init(key);
      const b = 1 / Math.sqrt(fanIn);
      const w = Array.from(weight.data);
      const mean = w.reduce((s, v) => s + v, 0) / w.length;
      const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(b);
      expect(Math.abs(mean)).toBeLessThan((4 * b) / Math.sqrt(3 * w.length));
      expect(Math.abs(variance - (b * b) / 3)).toBeLessThan(
        (4 * b * b * Math.sqrt(4 / 45)) / Math.sqrt(w.length),
      );
      expect(Math.max(...Array.from(bias!.data).map(Math.abs))).toBeLessThanOrEqual(b);
    }
  });

  it('apply equals the functional op on the same params, batched and unbatched', () => {
    const c = conv3d({
      inChannels: 2,
      outChannels: 3,
      kernelSize: [3, 2, 1],
      stride: [1, 2, 1],
      padding: 1,
      dilation: [1, 1, 2],
    });
    const p = c.init(key);
    const x = input([2, 2, 5, 6, 7]);
    const opts = { stride: [1, 2, 1], padding: 1, dilation: [1, 1, 2] };
    expect(maxDiff(c.apply(p, x), ops.conv3d(x, p.weight, p.bias!, opts))).toBe(0);
    const x1 = x.slice(0);
    expect(maxDiff(c.apply(p, x1), ops.conv3d(x1, p.weight, p.bias!, opts))).toBe(0);

    const t = convTranspose3d({
      inChannels: 2,
      outChannels: 4,
      kernelSize: 3,
      stride: 2,
      padding: 1,
      outputPadding: 1,
      groups: 2,
    });
    const tp = t.init(key);
    const y = t.apply(tp, x);
    expect(y.shape).toEqual([2, 4, 10, 12, 14]);
    const topts = { stride: 2, padding: 1, outputPadding: 1, groups: 2 };
    expect(maxDiff(y, ops.convTranspose3d(x, tp.weight, tp.bias!, topts))).toBe(0);
  });

  it('apply equals the op and has the PyTorch output shape for random configs (fast-check, fixed seed)', () => {
    const layers = [
      [conv1d, ops.conv1d, 1],
      [conv2d, ops.conv2d, 2],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.integer({ min: 1, max: 2 }), // groups
        fc.integer({ min: 1, max: 2 }), // in per group
        fc.integer({ min: 1, max: 2 }), // out per group
        fc.integer({ min: 1, max: 3 }), // kernel
        fc.integer({ min: 1, max: 2 }), // stride
        fc.integer({ min: 0, max: 2 }), // padding
        fc.integer({ min: 1, max: 2 }), // dilation
        fc.boolean(),
        (which, groups, ig, og, k, stride, padding, dilation, bias) => {
          const [make, op, d] = layers[which];
          const cfg = {
            inChannels: ig * groups,
            outChannels: og * groups,
            kernelSize: k,
            stride,
            padding,
            dilation,
            groups,
            bias,
          };
          const layer = make(cfg);
          const p = layer.init(key);
          const n = 7;
          const x = input([2, ig * groups, ...new Array(d).fill(n)], k);
          const y = layer.apply(p, x);
          const out = Math.floor((n + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
          expect(y.shape).toEqual([2, og * groups, ...new Array(d).fill(out)]);
          expect(maxDiff(y, op(x, p.weight, p.bias ?? null, cfg))).toBe(0);
        },
      ),
      { seed: 20240611, numRuns: 40 },
    );
  });

  it('have gradients of the params structure through a loss', () => {
    const c = conv2d({ inChannels: 3, outChannels: 2, kernelSize: 2, dtype: 'float64' });
    const p = c.init(key);
    const x = ops.astype(input([1, 3, 4, 4]), 'float64');
    const g = ops.grad((q: typeof p) => ops.sum(ops.square(c.apply(q, x))))(p);
    expect(Object.keys(g).sort()).toEqual(['bias', 'weight']);
    expect(g.weight.shape).toEqual([2, 3, 2, 2]);
    expect(g.bias.shape).toEqual([2]);
    ops.checkGrads(
      (w: NDArray, b: NDArray) => ops.sum(ops.square(c.apply({ weight: w, bias: b }, x))),
      [p.weight, p.bias!],
    );
  });

  it('name the layer and the shapes when the input or params do not fit', () => {
    const c = conv3d({ inChannels: 2, outChannels: 4, kernelSize: 3 });
    const p = c.init(key);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    const e1 = err(() => c.apply(p, input([1, 1, 8, 8, 8])));
    expect(e1).toBeInstanceOf(ShapeError);
    expect(e1.message).toBe(
      'conv3d(in=2, out=4, k=3): input has 1 channel, expected 2, got input shape [1,1,8,8,8]',
    );
    expect(() => c.apply(p, input([3, 8, 8, 8]))).toThrow(
      'input has 3 channels, expected 2, got input shape [3,8,8,8]',
    );
    expect(() => c.apply(p, input([2, 8, 8]))).toThrow(
      'conv3d(in=2, out=4, k=3): input must be [N, 2, D, H, W] or [2, D, H, W], got input shape [2,8,8]',
    );
    expect(() => c.apply(p, input([1, 2, 8, 8]))).toThrow(
      'input has 1 channel, expected 2, got input shape [1,2,8,8] (read as unbatched [C, D, H, W]; a batch needs rank 5)',
    );
    const wrong = { ...p, weight: ops.random.normal(key, [4, 2, 3, 3]) };
    const e2 = err(() => c.apply(wrong, input([1, 2, 8, 8, 8])));
    expect(e2).toBeInstanceOf(ShapeError);
    expect(e2.message).toMatch(
      /^conv3d\(in=2, out=4, k=3\): param weight has shape \[4,2,3,3\], expected \[4,2,3,3,3\]/,
    );
    expect(() => c.apply({ weight: p.weight } as never, input([1, 2, 8, 8, 8]))).toThrow(
      'conv3d(in=2, out=4, k=3): param bias must be an NDArray of shape [4], got undefined',
    );
    // What only the op can know still names the layer.
    const e3 = err(() => c.apply(p, input([1, 2, 2, 8, 8])));
    expect(e3).toBeInstanceOf(ShapeError);
    expect(e3.message).toMatch(
      /^conv3d\(in=2, out=4, k=3\): conv3d: kernel 3x3x3 \(dilated\) is larger than the padded input/,
    );
  });

  it('reject bad configs when made', () => {
    expect(() => conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 })).toThrow(
      'conv2d: groups must divide inChannels and outChannels, got groups=2, inChannels=3, outChannels=4',
    );
    expect(() => conv2d({ inChannels: 0, outChannels: 4, kernelSize: 3 })).toThrow(ArgumentError);
    expect(() => conv1d({ inChannels: 1, outChannels: 1, kernelSize: [3, 3] })).toThrow(
      /kernelSize must be an integer >= 1 or 1 of them/,
    );
    expect(() => conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 'full' as never })).toThrow(
      /padding/,
    );
    expect(() => convTranspose2d({ inChannels: 1, outChannels: 1, kernelSize: 3, outputPadding: 1 })).toThrow(
      /outputPadding must be smaller than max\(stride, dilation\)/,
    );
    expect(() => conv3d({ inChannels: 1, outChannels: 1, kernelSize: 3, dtype: 'int32' as never })).toThrow(
      /dtype/,
    );
  });
});
