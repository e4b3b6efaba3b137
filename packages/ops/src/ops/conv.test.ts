import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ArgumentError, array, DTypeError, NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prod, rand as uniform, unravel, vdot } from '../../test/helpers.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { jvp } from '../transforms/jvp.js';
import { vjp } from '../transforms/vjp.js';
import { sigmoid, softplus } from './activations.js';
import { mul } from './arith.js';
import {
  type ConvOptions,
  type ConvTransposeOptions,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from './conv.js';
import { sum } from './sum.js';
import { sin, tanh } from './unary.js';

/** Uniform values in [-1, 1) from `seed` (the helpers' generator with half-width 1). */
const rand = (shape: readonly number[], seed: number, dtype: 'float32' | 'float64' = 'float64') =>
  uniform(shape, seed, dtype, 1);

type ConvFn = typeof conv1d;
type ConvTFn = typeof convTranspose1d;
const CONV: Record<string, ConvFn> = { conv1d, conv2d, conv3d };
const CONVT: Record<string, ConvTFn> = { convTranspose1d, convTranspose2d, convTranspose3d };
const convOf = (d: number) => [conv1d, conv2d, conv3d][d - 1];
const convTOf = (d: number) => [convTranspose1d, convTranspose2d, convTranspose3d][d - 1];

function expectClose(actual: NDArray, expected: NDArray, rtol = 1e-9, atol = 1e-10): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.copy().data;
  const e = expected.copy().data;
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]}`);
    }
  }
}

interface Geometry {
  stride: number[];
  before: number[];
  after: number[];
  dilation: number[];
  groups: number;
}

/** Direct convolution by definition: copy x into a zero-padded array, then sum window by window. */
function refConv(x: NDArray, w: NDArray, bias: NDArray | null, g: Geometry): NDArray {
  const [n, cin, ...size] = x.shape;
  const [cout, cig, ...k] = w.shape;
  const padded = zeros([n, cin, ...size.map((v, i) => v + g.before[i] + g.after[i])], { dtype: 'float64' });
  for (let f = 0; f < x.size; f++) {
    const [b, c, ...p] = unravel(f, x.shape);
    padded.set([b, c, ...p.map((v, i) => v + g.before[i])], x.get(b, c, ...p));
  }
  const out = padded.shape
    .slice(2)
    .map((v, i) => Math.floor((v - g.dilation[i] * (k[i] - 1) - 1) / g.stride[i]) + 1);
  const y = zeros([n, cout, ...out], { dtype: 'float64' });
  const cog = cout / g.groups;
  for (let f = 0; f < y.size; f++) {
    const [b, o, ...p] = unravel(f, y.shape);
    let s = bias ? bias.get(o) : 0;
    for (let c = 0; c < cig; c++)
      for (let kf = 0; kf < prod(k); kf++) {
        const kk = unravel(kf, k);
        const pos = p.map((v, i) => v * g.stride[i] + kk[i] * g.dilation[i]);
        s += w.get(o, c, ...kk) * padded.get(b, Math.floor(o / cog) * cig + c, ...pos);
      }
    y.set([b, o, ...p], s);
  }
  return y;
}

/**
 * Transposed convolution by the scatter definition: x[i]·w[k] lands at i·s + k·d of a buffer of length
 * (in−1)·s + d·(k−1) + 1 + outputPadding, and `padding` positions are dropped at each end.
 */
function refConvT(
  x: NDArray,
  w: NDArray,
  bias: NDArray | null,
  g: Geometry,
  outputPadding: number[],
): NDArray {
  const [n, cin, ...size] = x.shape;
  const [, cogT, ...k] = w.shape;
  const len = size.map((v, i) => (v - 1) * g.stride[i] + g.dilation[i] * (k[i] - 1) + 1 + outputPadding[i]);
  const cout = cogT * g.groups;
  const buf = zeros([n, cout, ...len], { dtype: 'float64' });
  const cig = cin / g.groups;
  for (let f = 0; f < x.size; f++) {
    const [b, c, ...p] = unravel(f, x.shape);
    for (let oo = 0; oo < cogT; oo++)
      for (let kf = 0; kf < prod(k); kf++) {
        const kk = unravel(kf, k);
        const at = [
          b,
          Math.floor(c / cig) * cogT + oo,
          ...p.map((v, i) => v * g.stride[i] + kk[i] * g.dilation[i]),
        ];
        buf.set(at, buf.get(...at) + x.get(b, c, ...p) * w.get(c, oo, ...kk));
      }
  }
  const y = zeros([n, cout, ...len.map((v, i) => v - 2 * g.before[i])], { dtype: 'float64' });
  for (let f = 0; f < y.size; f++) {
    const [b, o, ...p] = unravel(f, y.shape);
    y.set([b, o, ...p], buf.get(b, o, ...p.map((v, i) => v + g.before[i])) + (bias ? bias.get(o) : 0));
  }
  return y;
}

// ---------------------------------------------------------------------------------------------------------
// PyTorch fixtures

interface T {
  shape: number[];
  data: number[];
}
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../../../shared/conformance/${name}`, import.meta.url)),
      'utf8',
    ),
  ).cases;
