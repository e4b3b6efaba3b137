import fc, { type GeneratorValue as G } from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange,
  broadcastShapes,
  forEachRun,
  map,
  type NDArray,
  type NestedArray,
  reduce,
  type SliceSpec,
  zip,
} from './index.js';

// A fixed seed makes every failure replayable; fast-check prints it with the shrunk counterexample.
const RUN = { seed: 20261122, numRuns: 200 };
const forAll = (check: (g: G) => void) => fc.assert(fc.property(fc.gen(), check), RUN);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const int = (g: G, min: number, max: number) => g(fc.integer, { min, max });
const bool = (g: G) => g(fc.boolean);
const pick = <T>(g: G, xs: readonly T[]): T => xs[int(g, 0, xs.length - 1)];
const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const wrap = (i: number, n: number) => (i < 0 ? i + n : i);
const rowMajor = (shape: readonly number[]) => shape.map((_, k) => size(shape.slice(k + 1)));
const ravel = (idx: readonly number[], shape: readonly number[]) =>
  idx.reduce((o, i, k) => o * shape[k] + i, 0);
/** Every index tuple of `shape` in row-major order (one empty tuple for 0-d). */
const indices = (shape: readonly number[]): number[][] =>
  shape.reduce<number[][]>((acc, n) => acc.flatMap((p) => range(n).map((i) => [...p, i])), [[]]);
const dot = (idx: readonly number[], strides: readonly number[]) =>
  idx.reduce((o, i, k) => o + i * strides[k], 0);
const addrs = (shape: readonly number[], strides: readonly number[], offset: number) =>
  indices(shape).map((idx) => offset + dot(idx, strides));
const addresses = (a: NDArray) => addrs(a.shape, a.strides, a.offset);
/** The result of `f`, or the `name` of what it threw, so both outcomes compare with `toEqual`. */
const attempt = <T>(f: () => T): T | string => {
  try {
    return f();
  } catch (e) {
    return (e as Error).name;
  }
};

// The model keeps its shape beside the nested arrays: nesting alone loses the dims after a 0 axis.
type Model = { shape: number[]; data: NestedArray };
const tabulate = (shape: number[], f: (idx: number[]) => number): Model => {
  const build = (idx: number[]): NestedArray =>
    idx.length === shape.length ? f(idx) : range(shape[idx.length]).map((i) => build([...idx, i]));
  return { shape, data: build([]) };
};
const at = (m: Model, idx: readonly number[]) =>
  idx.reduce<NestedArray>((x, i) => (x as NestedArray[])[i], m.data) as number;
const remap = (m: Model, shape: number[], f: (idx: number[]) => number[]) =>
  tabulate(shape, (idx) => at(m, f(idx)));
const flatten = (m: Model) => indices(m.shape).map((idx) => at(m, idx));
const broadcastModel = (m: Model, target: number[]) => {
  const lead = target.length - m.shape.length;
  return remap(m, target, (idx) => m.shape.map((d, i) => (d === 1 ? 0 : idx[lead + i])));
};

/** Python's slice rule, written as the index list it selects rather than as (start, len, stride). */
function pyRange(n: number, start: number | null | undefined, stop: number | null | undefined, step: number) {
  const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
  const clamp = (v: number | null | undefined, dflt: number) =>
    v == null ? dflt : Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  const end = clamp(stop, step > 0 ? n : -1);
  for (let i = clamp(start, step > 0 ? 0 : n - 1); step > 0 ? i < end : i > end; i += step) out.push(i);
  return out;
}

/** A random shape holding exactly `n` elements (rank 0 only for n = 1; some 0 axis for n = 0). */
function factorShape(g: G, n: number): number[] {
  const rank = int(g, n === 1 ? 0 : 1, 4);
  const s = range(rank).map(() => (n === 0 ? int(g, 0, 3) : 1));
  if (n === 0) s[int(g, 0, rank - 1)] = 0;
  for (let p = 2, rest = n; rest > 1; p++) {
    for (; rest % p === 0; rest /= p) s[int(g, 0, rank - 1)] *= p;
  }
  return s;
}

