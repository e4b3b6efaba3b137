/**
 * Adaptive pooling: the PyTorch fixtures, a direct reference over random configurations (values, indices,
 * gradients), views, second derivatives and errors.
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, array, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGrads } from '../transforms/check.js';
import { vjp } from '../transforms/vjp.js';
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
} from './adaptive-pool.js';
import { mul } from './arith.js';
import { tanh } from './unary.js';

interface T {
  shape: number[];
  data: number[];
}
const f64 = (t: T) => array(t.data, { dtype: 'float64' }).reshape(t.shape);
const flat = (a: NDArray) => Array.from(a.copy().data as ArrayLike<number>);
const x64 = (v: unknown) => array(v as number[], { dtype: 'float64' });

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-12,
  atol = 1e-12,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: fixture args are untyped JSON
type Pool = (x: NDArray, options: any) => any;
const AVG: Pool[] = [adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d];
const MAX: Pool[] = [adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool3d];
const OPS: Record<string, Pool> = {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveAvgPool3d,
  adaptiveMaxPool1d,
  adaptiveMaxPool2d,
  adaptiveMaxPool3d,
};

describe('adaptive_pool.json (PyTorch 1.13.1, float64)', () => {
  const file = JSON.parse(readFileSync('/work/shared/conformance/adaptive_pool.json', 'utf8'));
  for (const c of file.cases) {
    it(c.id, () => {
      const [y, pullback] = vjp((x: NDArray) => OPS[c.op](x, c.args) as NDArray, f64(c.inputs.x));
      expect(y.shape).toEqual(c.output.shape);
      expectClose(flat(y), c.output.data, 1e-9, 1e-10);
      const [gx] = pullback(f64(c.cotangent));
      expectClose(flat(gx), c.grads.x.data, 1e-9, 1e-10);
    });
  }
});

/** Window of output `i`: [floor(i·in/out), ceil((i+1)·in/out)), by exact integer arithmetic. */
function window(i: number, n: number, out: number): number[] {
  const lo = Math.floor((i * n) / out);
  let hi = Math.floor(((i + 1) * n) / out);
  if (hi * out < (i + 1) * n) hi++;
  return Array.from({ length: hi - lo }, (_, j) => lo + j);
}

interface Cfg {
  nd: number;
  n: number;
  c: number;
  size: number[];
  out: (number | null)[];
  unbatched: boolean;
  seed: number;
}

const cfgArb: fc.Arbitrary<Cfg> = fc.integer({ min: 1, max: 3 }).chain((nd) =>
  fc.record({
    nd: fc.constant(nd),
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    size: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: nd, maxLength: nd }),
    out: fc.array(fc.option(fc.integer({ min: 1, max: 8 }), { freq: 5 }), { minLength: nd, maxLength: nd }),
    unbatched: fc.boolean(),
    seed: fc.integer(),
  }),
);

/** Shuffled distinct values 0.1 apart: no ties. */
function distinct(size: number, seed: number): Float64Array {
  const v = Float64Array.from({ length: size }, (_, i) => (i - size / 2) * 0.1);
  let s = seed >>> 0;
  for (let i = size - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j], v[i]];
  }
  return v;
}

