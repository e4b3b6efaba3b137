/**
 * Public max/average pooling: the PyTorch fixtures (values and VJPs, tie cases in both precisions), the
 * worked examples of the reference pages (with corrected numbers), dtypes, NaN/Inf, empty and unbatched
 * inputs, and errors (exact messages, all pool cases of errors.json, thrown before any computation).
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, array, DTypeError, type NDArray, ones, ShapeError, zeros } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import { poolKernels } from '../kernels/pool.js';
import { vjp } from '../transforms/vjp.js';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d } from './pool.js';

interface T {
  shape: number[];
  data: number[];
}
const f64 = (t: T, dtype: 'float32' | 'float64' = 'float64') => array(t.data, { dtype }).reshape(t.shape);
const flat = (a: NDArray) => Array.from(a.copy().data as ArrayLike<number>);
const x64 = (v: unknown) => array(v as number[], { dtype: 'float64' });

function expectClose(actual: NDArray, expected: NDArray, rtol: number, atol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = flat(actual);
  flat(expected).forEach((e, i) => {
    if (!(Math.abs(a[i] - e) <= atol + rtol * Math.abs(e)))
      throw new Error(`element ${i}: got ${a[i]}, expected ${e}`);
  });
}

// biome-ignore lint/suspicious/noExplicitAny: fixture args are untyped JSON
type Pool = (x: NDArray, options: any) => NDArray;
const OPS: Record<string, Pool> = { maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d };

describe('pool.json (PyTorch 1.13.1, float64)', () => {
  const file = JSON.parse(readFileSync('/work/shared/conformance/pool.json', 'utf8'));
  for (const c of file.cases) {
    const { ties, ...args } = c.args;
    const dtypes = ties ? (['float64', 'float32'] as const) : (['float64'] as const);
    for (const dtype of dtypes) {
      it(`${c.id}${ties ? ' (ties)' : ''} ${dtype}`, () => {
        const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-10] : [1e-4, 1e-5];
        const [y, pullback] = vjp((x: NDArray) => OPS[c.op](x, args), f64(c.inputs.x, dtype));
        expect(y.dtype).toBe(dtype);
        expectClose(y, f64(c.output), rtol, atol);
        const [gx] = pullback(f64(c.cotangent, dtype));
        expectClose(gx, f64(c.grads.x), rtol, atol);
      });
    }
  }
});

describe('ties: the whole gradient goes to the first maximum in row-major window order', () => {
  it('1-D, 2-D and 3-D windows of equal values', () => {
    const g1 = vjp((x: NDArray) => maxPool1d(x, { kernelSize: 3, stride: 1 }), x64([[[1, 1, 1, 1]]]));
    expect(flat(g1[1](x64([[[1, 10]]]))[0])).toEqual([1, 10, 0, 0]);
    const g2 = vjp(
      (x: NDArray) => maxPool2d(x, { kernelSize: 2 }),
      zeros([1, 1, 2, 2], { dtype: 'float64' }),
    );
    expect(flat(g2[1](x64([[[[5]]]]))[0])).toEqual([5, 0, 0, 0]);
    // Padding never wins, even against -Infinity: a window whose only in-bounds element is -Infinity
    // returns it and sends its gradient there.
    const g3 = vjp(
      (x: NDArray) => maxPool3d(x, { kernelSize: 2, padding: 1 }),
      x64([
        [
          [
            [
              [Number.NEGATIVE_INFINITY, 0],
              [0, 0],
            ],
          ],
        ],
      ]),
    );
    expect(flat(g3[0])).toEqual([Number.NEGATIVE_INFINITY, 0, 0, 0]);
    expect(flat(g3[1](ones([1, 1, 1, 2, 2], { dtype: 'float64' }))[0])).toEqual([1, 1, 1, 1]);
  });
});

describe('the reference pages, with the numbers the math gives', () => {
  it('nn.AvgPool3d', () => {
    // Example 1. The page says the input has shape (1, 2, 2, 2, 2), but its literal has four levels of
    // nesting: shape (1, 2, 2, 2), an unbatched [C=1, D=2, H=2, W=2] volume holding 1..8. One 2×2×2 window
    // covers it: the average is 36/8 = 4.5. The page prints two outputs 3.0 and 7.0 (as if each 2×2 slice
    // were a channel, and even then the means of [1, 2, 3, 4] and [5, 6, 7, 8] are 2.5 and 6.5, not 3 and
    // 7). Its gradient, 1/8 = 0.125 everywhere, is right for the one 2×2×2 window.
    const x1 = x64([
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
    ]);
    const [y1, pb1] = vjp((x: NDArray) => avgPool3d(x, { kernelSize: 2, stride: 2, padding: 0 }), x1);
    expect(y1.shape).toEqual([1, 1, 1, 1]);
    expect(y1.toArray()).toEqual([[[[4.5]]]]);
    expect(flat(pb1(x64([[[[1]]]]))[0])).toEqual(new Array(8).fill(0.125));
    // Example 2: the same kind of literal, [C=1, D=2, H=3, W=3] holding 1..18, kernel 2, stride 1, padding
    // 1. Per dimension out = (in + 2·1 - 2)/1 + 1, so the output is [1, 3, 4, 4] (the page prints a
    // (1, 2, 2, 2, 2) result, [[3, 4], [6, 7]] and [[9, 10], [12, 13]]: those are the 2×2 means of each
    // depth slice without padding). Every window lies inside the padded input, so each output is the sum of
    // its in-bounds elements divided by 8 (countIncludePad). Every input element lies in 2·2·2 = 8 windows,
    // so with a cotangent of ones its gradient is 8 · 1/8 = 1 everywhere (the page prints 0.125/0.25/0.5).
    const x2 = x64([
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      [
        [10, 11, 12],
        [13, 14, 15],
        [16, 17, 18],
      ],
    ]).reshape([1, 2, 3, 3]);
    const [y2, pb2] = vjp((x: NDArray) => avgPool3d(x, { kernelSize: 2, stride: 1, padding: 1 }), x2);
    expect(y2.shape).toEqual([1, 3, 4, 4]);
    const sums = [
      [1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9],
      [11, 24, 28, 15, 28, 60, 68, 36, 40, 84, 92, 48, 23, 48, 52, 27],
      [10, 21, 23, 12, 23, 48, 52, 27, 29, 60, 64, 33, 16, 33, 35, 18],
    ].flat();
    expect(flat(y2)).toEqual(sums.map((s) => s / 8));
    expect(flat(pb2(ones([1, 3, 4, 4], { dtype: 'float64' }))[0])).toEqual(new Array(18).fill(1));
    // Example 3 (Conv3D → AvgPool3d(2, 2) → Linear): its numbers depend on random conv weights, and the
    // printed input gradient is example 2's copied. The pooling part on the conv output [1, 4, 3, 3, 3]:
    // out = floor((3 - 2)/2) + 1 = 1, and only the 2×2×2 corner is ever pooled, so the pool's input
    // gradient is 0.125 there and 0 at every index 2.
    const [y3, pb3] = vjp(
      (x: NDArray) => avgPool3d(x, { kernelSize: 2, stride: 2 }),
      zeros([1, 4, 3, 3, 3], { dtype: 'float64' }),
    );
    expect(y3.shape).toEqual([1, 4, 1, 1, 1]);
    const g3 = pb3(x64([[[[[1]]], [[[1]]], [[[1]]], [[[1]]]]]))[0];
    expect(g3.slice(0, 0).toArray()).toEqual([
      [
        [0.125, 0.125, 0],
        [0.125, 0.125, 0],
        [0, 0, 0],
      ],
      [
        [0.125, 0.125, 0],
        [0.125, 0.125, 0],
        [0, 0, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    ]);
  });
  it('nn.MaxPool3d', () => {
    // Example 1: as on the AvgPool3d page, the literal is (1, 2, 2, 2), not the (1, 2, 2, 2, 2) the page
    // says: one [C=1, D=2, H=2, W=2] volume. Its single 2×2×2 window has maximum 8 (the page prints 4 and 8,
    // the maxima of the two 2×2 slices), and the gradient is 1 at the 8 only; the 4 gets nothing (the page
    // gives it 1 too).
    const x = x64([
      [
        [
          [1, 3],
          [2, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
    ]);
    const [y, pb] = vjp((a: NDArray) => maxPool3d(a, { kernelSize: 2, stride: 2, padding: 0 }), x);
    expect(y.toArray()).toEqual([[[[8]]]]);
    expect(flat(pb(x64([[[[1]]]]))[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    // Example 2 (Conv3D(2 → 4) → MaxPool3d(2, 2) → Linear): the input literal is (1, 1, 2, 2, 2), which a
    // conv with in_channels=2 rejects, and the result depends on random weights. The pooling part on 1..8
    // as [1, 1, 2, 2, 2]: output 8, gradient one-hot at the last element.
    const [y2, pb2] = vjp(
      (a: NDArray) => maxPool3d(a, { kernelSize: 2, stride: 2 }),
      x64([1, 2, 3, 4, 5, 6, 7, 8]).reshape([1, 1, 2, 2, 2]),
    );
    expect(y2.toArray()).toEqual([[[[[8]]]]]);
    expect(flat(pb2(x64([[[[[1]]]]]))[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('nn.AvgPool1d', () => {
    // Example 1 is right: [1.5, 3.5], gradient 0.5 everywhere.
    const [y1, pb1] = vjp(
      (a: NDArray) => avgPool1d(a, { kernelSize: 2, stride: 2, padding: 0 }),
      x64([[[1, 2, 3, 4]]]),
    );
    expect(y1.toArray()).toEqual([[[1.5, 3.5]]]);
    expect(flat(pb1(x64([[[1, 1]]]))[0])).toEqual([0.5, 0.5, 0.5, 0.5]);
    // Example 2: kernel 2, stride 1, padding 1 on length 3 gives out = (3 + 2 - 2)/1 + 1 = 4 windows,
    // [pad, 1], [1, 2], [2, 3], [3, pad], so [0.5, 1.5, 2.5, 1.5] (countIncludePad); the page prints
    // (1, 1, 2) [0.5, 2.0]. Each element lies in two windows, so the gradient of ones is 2 · 0.5 = 1
    // everywhere (the page prints [0.5, 1.0, 0.5]).
    const [y2, pb2] = vjp(
      (a: NDArray) => avgPool1d(a, { kernelSize: 2, stride: 1, padding: 1 }),
      x64([[[1, 2, 3]]]),
    );
    expect(y2.toArray()).toEqual([[[0.5, 1.5, 2.5, 1.5]]]);
    expect(flat(pb2(x64([[[1, 1, 1, 1]]]))[0])).toEqual([1, 1, 1]);
    // Without padding counted, the edge windows average their one element.
    expect(
      avgPool1d(x64([[[1, 2, 3]]]), {
        kernelSize: 2,
        stride: 1,
        padding: 1,
        countIncludePad: false,
      }).toArray(),
    ).toEqual([[[1, 1.5, 2.5, 3]]]);
    // Example 3 (Conv1D(k3, p1) → AvgPool1d(2, 2) → Linear(1, 1)): the pooled length is 2, which Linear(1, 1)
    // rejects, and a padded conv spreads gradient to every input, so [0.5, 0.5, 0, 0] cannot be its input
    // gradient. (It is the pool's own gradient for the cotangent [1, 0].)
    expect(flat(pb1(x64([[[1, 0]]]))[0])).toEqual([0.5, 0.5, 0, 0]);
  });

  it('nn.MaxPool2d', () => {
    // Example 1 is right: 4, gradient at the 4.
    const [y1, pb1] = vjp(
      (a: NDArray) => maxPool2d(a, { kernelSize: 2, stride: 2 }),
      x64([
        [
          [
            [1, 3],
            [2, 4],
          ],
        ],
      ]),
    );
    expect(y1.toArray()).toEqual([[[[4]]]]);
    expect(flat(pb1(x64([[[[1]]]]))[0])).toEqual([0, 0, 0, 1]);
    // Example 2: kernel 2, stride 1, padding 1 on 3×3 gives (3 + 2 - 2)/1 + 1 = 4 per dimension, not the
    // 3×3 the page prints; the corner window sees only x[0, 0] = 1, its neighbour x[0, 0..1] → 2 (the page
    // prints 3). Every element is the maximum of the windows below-right of it that contain no larger
    // element: the gradient of ones counts them (the page prints the identity matrix).
    const x2 = x64([1, 2, 3, 4, 5, 6, 7, 8, 9]).reshape([1, 1, 3, 3]);
    const [y2, pb2] = vjp((a: NDArray) => maxPool2d(a, { kernelSize: 2, stride: 1, padding: 1 }), x2);
    expect(y2.toArray()).toEqual([
      [
        [
          [1, 2, 3, 3],
          [4, 5, 6, 6],
          [7, 8, 9, 9],
          [7, 8, 9, 9],
        ],
      ],
    ]);
    expect(pb2(ones([1, 1, 4, 4], { dtype: 'float64' }))[0].toArray()).toEqual([
      [
        [
          [1, 1, 2],
          [1, 1, 2],
          [2, 2, 4],
        ],
      ],
    ]);
    // Example 3 (Conv2D(k3, p1) → MaxPool2d(2, 2) → Linear(1, 1)): the pooled map is 2×2 (4 features, not
    // the 1 the Linear takes) and the printed values depend on random weights. The pooling part on 1..16:
    const x3 = x64(Array.from({ length: 16 }, (_, i) => i + 1)).reshape([1, 1, 4, 4]);
    const [y3, pb3] = vjp((a: NDArray) => maxPool2d(a, { kernelSize: 2, stride: 2 }), x3);
    expect(y3.toArray()).toEqual([
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ]);
    expect(flat(pb3(ones([1, 1, 2, 2], { dtype: 'float64' }))[0])).toEqual([
      0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1,
    ]);
  });
});

describe('dtypes, special values, shapes', () => {
  const opts = { kernelSize: 2, stride: 1 };

  it('float32 and float64 in, same dtype out; int32 indices; other dtypes rejected', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = array([[[1, 5, 2, 4]]], { dtype });
      expect(maxPool1d(x, opts).dtype).toBe(dtype);
      expect(avgPool1d(x, opts).dtype).toBe(dtype);
      const [v, i] = maxPool1d(x, { ...opts, returnIndices: true });
      expect(v.toArray()).toEqual([[[5, 5, 4]]]);
      expect(i.dtype).toBe('int32');
      expect(i.toArray()).toEqual([[[1, 1, 3]]]);
    }
    expect(() => maxPool1d(array([[[1, 2]]]), opts)).toThrow(
      new DTypeError('maxPool1d: input must be float32 or float64, got int32'),
    );
    expect(() => avgPool2d(zeros([1, 2, 2], { dtype: 'bool' }), opts)).toThrow(DTypeError);
  });

  it('float32 averages round once', () => {
    const v = 1 + 2 ** -20;
    const y = avgPool1d(array([[[v, v, v]]], { dtype: 'float32' }), { kernelSize: 3 });
    expect(y.item()).toBe(Math.fround(v));
  });

  it('NaN and infinities propagate', () => {
    const x = x64([[[1, Number.NaN, 3, Number.POSITIVE_INFINITY, -1, Number.NEGATIVE_INFINITY]]]);
    expect(flat(maxPool1d(x, opts))).toEqual([Number.NaN, Number.NaN, Infinity, Infinity, -1]);
    expect(flat(avgPool1d(x, opts))).toEqual([Number.NaN, Number.NaN, Infinity, Infinity, -Infinity]);
    expect(flat(maxPool1d(x64([[[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]]]), opts))).toEqual([
      -Infinity,
    ]);
  });

  it('unbatched [C, *S] input gives an unbatched result', () => {
    const x = x64([1, 2, 3, 4, 5, 6, 7, 8]).reshape([2, 2, 2]);
    expect(maxPool2d(x, { kernelSize: 2 }).toArray()).toEqual([[[4]], [[8]]]);
    const [v, i] = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    expect(v.shape).toEqual([2, 1, 1]);
    expect(i.toArray()).toEqual([[[3]], [[3]]]);
    expect(avgPool1d(x64([[1, 2, 3, 4]]), { kernelSize: 2 }).toArray()).toEqual([[1.5, 3.5]]);
  });

  it('an empty batch gives an empty result and gradient', () => {
    const x = zeros([0, 3, 5, 5], { dtype: 'float64' });
    const [y, pb] = vjp((a: NDArray) => maxPool2d(a, { kernelSize: 2, padding: 1, ceilMode: true }), x);
    expect(y.shape).toEqual([0, 3, 3, 3]);
    expect(pb(zeros([0, 3, 3, 3], { dtype: 'float64' }))[0].shape).toEqual([0, 3, 5, 5]);
    expect(avgPool3d(zeros([0, 1, 2, 2, 2]), { kernelSize: 2 }).shape).toEqual([0, 1, 1, 1, 1]);
  });

  it('returnIndices follows PyTorch: flat row-major indices within each (N, C) plane', () => {
    const x = x64(Array.from({ length: 32 }, (_, i) => (i * 7) % 32)).reshape([2, 1, 4, 4]);
    const [v, i] = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    // x[n, 0].flat[i] is the value, for each plane separately.
    const xs = flat(x);
    expect(flat(i).map((ix, k) => xs[Math.floor(k / 4) * 16 + ix])).toEqual(flat(v));
    // Plane 0 holds [0 7 14 21 / 28 3 10 17 / 24 31 6 13 / 20 27 2 9], plane 1 [16 23 30 5 / 12 19 26 1 / ...].
    expect(i.toArray()).toEqual([
      [
        [
          [4, 3],
          [9, 11],
        ],
      ],
      [
        [
          [1, 2],
          [9, 11],
        ],
      ],
    ]);
    const [, i3] = maxPool3d(x64([0, 1, 2, 3, 4, 5, 6, 9]).reshape([1, 1, 2, 2, 2]), {
      kernelSize: 2,
      returnIndices: true,
    });
    expect(i3.toArray()).toEqual([[[[[7]]]]]);
  });
});

describe('errors, thrown before any computation', () => {
  const x4 = zeros([1, 1, 6, 6], { dtype: 'float64' });
  const cases: [() => unknown, Error][] = [
    [
      () => maxPool2d(x4, { kernelSize: 3, stride: 1, padding: [2, 0] }),
      new ArgumentError(
        'maxPool2d: padding must be at most half the kernel size, got padding [2,0] for kernel [3,3]',
      ),
    ],
    [
      () => avgPool2d(x4, { kernelSize: 2, padding: [0, 2] }),
      new ArgumentError(
        'avgPool2d: padding must be at most half the kernel size, got padding [0,2] for kernel [2,2]',
      ),
    ],
    [
      () => maxPool2d(x4, { kernelSize: 2, stride: [0, 1] }),
      new ArgumentError('maxPool2d: stride must hold integers >= 1, got [0,1]'),
    ],
    [
      () => maxPool2d(x4, { kernelSize: 0 }),
      new ArgumentError('maxPool2d: kernelSize must hold integers >= 1, got 0'),
    ],
    [
      () => maxPool2d(x4, { kernelSize: 2, dilation: [1, 0] }),
      new ArgumentError('maxPool2d: dilation must hold integers >= 1, got [1,0]'),
    ],
    [
      () => avgPool2d(x4, { kernelSize: 3, padding: -1 }),
      new ArgumentError('avgPool2d: padding must hold integers >= 0, got -1'),
    ],
    [
      () => maxPool2d(x4, { kernelSize: 1.5 }),
      new ArgumentError('maxPool2d: kernelSize must hold integers >= 1, got 1.5'),
    ],
    [
      () => maxPool2d(x4, { kernelSize: [2, 2, 2] }),
      new ArgumentError('maxPool2d: kernelSize must be an integer or 2 integers, got [2,2,2]'),
    ],
    [
      () => avgPool3d(zeros([1, 1, 4, 4, 4]), { kernelSize: 2, stride: [1, 1] }),
      new ArgumentError('avgPool3d: stride must be an integer or 3 integers, got [1,1]'),
    ],
    [
      () => maxPool2d(zeros([5, 5], { dtype: 'float64' }), { kernelSize: 2 }),
      new ShapeError('maxPool2d: input must be [N, C, H, W] or [C, H, W], got shape [5,5]'),
    ],
    [
      () => maxPool1d(x64(3), { kernelSize: 1 }),
      new ShapeError('maxPool1d: input must be [N, C, L] or [C, L], got shape []'),
    ],
    [
      () => maxPool2d(zeros([1, 1, 3, 3], { dtype: 'float64' }), { kernelSize: 4, stride: 1 }),
      new ShapeError(
        'maxPool2d: output size must be at least 1 in every dimension, got [0,0] for input shape [1,1,3,3] with kernelSize [4,4], stride [1,1], padding [0,0], dilation [1,1]',
      ),
    ],
    [
      () =>
        maxPool1d(zeros([1, 1, 2], { dtype: 'float64' }), {
          kernelSize: 2,
          stride: 1,
          padding: 1,
          dilation: 3,
        }),
      new ShapeError(
        'maxPool1d: every window must contain an input element, got window 0 of spatial dimension 0 in the padding only, for input shape [1,1,2] with kernelSize [2], stride [1], padding [1], dilation [3]',
      ),
    ],
    [
      () => avgPool2d(zeros([1, 0, 4, 4]), { kernelSize: 2 }),
      new ShapeError('avgPool2d: input must have non-zero channel and spatial sizes, got shape [1,0,4,4]'),
    ],
    [
      () => avgPool2d(x4, { kernelSize: 2, divisorOverride: 0 }),
      new ArgumentError('avgPool2d: divisorOverride must be a positive integer or null, got 0'),
    ],
    [
      () => avgPool1d(x64([[[1, 2]]]), { kernelSize: 2, divisorOverride: 1.5 }),
      new ArgumentError('avgPool1d: divisorOverride must be a positive integer or null, got 1.5'),
    ],
    [
      () => avgPool1d(x64([[[1, 2]]]), { kernelSize: 2, dilation: 2 } as never),
      new ArgumentError('avgPool1d: dilation must be 1 (average pooling has none), got 2'),
    ],
    [
      () => maxPool1d(x64([[[1, 2]]]), { kernelSize: 2, ceilMode: 1 } as never),
      new ArgumentError('maxPool1d: ceilMode must be a boolean, got 1'),
    ],
    [
      () => maxPool1d(x64([[[1, 2]]]), undefined as never),
      new ArgumentError('maxPool1d: options must be an object with kernelSize, got undefined'),
    ],
  ];

  it('exact messages and error classes', () => {
    for (const [call, error] of cases) {
      expect(call).toThrow(error);
      try {
        call();
      } catch (e) {
        expect((e as Error).name).toBe(error.name);
      }
    }
  });

  it('every pool case of errors.json throws a named error, without running a kernel', () => {
    const file = JSON.parse(readFileSync('/work/shared/conformance/errors.json', 'utf8'));
    const pools = file.cases.filter((c: { op: string }) => c.op in OPS);
    expect(pools.length).toBeGreaterThan(0);
    const saved = { ...poolKernels };
    for (const k of Object.keys(poolKernels) as (keyof typeof poolKernels)[]) {
      (poolKernels as Record<string, unknown>)[k] = () => {
        throw new Error('a kernel ran');
      };
    }
    try {
      for (const c of pools) {
        const x = zeros(c.inputShapes.x, { dtype: 'float64' });
        let err: unknown = null;
        try {
          OPS[c.op](x, c.args);
        } catch (e) {
          err = e;
        }
        expect(err, c.id).toBeInstanceOf(Error);
        expect(['ShapeError', 'ArgumentError', 'DTypeError'], `${c.id}: ${(err as Error).message}`).toContain(
          (err as Error).name,
        );
      }
    } finally {
      Object.assign(poolKernels, saved);
    }
  });
});
