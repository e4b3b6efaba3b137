import { ArgumentError, array, type NDArray, ShapeError } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
} from './pool.js';

const key = ops.random.key(3);
const input = (shape: number[]) => ops.random.normal(key, shape);

function same(a: NDArray, b: NDArray): void {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(a.copy().data)).toEqual(Array.from(b.copy().data));
}

describe('pooling layers', () => {
  it('have no params and equal the functional ops with the same options', () => {
    const x1 = input([2, 3, 9]);
    const x2 = input([2, 3, 9, 8]);
    const x3 = input([2, 3, 6, 7, 5]);
    const cases: [
      { init: (k: NDArray) => object; apply: (p: never, x: NDArray) => NDArray },
      NDArray,
      NDArray,
    ][] = [
      [
        maxPool1d({ kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true }),
        x1,
        ops.maxPool1d(x1, { kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true }),
      ],
      [maxPool2d({ kernelSize: 2 }), x2, ops.maxPool2d(x2, { kernelSize: 2 })],
      [
        maxPool3d({ kernelSize: [2, 3, 1], stride: 1 }),
        x3,
        ops.maxPool3d(x3, { kernelSize: [2, 3, 1], stride: 1 }),
      ],
      [
        avgPool1d({ kernelSize: 4, padding: 2, countIncludePad: false }),
        x1,
        ops.avgPool1d(x1, { kernelSize: 4, padding: 2, countIncludePad: false }),
      ],
      [
        avgPool2d({ kernelSize: 3, stride: 2, ceilMode: true, divisorOverride: 5 }),
        x2,
        ops.avgPool2d(x2, { kernelSize: 3, stride: 2, ceilMode: true, divisorOverride: 5 }),
      ],
      [avgPool3d({ kernelSize: 2, stride: 2 }), x3, ops.avgPool3d(x3, { kernelSize: 2, stride: 2 })],
      [adaptiveAvgPool1d({ outputSize: 4 }), x1, ops.adaptiveAvgPool1d(x1, { outputSize: 4 })],
      [
        adaptiveAvgPool2d({ outputSize: [3, null] }),
        x2,
        ops.adaptiveAvgPool2d(x2, { outputSize: [3, null] }),
      ],
      [adaptiveAvgPool3d({ outputSize: 1 }), x3, ops.adaptiveAvgPool3d(x3, { outputSize: 1 })],
      [adaptiveMaxPool1d({ outputSize: 5 }), x1, ops.adaptiveMaxPool1d(x1, { outputSize: 5 })],
      [adaptiveMaxPool2d({ outputSize: [2, 3] }), x2, ops.adaptiveMaxPool2d(x2, { outputSize: [2, 3] })],
      [
        adaptiveMaxPool3d({ outputSize: [2, 2, 2] }),
        x3,
        ops.adaptiveMaxPool3d(x3, { outputSize: [2, 2, 2] }),
      ],
    ];
    for (const [layer, x, expected] of cases) {
      expect(layer.init(key)).toEqual({});
      same(layer.apply({} as never, x), expected);
      same(layer.apply({} as never, x.slice(1)), expected.slice(1)); // unbatched [C, *S]
    }
  });

  it('reproduce the reference pages: AvgPool1d and MaxPool2d examples', () => {
    const x = array([[[1, 2, 3, 4]]], { dtype: 'float32' });
    expect(avgPool1d({ kernelSize: 2, stride: 2, padding: 0 }).apply({}, x).toArray()).toEqual([
      [[1.5, 3.5]],
    ]);
    // kernel 2, stride 1, padding 1 over [1, 2, 3]: windows [0,1] [1,2] [2,3] [3,0] counting the padding.
    const y = avgPool1d({ kernelSize: 2, stride: 1, padding: 1 }).apply(
      {},
      array([[[1, 2, 3]]], { dtype: 'float32' }),
    );
    expect(y.toArray()).toEqual([[[0.5, 1.5, 2.5, 1.5]]]);
    const m = array(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ],
      { dtype: 'float32' },
    );
    expect(maxPool2d({ kernelSize: 2, stride: 2, padding: 0 }).apply({}, m).toArray()).toEqual([[[[4]]]]);
  });

  it('pass gradients through to the input', () => {
    const layer = maxPool2d({ kernelSize: 2 });
    const x = array(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ],
      { dtype: 'float64' },
    );
    const g = ops.grad((v: NDArray) => ops.sum(layer.apply({}, v)))(x);
    expect(g.toArray()).toEqual([
      [
        [
          [0, 0],
          [0, 1],
        ],
      ],
    ]);
  });

  it('show their config in the name', () => {
    expect(maxPool3d({ kernelSize: 2 }).name).toBe('maxPool3d(k=2)');
    expect(maxPool2d({ kernelSize: 2, stride: 1, padding: 1 }).name).toBe(
      'maxPool2d(k=2, stride=1, padding=1)',
    );
    expect(avgPool1d({ kernelSize: 3, stride: 3, countIncludePad: false }).name).toBe(
      'avgPool1d(k=3, countIncludePad=false)',
    );
    expect(adaptiveAvgPool2d({ outputSize: [1, null] }).name).toBe('adaptiveAvgPool2d(outputSize=[1,null])');
  });

  it('name the layer when the input has the wrong rank or is too small', () => {
    expect(() => maxPool3d({ kernelSize: 2 }).apply({}, input([1, 2, 8, 8, 8, 1]))).toThrow(
      new ShapeError(
        'maxPool3d(k=2): input must be [N, C, D, H, W] or [C, D, H, W], got input shape [1,2,8,8,8,1]',
      ),
    );
    expect(() => avgPool1d({ kernelSize: 2 }).apply({}, input([4]))).toThrow(
      /^avgPool1d\(k=2\): input must be \[N, C, L\] or \[C, L\]/,
    );
    expect(() => avgPool2d({ kernelSize: 5 }).apply({}, input([1, 1, 3, 3]))).toThrow(
      /^avgPool2d\(k=5\): avgPool2d: output size must be at least 1/,
    );
  });

  it('reject bad configs when made', () => {
    expect(() => maxPool2d({ kernelSize: 2, padding: 2 })).toThrow(
      new ArgumentError(
        'maxPool2d: padding must be at most half the kernel size, got padding 2 for kernelSize 2',
      ),
    );
    expect(() => avgPool3d({ kernelSize: [2, 2] })).toThrow(
      /avgPool3d: kernelSize must be an integer >= 1 or 3 of them/,
    );
    expect(() => maxPool1d({ kernelSize: 2, stride: 0 })).toThrow(/stride/);
    expect(() => adaptiveAvgPool2d({ outputSize: [1] })).toThrow(/adaptiveAvgPool2d: outputSize must be/);
    expect(() => adaptiveMaxPool1d({ outputSize: -1 })).toThrow(ArgumentError);
  });
});