const t = (x: T) => new NDArray(Float64Array.from(x.data), x.shape);

describe('PyTorch fixtures (float64, rtol 1e-9, atol 1e-10): outputs and vjp at the given cotangent', () => {
  interface Case {
    id: string;
    op: string;
    args: Record<string, unknown>;
    inputs: { x: T; weight: T; bias: T | null };
    output: T;
    cotangent: T;
    grads: Record<string, T>;
  }
  const cases: Case[] = [...fixture('conv.json'), ...fixture('conv_transpose.json')];
  for (const c of cases) {
    it(c.id, () => {
      const { sameMode, ...options } = c.args;
      expect(sameMode === undefined || (sameMode === 'tf' && options.padding === 'same')).toBe(true);
      const f = (CONV[c.op] ?? CONVT[c.op]) as (...a: unknown[]) => NDArray;
      const names = (['x', 'weight', 'bias'] as const).filter((k) => c.inputs[k] !== null);
      const [out, pullback] = vjp(
        (...xs: NDArray[]) => f(xs[0], xs[1], xs[2] ?? null, options),
        ...names.map((k) => t(c.inputs[k]!)),
      );
      expectClose(out, t(c.output));
      const grads = pullback(t(c.cotangent));
      for (const [i, k] of names.entries()) expectClose(grads[i], t(c.grads[k]));
    });
  }
});

