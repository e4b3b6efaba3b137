/**
 * Sliding-window pooling against a slow, independently written reference (direct enumeration of every
 * output and kernel position, with explicit padding rules), over random valid configurations; views;
 * second derivatives; the select/scatter transposition.
 */
import { array, full, type NDArray } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGrads } from '../transforms/check.js';
import { vjp } from '../transforms/vjp.js';
import { mul } from './arith.js';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d } from './pool.js';
import { pooledSize, poolScatter, poolSelect, selectParams, slidingWindows } from './pool-prims.js';
import { sum } from './sum.js';
import { tanh } from './unary.js';

interface Cfg {
  nd: number;
  n: number;
  c: number;
  size: number[];
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
  cip: boolean;
  div: number | null;
  unbatched: boolean;
  seed: number;
}

/** Output length by enumerating window starts (PyTorch's rule, restated): no closed formula. */
function refLength(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = 0;
  for (let o = 0; ; o++) {
    const start = o * s - p;
    const last = start + d * (k - 1);
    // floor mode: the window ends inside the padded input; ceil mode: it may hang past the right padding
    // by less than a stride, but must start inside the input or the left padding.
    const fits = ceil ? last <= n + p - 1 + s - 1 && start < n : last <= n + p - 1;
    if (!fits) return out;
    out++;
  }
}

/** Row-major index tuples of `shape`. */
function* tuples(shape: readonly number[]): Generator<number[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  for (let f = 0; f < size; f++) {
    const t: number[] = new Array(shape.length);
    let r = f;
    for (let i = shape.length - 1; i >= 0; i--) {
      t[i] = r % shape[i];
      r = Math.floor(r / shape[i]);
    }
    yield t;
  }
}

interface Ref {
  shape: number[];
  max: number[];
  argmax: number[];
  avg: number[];
  /** In-bounds in-plane input indices of each output window (per plane). */
  windows: number[][];
  divisors: number[];
}

/** The reference on a batched `[N, C, *S]` row-major `x`. */
function reference(x: ArrayLike<number>, cfg: Cfg): Ref {
  const S = cfg.size;
  const out = S.map((n, i) => refLength(n, cfg.k[i], cfg.s[i], cfg.p[i], cfg.d[i], cfg.ceil));
  const inPlane = S.reduce((a, b) => a * b, 1);
  const windows: number[][] = [];
  const divisors: number[] = [];
  for (const o of tuples(out)) {
    const win: number[] = [];
    let padded = 0;
    for (const j of tuples(cfg.k)) {
      const pos = o.map((oi, i) => oi * cfg.s[i] - cfg.p[i] + j[i] * cfg.d[i]);
      if (pos.every((q, i) => q >= -cfg.p[i] && q < S[i] + cfg.p[i])) padded++;
      if (pos.every((q, i) => q >= 0 && q < S[i])) win.push(pos.reduce((acc, q, i) => acc * S[i] + q, 0));
    }
    windows.push(win);
    divisors.push(cfg.div ?? (cfg.cip ? padded : win.length));
  }
  const r: Ref = { shape: [cfg.n, cfg.c, ...out], max: [], argmax: [], avg: [], windows, divisors };
  for (let plane = 0; plane < cfg.n * cfg.c; plane++) {
    windows.forEach((win, w) => {
      let best = win[0];
      for (const q of win) if (x[plane * inPlane + q] > x[plane * inPlane + best]) best = q;
      r.argmax.push(best);
      r.max.push(x[plane * inPlane + best]);
      r.avg.push(win.reduce((acc, q) => acc + x[plane * inPlane + q], 0) / divisors[w]);
    });
  }
  return r;
}

/** Gradients of <ct, pool(x)> by the reference: max to the argmax, avg spread over the window. */
function referenceGrads(ref: Ref, ct: ArrayLike<number>, inPlane: number, planes: number) {
  const gmax = new Float64Array(planes * inPlane);
  const gavg = new Float64Array(planes * inPlane);
  const W = ref.windows.length;
  for (let plane = 0; plane < planes; plane++) {
    ref.windows.forEach((win, w) => {
      const g = ct[plane * W + w];
      gmax[plane * inPlane + ref.argmax[plane * W + w]] += g;
      for (const q of win) gavg[plane * inPlane + q] += g / ref.divisors[w];
    });
  }
  return { gmax, gavg };
}

/** Distinct values (spacing 0.1 before the shuffle), so max pooling has no ties. */
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