/** Brute force: some strides walk `a`'s elements in row-major order of `shape`, so a view is possible. */
function viewable(a: NDArray, shape: number[]): boolean {
  const addr = addresses(a);
  if (addr.length === 0) return true;
  const cs = rowMajor(shape);
  const st = shape.map((d, k) => (d > 1 ? addr[cs[k]] - addr[0] : 0));
  return indices(shape).every((idx, i) => addr[i] === addr[0] + dot(idx, st));
}

/** `viewable` is set for reshape only: whether a view is possible (else it must copy). */
type Op = { desc: string; run: () => NDArray; model: Model; viewable?: boolean };

function randomOp(g: G, a: NDArray, m: Model): Op {
  const { shape } = m;
  const nd = shape.length;
  const kinds = ['slice', 'permute', 'transpose', 'flip', 'broadcastTo', 'reshape', 'squeeze'];
  if (nd >= 1) kinds.push('swap');
  if (nd >= 2) kinds.push('diagonal');
  if (nd < 7) kinds.push('expandDims');
  // Only a strided view can make reshape copy, so try that path more often.
  if (!a.isContiguous) kinds.push('reshape', 'reshape');
  const kind = pick(g, kinds);
  const dims = (axes: number[]) => axes.map((ax) => shape[ax]);
  // Output axis i is input axis perm[i], so input axis p reads the output index at perm.indexOf(p).
  const permModel = (perm: number[]) =>
    remap(m, dims(perm), (idx) => range(nd).map((p) => idx[perm.indexOf(p)]));
  if (kind === 'slice') {
    const specs = range(int(g, 0, nd)).map((ax): SliceSpec => {
      const n = shape[ax];
      const form = int(g, n > 0 ? 0 : 1, 3);
      if (form === 0) return int(g, -n, n - 1);
      if (form === 1) return null;
      const bound = () => pick(g, [undefined, null, int(g, -n - 2, n + 2)]);
      return { start: bound(), stop: bound(), step: pick(g, [undefined, null, -3, -2, -1, 1, 2, 3]) };
    });
    const picks = shape.map((n, ax): number | number[] => {
      const s = specs[ax] ?? null;
      if (typeof s === 'number') return wrap(s, n);
      return s === null ? range(n) : pyRange(n, s.start, s.stop, s.step ?? 1);
    });
    const out = picks.flatMap((p) => (typeof p === 'number' ? [] : [p.length]));
    const model = remap(m, out, (idx) => {
      let j = 0;
      return picks.map((p) => (typeof p === 'number' ? p : p[idx[j++]]));
    });
    return { desc: `slice(${JSON.stringify(specs).slice(1, -1)})`, run: () => a.slice(...specs), model };
  }
  if (kind === 'permute') {
    const perm: number[] = g(fc.shuffledSubarray, range(nd), { minLength: nd, maxLength: nd });
    const axes = perm.map((p) => (bool(g) ? p - nd : p));
    const spread = bool(g);
    const run = () => (spread ? a.permute(...axes) : a.permute(axes));
    return { desc: `permute(${spread ? axes : `[${axes}]`})`, run, model: permModel(perm) };
  }
  if (kind === 'transpose') {
    return { desc: 'transpose()', run: () => a.transpose(), model: permModel(range(nd).reverse()) };
  }
  if (kind === 'swap') {
    const [i, j] = [int(g, -nd, nd - 1), int(g, -nd, nd - 1)];
    const perm = range(nd);
    [perm[wrap(i, nd)], perm[wrap(j, nd)]] = [wrap(j, nd), wrap(i, nd)];
    return { desc: `transpose(${i}, ${j})`, run: () => a.transpose(i, j), model: permModel(perm) };
  }
  if (kind === 'flip') {
    // 0: one axis, 1: no argument, 2: null, 3: an unsorted subset of axes.
    const form = nd > 0 ? int(g, 0, 3) : int(g, 1, 3);
    const one = nd > 0 ? int(g, -nd, nd - 1) : 0;
    const sub: number[] = g(fc.shuffledSubarray, range(nd));
    const flipped = form === 0 ? [wrap(one, nd)] : form === 3 ? sub : range(nd);
    const arg = [one, undefined, null, sub.map((ax) => (bool(g) ? ax - nd : ax))][form];
    const mirror = (i: number, ax: number) => (flipped.includes(ax) ? shape[ax] - 1 - i : i);
    const model = remap(m, shape, (idx) => idx.map(mirror));
    const run = () => (form === 1 ? a.flip() : a.flip(arg));
    return { desc: `flip(${JSON.stringify(arg) ?? ''})`, run, model };
  }
  if (kind === 'broadcastTo') {
    const lead = range(int(g, 0, 2)).map(() => int(g, 0, 3));
    let target = [...lead, ...shape.map((d) => (d === 1 && bool(g) ? int(g, 0, 3) : d))];
    if (target.length > 7 || size(target) > 1500) target = shape;
    const model = broadcastModel(m, target);
    return { desc: `broadcastTo([${target}])`, run: () => a.broadcastTo(target), model };
  }
  if (kind === 'reshape') {
    const target = factorShape(g, a.size);
    const req = target.slice();
    if (a.size > 0 && req.length > 0 && bool(g)) req[int(g, 0, req.length - 1)] = -1;
    const spread = bool(g);
    const flat = flatten(m);
    return {
      desc: `reshape(${spread ? req : `[${req}]`})`,
      run: () => (spread ? a.reshape(...req) : a.reshape(req)),
      model: tabulate(target, (idx) => flat[ravel(idx, target)]),
      viewable: viewable(a, target),
    };
  }
  if (kind === 'expandDims') {
    const axis = int(g, -nd - 1, nd);
    const ax = wrap(axis, nd + 1);
    const out = [...shape.slice(0, ax), 1, ...shape.slice(ax)];
    const model = remap(m, out, (idx) => idx.filter((_, i) => i !== ax));
    return { desc: `expandDims(${axis})`, run: () => a.expandDims(axis), model };
  }
  if (kind === 'squeeze') {
    const ones = range(nd).filter((i) => shape[i] === 1);
    const one = ones.length > 0 && bool(g) ? pick(g, ones) : -1;
    const arg = one >= 0 ? pick<number | number[]>(g, [one, one - nd, [one]]) : pick(g, [undefined, null]);
    const drop = one >= 0 ? [one] : ones;
    const kept = range(nd).filter((i) => !drop.includes(i));
    // A dropped axis has size 1, so its index is 0.
    const model = remap(m, dims(kept), (idx) => range(nd).map((i) => idx[kept.indexOf(i)] ?? 0));
    const run = () => (arg === undefined ? a.squeeze() : a.squeeze(arg));
    return { desc: `squeeze(${JSON.stringify(arg) ?? ''})`, run, model };
  }
  const a1 = int(g, -nd, nd - 1);
  const n1 = wrap(a1, nd);
  const rest = range(nd).filter((i) => i !== n1);
  const n2 = pick(g, rest);
  const a2 = bool(g) ? n2 - nd : n2;
  const k = int(g, -4, 4);
  const pairs = range(shape[n1]).flatMap((i) => (i + k >= 0 && i + k < shape[n2] ? [[i, i + k]] : []));
  const others = range(nd).filter((i) => i !== n1 && i !== n2);
  const model = remap(m, [...dims(others), pairs.length], (idx) => {
    const [i1, i2] = pairs[idx[idx.length - 1]];
    return range(nd).map((ax) => (ax === n1 ? i1 : ax === n2 ? i2 : idx[others.indexOf(ax)]));
  });
  return { desc: `diagonal(${k}, ${a1}, ${a2})`, run: () => a.diagonal(k, a1, a2), model };
}