describe('hvp.json: the conv-only functions, value, gradient and Hessian-vector product', () => {
  const sq = (y: NDArray) => sum(mul(y, y));
  const fns: Record<string, (i: Record<string, NDArray>) => NDArray> = {
    conv1d_tanh_sq: ({ x, w, b }) => sq(tanh(conv1d(x, w, b, { padding: 1 }))),
    conv2d_tanh_sq: ({ x, w, b }) => sq(tanh(conv2d(x, w, b, { padding: 1 }))),
    conv3d_tanh_sq: ({ x, w }) => sq(tanh(conv3d(x, w, null, { padding: 1 }))),
    conv2d_strided_softplus: ({ x, w, b }) => sum(softplus(conv2d(x, w, b, { stride: 2, padding: 1 }))),
    conv1d_dilated_grouped_sin: ({ x, w, b }) =>
      sum(sin(conv1d(x, w, b, { stride: 2, padding: 2, dilation: 2, groups: 2 }))),
    conv3d_grouped_sigmoid_sq: ({ x, w, b }) =>
      sq(sigmoid(conv3d(x, w, b, { stride: [1, 2, 1], padding: [0, 1, 1], groups: 2 }))),
    conv2d_tfsame_tanh_sq: ({ x, w }) => sq(tanh(conv2d(x, w, null, { stride: 2, padding: 'same' }))),
    convTranspose2d_tanh_sq: ({ x, w, b }) =>
      sq(tanh(convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }))),
  };
  interface Case {
    id: string;
    fn: string;
    inputs: Record<string, T>;
    output: T;
    grads: Record<string, T>;
    vector: Record<string, T>;
    hvp: Record<string, T>;
  }
  const cases: Case[] = fixture('hvp.json').filter((c: Case) => c.fn in fns);
  it('covers the eight conv-only functions', () => expect(cases.length).toBe(8));
  for (const c of cases) {
    it(`${c.id} ${c.fn}`, () => {
      const keys = Object.keys(c.inputs).sort();
      const f = (...xs: NDArray[]) => fns[c.fn](Object.fromEntries(keys.map((k, i) => [k, xs[i]])));
      const g = (...xs: NDArray[]) => grad(f, { argnums: keys.map((_, i) => i) })(...xs) as NDArray[];
      const inputs = keys.map((k) => t(c.inputs[k]));
      expectClose(f(...inputs), t(c.output));
      const [grads, hvps] = jvp(
        g,
        inputs,
        keys.map((k) => t(c.vector[k])),
      );
      keys.forEach((k, i) => {
        expectClose(grads[i], t(c.grads[k]));
        expectClose(hvps[i], t(c.hvp[k]));
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Random valid configurations

interface ConvCase {
  d: number;
  x: NDArray;
  w: NDArray;
  b: NDArray | null;
  options: ConvOptions;
  geometry: Geometry;
  unbatched: boolean;
}

const convCaseArb: fc.Arbitrary<ConvCase> = fc
  .record({
    dims: fc.array(
      fc.record({
        k: fc.integer({ min: 1, max: 3 }),
        s: fc.integer({ min: 1, max: 3 }),
        dil: fc.integer({ min: 1, max: 2 }),
        p: fc.integer({ min: 0, max: 2 }),
        extra: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    mode: fc.constantFrom('int', 'array', 'valid', 'same', 'default'),
    groups: fc.integer({ min: 1, max: 3 }),
    cig: fc.integer({ min: 1, max: 2 }),
    cog: fc.integer({ min: 1, max: 2 }),
    n: fc.integer({ min: 1, max: 2 }),
    unbatched: fc.boolean(),
    bias: fc.boolean(),
    seed: fc.nat(),
  })
  .map(({ dims, mode, groups, cig, cog, n, unbatched, bias, seed }) => {
    const d = dims.length;
    const k = dims.map((v) => v.k);
    const stride = dims.map((v) => v.s);
    const dilation = dims.map((v) => v.dil);
    const pad =
      mode === 'int' ? dims.map(() => dims[0].p) : mode === 'array' ? dims.map((v) => v.p) : k.map(() => 0);
    // Smallest input the padding allows, plus a few rows (strided convolutions then leave some unread).
    const size = dims.map((v, i) =>
      mode === 'same' ? 1 + v.extra : Math.max(1, dilation[i] * (v.k - 1) + 1 - 2 * pad[i] + v.extra),
    );
    let before = pad;
    let after = pad;
    if (mode === 'same') {
      // TensorFlow's SAME (PyTorch's 'same' when every stride is 1): out = ceil(in / s).
      const total = size.map((v, i) =>
        Math.max(0, (Math.ceil(v / stride[i]) - 1) * stride[i] + dilation[i] * (k[i] - 1) + 1 - v),
      );
      before = total.map((v) => Math.floor(v / 2));
      after = total.map((v, i) => v - before[i]);
    }
    const padding =
      mode === 'int'
        ? pad[0]
        : mode === 'array'
          ? pad
          : mode === 'same' || mode === 'valid'
            ? mode
            : undefined;
    const options: ConvOptions = {
      stride: d > 1 && stride.every((v) => v === stride[0]) ? stride[0] : stride,
      dilation,
      groups,
      ...(padding === undefined ? {} : { padding }),
    };
    const xs = [n, cig * groups, ...size];
    return {
      d,
      x: rand(unbatched ? xs.slice(1) : xs, seed),
      w: rand([cog * groups, cig, ...k], seed + 1),
      b: bias ? rand([cog * groups], seed + 2) : null,
      options,
      geometry: { stride, before, after, dilation, groups },
      unbatched,
    };
  });

const batch = (c: ConvCase) => (c.unbatched ? c.x.reshape([1, ...c.x.shape]) : c.x);

describe('conv1d/2d/3d on random configurations', () => {
  it('output shapes follow the formula and values equal the direct definition', () => {
    fc.assert(
      fc.property(convCaseArb, (c) => {
        const y = convOf(c.d)(c.x, c.w, c.b, c.options);
        const ref = refConv(batch(c), c.w, c.b, c.geometry);
        const g = c.geometry;
        const xb = batch(c);
        const out = xb.shape.slice(2).map((v, i) => {
          const span = g.dilation[i] * (c.w.shape[2 + i] - 1) + 1;
          return Math.floor((v + g.before[i] + g.after[i] - span) / g.stride[i]) + 1;
        });
        if (c.options.padding === 'same') {
          expect(out).toEqual(xb.shape.slice(2).map((v, i) => Math.ceil(v / g.stride[i])));
        }
        expect(y.shape).toEqual(c.unbatched ? ref.shape.slice(1) : ref.shape);
        expect(ref.shape.slice(2)).toEqual(out);
        expectClose(y, c.unbatched ? ref.reshape(ref.shape.slice(1)) : ref, 1e-12, 1e-12);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("PyTorch's 'same' at stride 1 puts the odd extra zero at the end", () => {
    // total = 3·(2−1) = 3: left 1, right 2, so the padded input is [0, 1, 2, 3, 4, 0, 0].
    const x = array([[[1, 2, 3, 4]]], { dtype: 'float64' });
    const w = array([[[1, 10]]], { dtype: 'float64' });
    expect(conv1d(x, w, null, { padding: 'same', dilation: 3 }).toArray()).toEqual([[[30, 41, 2, 3]]]);
    // TensorFlow's rule at stride 2: in 5, out 3, total = (3−1)·2 + 3 − 5 = 2, left 1, right 1.
    const x5 = array([[[1, 2, 3, 4, 5]]], { dtype: 'float64' });
    const w3 = array([[[1, 1, 1]]], { dtype: 'float64' });
    expect(conv1d(x5, w3, null, { padding: 'same', stride: 2 }).toArray()).toEqual([[[3, 9, 9]]]);
  });

  it('checkGrads order 2 in x, weight and bias', () => {
    fc.assert(
      fc.property(convCaseArb, (c) => {
        const f = (x: NDArray, w: NDArray, b: NDArray) => tanh(convOf(c.d)(x, w, b, c.options));
        checkGrads(f, [c.x, c.w, c.b ?? rand([c.w.shape[0]], 7)], { order: 2 });
      }),
      { seed: 42, numRuns: 10 },
    );
  });
});

describe('convTranspose1d/2d/3d on random configurations', () => {
  /** The transposed convolution whose output has the conv case's input size. */
  function transposeOf(c: ConvCase) {
    const y = convOf(c.d)(c.x, c.w, null, c.options);
    const g = c.geometry;
    const size = batch(c).shape.slice(2);
    const outputPadding = size.map((v, i) => {
      const span = g.dilation[i] * (c.w.shape[2 + i] - 1) + 1;
      return (v + g.before[i] + g.after[i] - span) % g.stride[i];
    });
    const options: ConvTransposeOptions = {
      stride: g.stride,
      padding: g.before,
      outputPadding,
      dilation: g.dilation,
      groups: g.groups,
    };
    return { y, options, outputPadding };
  }
  // Symmetric padding only: the transposed convolution drops the same number of positions at each end.
  const symmetric = convCaseArb.filter((c) => c.geometry.before.every((v, i) => v === c.geometry.after[i]));

  it('is the adjoint of conv: <conv(x), y> = <x, convTranspose(y)>, with the formula output size', () => {
    fc.assert(
      fc.property(symmetric, fc.nat(), (c, seed) => {
        const { y, options } = transposeOf(c);
        const u = rand(y.shape, seed);
        const back = convTOf(c.d)(u, c.w, null, options);
        expect(back.shape).toEqual(c.x.shape);
        expect(vdot(back, c.x)).toBeCloseTo(vdot(u, y), 10);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('equals the scatter definition, with bias and groups', () => {
    fc.assert(
      fc.property(symmetric, fc.nat(), (c, seed) => {
        const { y, options, outputPadding } = transposeOf(c);
        const u = rand(y.shape, seed);
        const bias = c.b ? rand([c.x.shape[c.unbatched ? 0 : 1]], seed + 1) : null;
        const got = convTOf(c.d)(u, c.w, bias, options);
        const ub = c.unbatched ? u.reshape([1, ...u.shape]) : u;
        const ref = refConvT(ub, c.w, bias, c.geometry, outputPadding);
        expectClose(got, c.unbatched ? ref.reshape(ref.shape.slice(1)) : ref, 1e-12, 1e-12);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('checkGrads order 2 in x, weight and bias', () => {
    fc.assert(
      fc.property(symmetric, fc.nat(), (c, seed) => {
        const { y, options } = transposeOf(c);
        const f = (x: NDArray, w: NDArray, b: NDArray) => tanh(convTOf(c.d)(x, w, b, options));
        checkGrads(f, [rand(y.shape, seed), c.w, rand([c.x.shape[c.unbatched ? 0 : 1]], seed + 1)], {
          order: 2,
        });
      }),
      { seed: 42, numRuns: 10 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Layouts, dtypes, special values, empty arrays

describe('conv: layouts, dtypes, special values', () => {
  it('non-contiguous inputs (transposed, flipped, broadcast, stepped) give the results of their copies', () => {
    const x = rand([2, 3, 7, 6], 1).transpose(2, 3).flip(2); // [2, 3, 6, 7]
    const w = rand([4, 6, 3, 2], 2).slice(null, { step: 2 }); // [4, 3, 3, 2]
    const b = rand([1], 3).broadcastTo([4]);
    const opts: ConvOptions = { stride: [2, 1], padding: [1, 0], dilation: [1, 2] };
    expectClose(conv2d(x, w, b, opts), conv2d(x.copy(), w.copy(), b.copy(), opts), 0, 0);
    const xb = rand([1, 3, 1, 7], 4).broadcastTo([2, 3, 6, 7]);
    expectClose(conv2d(xb, w, b, opts), conv2d(xb.copy(), w.copy(), b.copy(), opts), 0, 0);
    const wt = rand([3, 4, 2, 3], 5).permute(1, 0, 3, 2); // [4, 3, 3, 2] as convTranspose weight [Cin=4, ...]
    const xt = rand([2, 4, 3, 5], 6).slice(null, null, null, { step: -2 }); // [2, 4, 3, 3]
    expectClose(
      convTranspose2d(xt, wt, null, { stride: 2 }),
      convTranspose2d(xt.copy(), wt.copy(), null, { stride: 2 }),
      0,
      0,
    );
  });

  it('keeps float32, promotes float32 with float64, refuses integers', () => {
    const x = rand([1, 2, 5], 1, 'float32');
    const w = rand([3, 2, 2], 2, 'float32');
    const y = conv1d(x, w, null, { padding: 1 });
    expect(y.dtype).toBe('float32');
    expectClose(y, conv1d(x.astype('float64'), w.astype('float64'), null, { padding: 1 }), 1e-6, 1e-7);
    expect(conv1d(x, w.astype('float64')).dtype).toBe('float64');
    expect(convTranspose1d(rand([1, 3, 4], 3, 'float32'), w).dtype).toBe('float32');
    expect(() => conv1d(x.astype('int32'), w)).toThrow(
      new DTypeError('conv1d: input, weight must be float32 or float64, got int32, float32'),
    );
  });

  it('propagates NaN and Infinity to exactly the windows that read them', () => {
    const x = array([[[0, 1, Number.NaN, 3, 4, Number.POSITIVE_INFINITY, 6]]], { dtype: 'float64' });
    const w = array([[[1, 1]]], { dtype: 'float64' });
    expect(conv1d(x, w, null, { stride: 2 }).toArray()).toEqual([
      [[1, Number.NaN, Number.POSITIVE_INFINITY]],
    ]);
    expect(convTranspose1d(array([[[1, Number.NaN]]], { dtype: 'float64' }), w).toArray()).toEqual([
      [[1, Number.NaN, Number.NaN]],
    ]);
  });

  it('handles empty batches and channels, and unbatched inputs', () => {
    const w = rand([4, 2, 3], 1);
    expect(conv1d(zeros([0, 2, 5], { dtype: 'float64' }), w).shape).toEqual([0, 4, 3]);
    expect(
      conv1d(
        zeros([1, 0, 5], { dtype: 'float64' }),
        rand([2, 0, 3], 2),
        array([1, 2], { dtype: 'float64' }),
      ).toArray(),
    ).toEqual([
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
    ]);
    expect(conv1d(rand([1, 2, 5], 3), zeros([0, 2, 3], { dtype: 'float64' })).shape).toEqual([1, 0, 3]);
    expect(convTranspose1d(zeros([0, 4, 3], { dtype: 'float64' }), w).shape).toEqual([0, 2, 5]);
    const x = rand([2, 5, 5], 4);
    expect(conv2d(x, rand([3, 2, 2, 2], 5)).shape).toEqual([3, 4, 4]);
    expect(convTranspose3d(rand([2, 2, 2, 2], 6), rand([2, 1, 2, 2, 2], 7)).shape).toEqual([1, 3, 3, 3]);
  });

  it('the first worked example of the nn.Conv3d page, with the correct numbers', () => {
    // The page prints input and weight as eight values 1..8 each (a [1, 1, 2, 2, 2] kernel over a
    // [1, 1, 2, 2, 2] input, despite saying in_channels=2). The output is Σ i·i = 204, the input gradient
    // is the weight and the weight gradient is the input. The page prints a wrong weight gradient
    // ([[1, 2], [3, 4]] twice); it is [[1, 2], [3, 4]], [[5, 6], [7, 8]].
    const v = array([1, 2, 3, 4, 5, 6, 7, 8], { dtype: 'float64' }).reshape(1, 1, 2, 2, 2);
    const [y, pullback] = vjp((x: NDArray, w: NDArray) => conv3d(x, w), v, v);
    expect(y.toArray()).toEqual([[[[[204]]]]]);
    const [dx, dw] = pullback(array([[[[[1]]]]], { dtype: 'float64' }));
    expect(dx.toArray()).toEqual(v.toArray());
    expect(dw.toArray()).toEqual([
      [
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
      ],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Errors

describe('conv errors', () => {
  const z = (...shape: number[]) => zeros(shape, { dtype: 'float64' });

  it('name the op, the argument and the shapes', () => {
    const cases: [() => unknown, Error][] = [
      [
        () => conv3d(z(1, 3, 4, 4, 4), z(8, 2, 3, 3, 3)),
        new ShapeError(
          'conv3d: input has 3 channels but weight expects 2 (groups=1), input shape [1,3,4,4,4], weight shape [8,2,3,3,3]',
        ),
      ],
      [
        () => conv2d(z(1, 3, 6, 6), z(4, 1, 3, 3), null, { groups: 2 }),
        new ShapeError(
          'conv2d: groups=2 must divide the input channels, got 3, input shape [1,3,6,6], weight shape [4,1,3,3]',
        ),
      ],
      [
        () => conv2d(z(1, 4, 6, 6), z(3, 2, 3, 3), null, { groups: 2 }),
        new ShapeError(
          'conv2d: groups=2 must divide the output channels (weight dimension 0), got 3, input shape [1,4,6,6], weight shape [3,2,3,3]',
        ),
      ],
      [
        () => conv2d(z(1, 1, 4, 4), z(1, 1, 5, 5)),
        new ShapeError(
          'conv2d: kernel 5x5 (dilated) is larger than the padded input 4x4, input shape [1,1,4,4], weight shape [1,1,5,5]',
        ),
      ],
      [
        () => conv1d(z(1, 1, 4), z(1, 1, 3), null, { dilation: 2 }),
        new ShapeError(
          'conv1d: kernel 5 (dilated) is larger than the padded input 4, input shape [1,1,4], weight shape [1,1,3]',
        ),
      ],
      [
        () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { stride: [0, 1] }),
        new ArgumentError('conv2d: stride must hold integers >= 1, got [0,1]'),
      ],
      [
        () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { dilation: 0 }),
        new ArgumentError('conv2d: dilation must hold integers >= 1, got 0'),
      ],
      [
        () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { padding: [-1, 0] }),
        new ArgumentError('conv2d: padding must hold integers >= 0, got [-1,0]'),
      ],
      [
        () => conv2d(z(1, 1, 5, 5), z(1, 1, 3, 3), null, { padding: [1, 1, 1] }),
        new ArgumentError('conv2d: padding must be an integer or 2 integers, got [1,1,1]'),
      ],
      [
        () => conv3d(z(1, 1, 5, 5, 5), z(1, 1, 3, 3, 3), null, { stride: [1, 1] }),
        new ArgumentError('conv3d: stride must be an integer or 3 integers, got [1,1]'),
      ],
      [
        () => conv1d(z(1, 1, 5), z(1, 1, 3), null, { padding: 'full' as 'same' }),
        new ArgumentError(`conv1d: padding must be an integer, 1 integer, 'valid' or 'same', got "full"`),
      ],
      [
        () => conv2d(z(1, 2, 5, 5), z(2, 2, 3, 3), null, { groups: 0 }),
        new ArgumentError('conv2d: groups must be a positive integer, got 0'),
      ],
      [
        () => conv2d(z(6, 6), z(1, 1, 3, 3)),
        new ShapeError('conv2d: input must be [N, C, H, W] or [C, H, W], got shape [6,6]'),
      ],
      [
        () => conv2d(z(1, 1, 6, 6), z(1, 3, 3)),
        new ShapeError(
          'conv2d: weight must be [Cout, Cin/groups, kH, kW] with kernel sizes >= 1, got input shape [1,1,6,6], weight shape [1,3,3]',
        ),
      ],
      [
        () => conv2d(z(1, 3, 5, 5), z(4, 3, 3, 3), z(5)),
        new ShapeError(
          'conv2d: bias must have shape [4] (one value per output channel), got bias shape [5], input shape [1,3,5,5], weight shape [4,3,3,3]',
        ),
      ],
      [
        () => conv1d(z(), z(1, 1, 1)),
        new ShapeError('conv1d: input must be [N, C, L] or [C, L], got shape []'),
      ],
      [
        () => conv1d(z(1, 1, 3), z(2, 1, 1), z()),
        new ShapeError(
          'conv1d: bias must have shape [2] (one value per output channel), got bias shape [], input shape [1,1,3], weight shape [2,1,1]',
        ),
      ],
      [
        () => conv1d(3 as unknown as NDArray, z(1, 1, 1)),
        new ArgumentError('conv1d: input must be an NDArray, got number'),
      ],
      [
        () => convTranspose2d(z(1, 3, 4, 4), z(2, 2, 3, 3)),
        new ShapeError(
          'convTranspose2d: input has 3 channels but weight expects 2 (weight dimension 0), input shape [1,3,4,4], weight shape [2,2,3,3]',
        ),
      ],
      [
        () => convTranspose1d(z(1, 1, 4), z(1, 1, 3), null, { stride: 2, outputPadding: 2 }),
        new ArgumentError(
          'convTranspose1d: outputPadding must be smaller than max(stride, dilation) in every dimension, got outputPadding [2] with stride [2] and dilation [1]',
        ),
      ],
      [
        () => convTranspose2d(z(1, 2, 4, 4), z(2, 2, 3, 3), null, { padding: 'same' as unknown as number }),
        new ArgumentError(
          `convTranspose2d: padding must be an integer or 2 integers ('same' and 'valid' are not defined for transposed convolutions), got "same"`,
        ),
      ],
      [
        () => convTranspose2d(z(1, 3, 4, 4), z(3, 2, 3, 3), null, { groups: 2 }),
        new ShapeError(
          'convTranspose2d: groups=2 must divide the input channels, got 3, input shape [1,3,4,4], weight shape [3,2,3,3]',
        ),
      ],
      [
        () => convTranspose2d(z(1, 1, 2, 2), z(1, 1, 3, 3), null, { padding: 3 }),
        new ShapeError(
          'convTranspose2d: output size must be at least 1 in every dimension, got [-2,-2] from stride [1,1], padding [3,3], dilation [1,1], outputPadding [0,0], input shape [1,1,2,2], weight shape [1,1,3,3]',
        ),
      ],
    ];
    for (const [call, error] of cases) {
      let caught: unknown = null;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(error.constructor);
      expect((caught as Error).message).toBe(error.message);
    }
  });

  it('every conv case of errors.json throws a named error', () => {
    interface ErrorCase {
      id: string;
      op: string;
      args: Record<string, unknown>;
      inputShapes: Record<string, number[] | null>;
    }
    const cases: ErrorCase[] = fixture('errors.json').filter((c: ErrorCase) => /^conv/.test(c.op));
    expect(cases.length).toBeGreaterThanOrEqual(19);
    for (const c of cases) {
      const f = (CONV[c.op] ?? CONVT[c.op]) as (...a: unknown[]) => NDArray;
      const [x, w, b] = (['x', 'weight', 'bias'] as const).map((k) => {
        const s = c.inputShapes[k];
        return s ? rand(s, 1) : null;
      });
      expect(() => f(x, w, b, c.args), c.id).toThrow(/^conv\w+: /);
      try {
        f(x, w, b, c.args);
      } catch (e) {
        expect(
          [ShapeError, ArgumentError, DTypeError].some((k) => e instanceof k),
          c.id,
        ).toBe(true);
      }
    }
  });
});