function flat(a: NDArray): number[] {
  return Array.from(a.copy().data as ArrayLike<number>);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const MAX = [maxPool1d, maxPool2d, maxPool3d];
const AVG = [avgPool1d, avgPool2d, avgPool3d];
const maxOf = (cfg: Cfg) => (x: NDArray) =>
  MAX[cfg.nd - 1](x, {
    kernelSize: cfg.k,
    stride: cfg.s,
    padding: cfg.p,
    dilation: cfg.d,
    ceilMode: cfg.ceil,
  });
const avgOf = (cfg: Cfg) => (x: NDArray) =>
  AVG[cfg.nd - 1](x, {
    kernelSize: cfg.k,
    stride: cfg.s,
    padding: cfg.p,
    ceilMode: cfg.ceil,
    countIncludePad: cfg.cip,
    divisorOverride: cfg.div,
  });

/** Random valid configurations; `dilated: false` gives dilation 1 (average pooling). */
function cfgArb(dilated: boolean, maxSize = 4): fc.Arbitrary<Cfg> {
  return fc.integer({ min: 1, max: 3 }).chain((nd) => {
    const ints = (min: number, max: number) =>
      fc.array(fc.integer({ min, max }), { minLength: nd, maxLength: nd });
    return fc
      .record({
        k: ints(1, 3),
        s: ints(1, 3),
        d: dilated ? ints(1, 2) : ints(1, 1),
        pRaw: ints(0, 1),
        extra: ints(0, maxSize),
        ceil: fc.boolean(),
        cip: fc.boolean(),
        div: fc.option(fc.integer({ min: 1, max: 5 }), { freq: 4 }),
        unbatched: fc.boolean(),
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 2 }),
        seed: fc.integer(),
      })
      .map(({ k, d, pRaw, extra, unbatched, n, ...rest }) => ({
        nd,
        k,
        d,
        p: pRaw.map((p, i) => Math.min(p, Math.floor(k[i] / 2))),
        size: extra.map((e, i) => d[i] * (k[i] - 1) + 1 + e),
        unbatched,
        n: unbatched ? 1 : n,
        ...rest,
      }));
  });
}

function input(cfg: Cfg): { x: NDArray; data: Float64Array } {
  const shape = [cfg.n, cfg.c, ...cfg.size];
  const data = distinct(
    shape.reduce((a, b) => a * b, 1),
    cfg.seed,
  );
  const x = array(data, { dtype: 'float64' }).reshape(shape);
  return { x: cfg.unbatched ? x.reshape(shape.slice(1)) : x, data };
}