type Step = Op & { before: NDArray; after: NDArray; trace: string };

/** A random array of distinct values and a chain of 0..6 random views of it, each with its model. */
function randomChain(g: G) {
  // Dims run 0..4, but 0 is drawn less often: one empty axis makes the whole chain trivial.
  const shape = range(int(g, 0, 4)).map(() => (int(g, 0, 7) === 0 ? 0 : int(g, 1, 4)));
  const dtype = pick(g, ['float32', 'float64', 'int32'] as const);
  const base = arange(size(shape), undefined, 1, { dtype }).reshape(shape);
  let view = base;
  let model = tabulate(shape, (idx) => ravel(idx, shape));
  let trace = `arange(${size(shape)}, undefined, 1, { dtype: '${dtype}' }).reshape([${shape}])`;
  const steps: Step[] = [];
  for (let n = int(g, 0, 6); n > 0; n--) {
    const op = randomOp(g, view, model);
    trace += `.${op.desc}`;
    let after: NDArray;
    try {
      after = op.run();
    } catch (e) {
      throw new Error(`${trace} threw ${String(e)}`);
    }
    steps.push({ ...op, before: view, after, trace });
    view = after;
    model = op.model;
  }
  return { base, view, model, steps, trace };
}

describe('random view chains against a nested-array model', () => {
  it('every view has the shape and elements of the model', () => {
    forAll((g) => {
      for (const s of randomChain(g).steps) {
        expect(s.after.shape, s.trace).toEqual(s.model.shape);
        expect(s.after.toArray(), s.trace).toEqual(s.model.data);
      }
    });
  });

  it('views share the buffer; reshape copies only when no strides can express it', () => {
    forAll((g) => {
      for (const s of randomChain(g).steps) {
        const shared = s.after.data === s.before.data;
        if (s.viewable === undefined) expect(shared, s.trace).toBe(true);
        else {
          if (s.before.isContiguous) expect(shared, s.trace).toBe(true);
          expect(shared, s.trace).toBe(s.viewable);
          if (!shared) expect(s.after.isContiguous, s.trace).toBe(true);
        }
      }
    });
  });

  it('contiguous() keeps the element order and returns the array itself when it is already dense', () => {
    forAll((g) => {
      const { base, steps } = randomChain(g);
      for (const [v, trace] of [[base, 'base'] as const, ...steps.map((s) => [s.after, s.trace] as const)]) {
        // Dense means row-major in data[offset .. offset + size); an empty array is vacuously dense.
        const dense = addresses(v).every((x, i) => x === v.offset + i);
        expect(v.isContiguous, trace).toBe(dense);
        const c = v.contiguous();
        expect(c.toArray(), trace).toEqual(v.toArray());
        expect(c.isContiguous, trace).toBe(true);
        expect(c === v, trace).toBe(dense);
      }
    });
  });

  it('reshape to any shape of the same size and back gives the same elements', () => {
    forAll((g) => {
      const { view, trace } = randomChain(g);
      const s = factorShape(g, view.size);
      const back = view.reshape(s).reshape(view.shape);
      expect(back.shape, trace).toEqual(view.shape);
      expect(back.toArray(), `${trace}.reshape([${s}]).reshape([${view.shape}])`).toEqual(view.toArray());
    });
  });
});