/** Max, argmax, average and both gradients (for cotangent `ct`) by enumerating every window. */
function reference(x: ArrayLike<number>, cfg: Cfg, ct: ArrayLike<number>) {
  const out = cfg.out.map((o, i) => o ?? cfg.size[i]);
  const [D, H, W] = [...new Array(3 - cfg.nd).fill(1), ...cfg.size];
  const [oD, oH, oW] = [...new Array(3 - cfg.nd).fill(1), ...out];
  const inPlane = D * H * W;
  const planes = (cfg.unbatched ? 1 : cfg.n) * cfg.c;
  const r = { out, max: [] as number[], argmax: [] as number[], avg: [] as number[] };
  const gmax = new Float64Array(planes * inPlane);
  const gavg = new Float64Array(planes * inPlane);
  let k = 0;
  for (let p = 0; p < planes; p++)
    for (let a = 0; a < oD; a++)
      for (let b = 0; b < oH; b++)
        for (let c = 0; c < oW; c++, k++) {
          const idx: number[] = [];
          for (const i of window(a, D, oD))
            for (const j of window(b, H, oH)) for (const l of window(c, W, oW)) idx.push((i * H + j) * W + l);
          let best = idx[0];
          for (const q of idx) if (x[p * inPlane + q] > x[p * inPlane + best]) best = q;
          r.max.push(x[p * inPlane + best]);
          r.argmax.push(best);
          r.avg.push(idx.reduce((s, q) => s + x[p * inPlane + q], 0) / idx.length);
          gmax[p * inPlane + best] += ct[k];
          for (const q of idx) gavg[p * inPlane + q] += ct[k] / idx.length;
        }
  return { ...r, gmax, gavg };
}