describe('pooling against a direct reference (random configurations)', () => {
  it('pooledSize and the window tables match the enumeration', () => {
    fc.assert(
      fc.property(cfgArb(true), (cfg) => {
        cfg.size.forEach((n, i) => {
          const [k, s, p, d] = [cfg.k[i], cfg.s[i], cfg.p[i], cfg.d[i]];
          expect(pooledSize(n, k, s, p, d, cfg.ceil)).toBe(refLength(n, k, s, p, d, cfg.ceil));
          const w = slidingWindows(n, k, s, p, d, cfg.ceil);
          for (let o = w.interiorLo; o < w.interiorHi; o++) {
            expect(o * s - p).toBeGreaterThanOrEqual(0);
            expect(o * s - p + (k - 1) * d).toBeLessThan(n);
          }
        });
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('max pooling: shapes, values, indices and gradients', () => {
    fc.assert(
      fc.property(cfgArb(true), (cfg) => {
        const { x, data } = input(cfg);
        const ref = reference(data, cfg);
        const pool = maxOf(cfg);
        const [y, pb] = vjp(pool, x);
        expect(y.shape).toEqual(cfg.unbatched ? ref.shape.slice(1) : ref.shape);
        expect(flat(y)).toEqual(ref.max);
        const opts = {
          kernelSize: cfg.k,
          stride: cfg.s,
          padding: cfg.p,
          dilation: cfg.d,
          ceilMode: cfg.ceil,
        };
        const [, idx] = MAX[cfg.nd - 1](x, { ...opts, returnIndices: true });
        expect(idx.dtype).toBe('int32');
        expect(flat(idx)).toEqual(ref.argmax);
        // The maximum is attained inside its window and bounds every element of it.
        const inPlane = cfg.size.reduce((a, b) => a * b, 1);
        ref.max.forEach((m, o) => {
          const plane = Math.floor(o / ref.windows.length);
          const win = ref.windows[o % ref.windows.length].map((q) => data[plane * inPlane + q]);
          expect(win).toContain(m);
          for (const v of win) expect(m).toBeGreaterThanOrEqual(v);
        });
        const ct = distinct(y.size, cfg.seed + 1);
        const [gx] = pb(array(ct, { dtype: 'float64' }).reshape(y.shape));
        expect(gx.shape).toEqual(x.shape);
        expectClose(flat(gx), referenceGrads(ref, ct, inPlane, cfg.n * cfg.c).gmax);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('average pooling: shapes, values and gradients', () => {
    fc.assert(
      fc.property(cfgArb(false), (cfg) => {
        const { x, data } = input(cfg);
        const ref = reference(data, cfg);
        const [y, pb] = vjp(avgOf(cfg), x);
        expect(y.shape).toEqual(cfg.unbatched ? ref.shape.slice(1) : ref.shape);
        expectClose(flat(y), ref.avg);
        const ct = distinct(y.size, cfg.seed + 1);
        const [gx] = pb(array(ct, { dtype: 'float64' }).reshape(y.shape));
        const inPlane = cfg.size.reduce((a, b) => a * b, 1);
        expectClose(flat(gx), referenceGrads(ref, ct, inPlane, cfg.n * cfg.c).gavg);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('the average of a constant without countIncludePad is that constant', () => {
    fc.assert(
      fc.property(cfgArb(false), fc.double({ min: -10, max: 10, noNaN: true }), (cfg, v) => {
        const shape = [...(cfg.unbatched ? [] : [cfg.n]), cfg.c, ...cfg.size];
        const y = avgOf({ ...cfg, cip: false, div: null })(full(shape, v, { dtype: 'float64' }));
        for (const u of flat(y)) expect(Math.abs(u - v)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(v)));
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});

describe('views give the results of their contiguous copies', () => {
  /** Non-contiguous views holding `cfg`'s logical input, each with the contiguous copy to compare with. */
  function views(cfg: Cfg): NDArray[] {
    const { x } = input(cfg);
    const nd = x.ndim;
    const rev = Array.from({ length: nd }, (_, i) => nd - 1 - i);
    const big = input({ ...cfg, size: cfg.size.map((n) => 2 * n) }).x;
    const steps = [null, ...(cfg.unbatched ? [] : [null]), ...cfg.size.map(() => ({ step: 2 }))];
    return [
      x.flip(),
      x.copy().permute(rev).copy().permute(rev), // transposed storage, same logical array
      x.slice({ start: 0, stop: 1 }).broadcastTo([3, ...x.shape.slice(1)]), // stride 0 on axis 0
      big.slice(...(steps as never[])),
    ];
  }

  it('max and average pooling, values and gradients', () => {
    fc.assert(
      fc.property(cfgArb(true, 2), (c) => {
        const cfg = { ...c, size: c.size.map((n) => Math.max(n, 2)) };
        const vs = views(cfg);
        // The transposed storage is still contiguous when the spatial part is one line of a single plane.
        expect(vs.filter((v) => !v.isContiguous).length).toBeGreaterThanOrEqual(3);
        for (const v of vs) {
          for (const pool of [maxOf(cfg), avgOf({ ...cfg, d: cfg.d.map(() => 1) })]) {
            const [y, pb] = vjp(pool, v);
            const [yc, pbc] = vjp(pool, v.copy());
            expect(flat(y)).toEqual(flat(yc));
            const ct = array(distinct(y.size, 7), { dtype: 'float64' }).reshape(y.shape);
            expectClose(flat(pb(ct)[0]), flat(pbc(ct)[0]), 1e-15);
          }
        }
      }),
      { seed: 42, numRuns: 25 },
    );
  });
});

describe('second derivatives', () => {
  it('checkGrads order 2 through max and average pooling (tie-free inputs)', () => {
    fc.assert(
      fc.property(cfgArb(true, 2), (cfg) => {
        const { x } = input(cfg);
        const mx = maxOf(cfg);
        const av = avgOf({ ...cfg, d: cfg.d.map(() => 1) });
        checkGrads((a: NDArray) => mul(tanh(mx(a)), mx(a)), [x], { order: 2 });
        checkGrads((a: NDArray) => mul(av(tanh(a)), av(a)), [x], { order: 2 });
      }),
      { seed: 42, numRuns: 10 },
    );
  });

  it("poolSelect and poolScatter are each other's transpose: <select(x, v), g> = <v, scatter(x, g)>", () => {
    fc.assert(
      fc.property(cfgArb(true, 3), (cfg) => {
        const { x } = input({ ...cfg, unbatched: false });
        const dims = cfg.size.map((n, i) =>
          slidingWindows(n, cfg.k[i], cfg.s[i], cfg.p[i], cfg.d[i], cfg.ceil),
        );
        const params = selectParams(dims);
        const v = array(distinct(x.size, 3), { dtype: 'float64' }).reshape(x.shape);
        const sel = poolSelect(x, v, params);
        const g = array(distinct(sel.size, 5), { dtype: 'float64' }).reshape(sel.shape);
        const lhs = sum(mul(sel, g)).item();
        const rhs = sum(mul(v, poolScatter(x, g, params))).item();
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(lhs)));
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});