describe('element loops over strided views', () => {
  it('map, zip, reduce and forEachRun agree with the contiguous copy and the model', () => {
    forAll((g) => {
      const { view: v, model, trace } = randomChain(g);
      const dense = v.contiguous();
      const nd = v.ndim;
      const flat = flatten(model);

      const f = (x: number) => 3 * x + 1;
      const mapped = map(v, f, 'float64').toArray();
      expect(mapped, trace).toEqual(map(dense, f, 'float64').toArray());
      expect(mapped, trace).toEqual(tabulate(model.shape, (idx) => f(at(model, idx))).data);
      const odd = (x: number) => x % 2;
      expect(map(v, odd, 'bool').toArray(), trace).toEqual(map(dense, odd, 'bool').toArray());

      // The second operand broadcasts against a suffix of the view's axes, and is itself strided if flipped.
      const keep = int(g, 0, nd);
      const lead = keep === nd && bool(g) ? [int(g, 1, 2)] : [];
      const bShape = [...lead, ...v.shape.slice(nd - keep).map((d) => (bool(g) ? 1 : d))];
      const flipB = bool(g);
      const b0 = arange(size(bShape), undefined, 1, { dtype: 'float64' }).reshape(bShape);
      const b = flipB ? b0.flip() : b0;
      // Flipping every axis reverses the row-major order.
      const bValues = flipB ? range(size(bShape)).reverse() : range(size(bShape));
      const bModel = tabulate(bShape, (idx) => bValues[ravel(idx, bShape)]);
      const h = (x: number, y: number) => 1000 * x + y;
      const zipped = zip(v, b, h, 'float64');
      const out = broadcastShapes(v.shape, bShape);
      const [xm, ym] = [broadcastModel(model, out), broadcastModel(bModel, out)];
      expect(zipped.toArray(), trace).toEqual(zip(dense, b.contiguous(), h, 'float64').toArray());
      expect(zipped.toArray(), trace).toEqual(tabulate(out, (idx) => h(at(xm, idx), at(ym, idx))).data);
      expect(zip(b, v, (y, x) => h(x, y), 'float64').toArray(), trace).toEqual(zipped.toArray());

      const sub: number[] = g(fc.shuffledSubarray, range(nd));
      const one = nd > 0 ? int(g, 0, nd - 1) : 0;
      // 0: omitted, 1: null (both every axis), 2: one axis, 3: an unsorted subset.
      const form = nd > 0 ? int(g, 0, 3) : pick(g, [0, 1, 3]);
      const forms = [undefined, null, bool(g) ? one - nd : one, sub.map((ax) => (bool(g) ? ax - nd : ax))];
      const axis = forms[form];
      const reduced = form < 2 ? range(nd) : form === 2 ? [one] : sub;
      const opts = { axis, keepdims: bool(g), dtype: 'float64' as const };
      const sumOf = (x: NDArray) => reduce(x, (s, y) => s + y, 0, opts);
      const maxOf = (x: NDArray) => reduce(x, Math.max, -Infinity, opts).toArray();
      const sum = sumOf(v);
      const ctx = `${trace} reduce ${JSON.stringify(opts)}`;
      expect(sum.toArray(), ctx).toEqual(sumOf(dense).toArray());
      expect(maxOf(v), ctx).toEqual(maxOf(dense));
      const ones = v.shape.map((d, i) => (reduced.includes(i) ? 1 : d));
      const project = (idx: number[]) => idx.map((i, k) => (reduced.includes(k) ? 0 : i));
      const sums = new Array<number>(size(ones)).fill(0);
      for (const idx of indices(model.shape)) sums[ravel(project(idx), ones)] += at(model, idx);
      expect(sum.shape, ctx).toEqual(opts.keepdims ? ones : v.shape.filter((_, i) => !reduced.includes(i)));
      expect(Array.from(sum.data), ctx).toEqual(sums);

      // With one operand nothing constrains coalescing, yet the visit order must stay row-major.
      const seen: number[] = [];
      forEachRun(v.shape, [v], (n, [o], [s]) => {
        for (let i = 0; i < n; i++) seen.push(v.data[o + i * s]);
      });
      expect(seen, trace).toEqual(flat);
      const hits = new Array<number>(v.size).fill(0);
      const vals = new Array<number>(v.size).fill(Number.NaN);
      forEachRun(v.shape, [v, { strides: rowMajor(v.shape), offset: 0 }], (n, [o, p], [s, t]) => {
        for (let i = 0; i < n; i++) {
          hits[p + i * t]++;
          vals[p + i * t] = v.data[o + i * s];
        }
      });
      expect(hits, trace).toEqual(new Array(v.size).fill(1));
      expect(vals, trace).toEqual(flat);
    });
  });
});