describe('adaptive pooling against a direct reference', () => {
  it('values, shapes, indices and gradients', () => {
    fc.assert(
      fc.property(cfgArb, (cfg) => {
        const shape = [...(cfg.unbatched ? [] : [cfg.n]), cfg.c, ...cfg.size];
        const data = distinct(
          shape.reduce((a, b) => a * b, 1),
          cfg.seed,
        );
        const x = array(data, { dtype: 'float64' }).reshape(shape);
        const opts = { outputSize: cfg.out };
        const [ya, pba] = vjp((a: NDArray) => AVG[cfg.nd - 1](a, opts) as NDArray, x);
        const [ym, pbm] = vjp((a: NDArray) => MAX[cfg.nd - 1](a, opts) as NDArray, x);
        const ct = distinct(ya.size, cfg.seed + 1);
        const ref = reference(data, cfg, ct);
        expect(ya.shape).toEqual([...shape.slice(0, -cfg.nd), ...ref.out]);
        expect(ym.shape).toEqual(ya.shape);
        expectClose(flat(ya), ref.avg);
        expect(flat(ym)).toEqual(ref.max);
        const [, idx] = MAX[cfg.nd - 1](x, { ...opts, returnIndices: true });
        expect(idx.dtype).toBe('int32');
        expect(flat(idx)).toEqual(ref.argmax);
        const cta = array(ct, { dtype: 'float64' }).reshape(ya.shape);
        expectClose(flat(pba(cta)[0]), ref.gavg);
        expectClose(flat(pbm(cta)[0]), ref.gmax);
        // A flipped view gives the result of its contiguous copy.
        const xf = x.flip();
        expect(flat(MAX[cfg.nd - 1](xf, opts))).toEqual(flat(MAX[cfg.nd - 1](xf.copy(), opts)));
        expectClose(flat(AVG[cfg.nd - 1](xf, opts)), flat(AVG[cfg.nd - 1](xf.copy(), opts)), 1e-15, 0);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('second derivatives (checkGrads order 2, tie-free inputs)', () => {
    fc.assert(
      fc.property(cfgArb, (cfg) => {
        const shape = [cfg.n, cfg.c, ...cfg.size];
        const x = array(
          distinct(
            shape.reduce((a, b) => a * b, 1),
            cfg.seed,
          ),
          { dtype: 'float64' },
        ).reshape(shape);
        const opts = { outputSize: cfg.out };
        const mx = (a: NDArray) => MAX[cfg.nd - 1](a, opts) as NDArray;
        const av = (a: NDArray) => AVG[cfg.nd - 1](a, opts) as NDArray;
        checkGrads((a: NDArray) => mul(tanh(mx(a)), av(tanh(a))), [x], { order: 2 });
      }),
      { seed: 42, numRuns: 10 },
    );
  });
});

describe('adaptive pooling: examples, dtypes, shapes', () => {
  it('windows overlap when out does not divide in, and repeat when out > in', () => {
    const x = x64([[[1, 5, 3, 4, 2]]]);
    expect(adaptiveAvgPool1d(x, { outputSize: 2 }).toArray()).toEqual([[[3, 3]]]); // [1 5 3], [3 4 2]
    expect(adaptiveMaxPool1d(x, { outputSize: 2 }).toArray()).toEqual([[[5, 4]]]);
    expect(adaptiveMaxPool1d(x64([[[1, 2]]]), { outputSize: 3 }).toArray()).toEqual([[[1, 2, 2]]]);
    const [, pb] = vjp((a: NDArray) => adaptiveAvgPool1d(a, { outputSize: 2 }), x);
    expect(flat(pb(x64([[[3, 6]]]))[0])).toEqual([1, 1, 3, 2, 2]);
  });

  it('null keeps a size; global pooling; unbatched; float32; empty output', () => {
    const x = array(
      Array.from({ length: 24 }, (_, i) => i),
      { dtype: 'float32' },
    ).reshape([1, 2, 3, 4]);
    const y = adaptiveAvgPool2d(x, { outputSize: [null, 1] });
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([
      [
        [[1.5], [5.5], [9.5]],
        [[13.5], [17.5], [21.5]],
      ],
    ]);
    expect(adaptiveMaxPool2d(x, { outputSize: 1 }).toArray()).toEqual([[[[11]], [[23]]]]);
    // A 4-D input to a 3-D pool is unbatched [C=1, D=2, H=3, W=4]: columns 0-1 peak at 21, 2-3 at 23.
    expect(adaptiveMaxPool3d(x, { outputSize: [1, 1, 2] }).toArray()).toEqual([[[[21, 23]]]]);
    expect(adaptiveAvgPool3d(x.reshape([1, 1, 2, 3, 4]), { outputSize: 1 }).item()).toBe(11.5);
    expect(adaptiveAvgPool1d(zeros([2, 3]), { outputSize: 0 }).shape).toEqual([2, 0]);
  });
});

describe('adaptive pooling errors', () => {
  it('exact messages', () => {
    const x = zeros([1, 1, 4, 4], { dtype: 'float64' });
    expect(() => adaptiveAvgPool2d(x, { outputSize: [2, 2, 2] })).toThrow(
      new ArgumentError(
        'adaptiveAvgPool2d: outputSize must be an integer or 2 entries (integers or null), got [2,2,2]',
      ),
    );
    expect(() => adaptiveAvgPool3d(zeros([1, 1, 4, 4, 4]), { outputSize: [2, -1, 2] })).toThrow(
      new ArgumentError('adaptiveAvgPool3d: outputSize must hold integers >= 0 or null, got [2,-1,2]'),
    );
    expect(() => adaptiveMaxPool1d(zeros([1, 1, 4]), { outputSize: 1.5 })).toThrow(
      new ArgumentError('adaptiveMaxPool1d: outputSize must hold integers >= 0 or null, got 1.5'),
    );
    expect(() => adaptiveMaxPool2d(zeros([4, 4, 4, 4, 4]), { outputSize: 2 })).toThrow(
      new ShapeError('adaptiveMaxPool2d: input must be [N, C, H, W] or [C, H, W], got shape [4,4,4,4,4]'),
    );
    expect(() => adaptiveAvgPool1d(zeros([1, 1, 0]), { outputSize: 2 })).toThrow(
      new ShapeError(
        'adaptiveAvgPool1d: input must have non-zero channel and spatial sizes, got shape [1,1,0]',
      ),
    );
    expect(() => adaptiveMaxPool1d(zeros([1, 4]), { outputSize: 2, returnIndices: 'yes' } as never)).toThrow(
      new ArgumentError('adaptiveMaxPool1d: returnIndices must be a boolean, got "yes"'),
    );
  });

  it('every adaptive case of errors.json throws a named error', () => {
    const file = JSON.parse(readFileSync('/work/shared/conformance/errors.json', 'utf8'));
    const cases = file.cases.filter((c: { op: string }) => c.op in OPS);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(() => OPS[c.op](zeros(c.inputShapes.x, { dtype: 'float64' }), c.args), c.id).toThrow(
        /^adaptive\w+: /,
      );
    }
  });
});