describe('asStrided', () => {
  it('returns only views inside the buffer, else throws ShapeError or ArgumentError', () => {
    forAll((g) => {
      const len = int(g, 0, 16);
      const buf = arange(len, undefined, 1, { dtype: 'float64' });
      // The bound is the buffer, not the view asStrided is called on.
      const from = bool(g) ? buf : buf.flip();
      const odd = () => int(g, 0, 19) === 0;
      const shape = range(int(g, 0, 3)).map(() => (odd() ? pick(g, [-1, 1.5]) : int(g, 0, 4)));
      const nStrides = Math.max(0, shape.length + (odd() ? pick(g, [-1, 1]) : 0));
      const strides = range(nStrides).map(() => (odd() ? 0.5 : int(g, -5, 5)));
      const offset = odd() ? pick(g, [-1, 2.5]) : int(g, 0, len + 2);

      const shapeOk = shape.every((d) => Number.isInteger(d) && d >= 0);
      const layoutOk = shapeOk && strides.length === shape.length && strides.every(Number.isInteger);
      const reads = layoutOk ? addrs(shape, strides, offset) : [];
      const offsetOk = Number.isInteger(offset) && offset >= 0;
      // An empty view reads nothing; the package still requires its offset to be at most the length.
      const inside = offsetOk && (reads.length ? reads.every((x) => x >= 0 && x < len) : offset <= len);
      const r = attempt(() => from.asStrided(shape, strides, offset));
      const ctx = `len ${len}, asStrided([${shape}], [${strides}], ${offset})`;
      if (!layoutOk) expect(r, ctx).toBe('ShapeError');
      else if (!inside) expect(r, ctx).toBe('ArgumentError');
      else {
        if (typeof r === 'string') throw new Error(`${ctx} threw ${r}`);
        expect(r.data === buf.data, ctx).toBe(true);
        const inBuffer = addresses(r).every((x) => x >= 0 && x < len);
        expect(inBuffer, ctx).toBe(true);
        // buf holds its own indices, so the elements read are the addresses.
        expect(r.toArray(), ctx).toEqual(tabulate(shape, (idx) => offset + dot(idx, strides)).data);
      }
    });
  });
});

describe('broadcastShapes', () => {
  /** NumPy's rule, axis by axis from the right: the sizes other than 1 must agree. */
  const numpyBroadcast = (shapes: number[][]): number[] | null => {
    const nd = Math.max(0, ...shapes.map((s) => s.length));
    const out: number[] = [];
    for (let j = 0; j < nd; j++) {
      const sizes = new Set(shapes.map((s) => s[s.length - nd + j] ?? 1).filter((d) => d !== 1));
      if (sizes.size > 1) return null;
      out.push(sizes.size === 1 ? [...sizes][0] : 1);
    }
    return out;
  };

  it('is order-independent and follows the NumPy rule, throwing ShapeError on a mismatch', () => {
    forAll((g) => {
      // Shapes derived from one common shape are mostly compatible; mutations and free shapes make some not.
      const common = range(int(g, 0, 5)).map(() => int(g, 0, 3));
      const shapes = range(int(g, 0, 4)).map(() => {
        if (int(g, 0, 3) === 0) return range(int(g, 0, 4)).map(() => int(g, 0, 3));
        const s = common.slice(common.length - int(g, 0, common.length)).map((d) => (int(g, 0, 2) ? d : 1));
        if (s.length > 0 && bool(g)) s[int(g, 0, s.length - 1)] = int(g, 0, 3);
        return s;
      });
      const expected = numpyBroadcast(shapes) ?? 'ShapeError';
      const rotations = range(shapes.length).map((r) => [...shapes.slice(r), ...shapes.slice(0, r)]);
      for (const order of [shapes, [...shapes].reverse(), ...rotations]) {
        const got = attempt(() => broadcastShapes(...order));
        expect(got, JSON.stringify(order)).toEqual(expected);
      }
    });
  });
});
