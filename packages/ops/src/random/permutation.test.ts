import { ArgumentError, arange, array, type NDArray } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import { chiSquare, f64 } from '../../test/helpers.js';
import { mul } from '../ops/arith.js';
import { checkGrads } from '../transforms/check.js';
import { randint } from './discrete.js';
import { bits, foldIn, key, split } from './keys.js';
import { choice, permutation } from './permutation.js';

const sorted = (x: NDArray) => Array.from(x.data).sort((a, b) => a - b);
const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('permutation', () => {
  it('is a permutation of arange(n), as int32, for small, multi-round and radix-sorted sizes', () => {
    for (const n of [0, 1, 2, 10, 2000, 5000]) {
      const p = permutation(key(n), n);
      expect(p.dtype).toBe('int32');
      expect(p.shape).toEqual([n]);
      expect(sorted(p)).toEqual(iota(n));
    }
  });

  it("follows JAX's construction: a stable sort by random bits of the second split key", () => {
    const k = key(5);
    const sortKeys = Array.from(bits(split(k)[1], [50]).data, (x) => x >>> 0);
    const expected = iota(50).sort((a, b) => sortKeys[a] - sortKeys[b] || a - b);
    expect(Array.from(permutation(k, 50).data)).toEqual(expected);
  });

  it('is deterministic, and different keys give different permutations', () => {
    expect(permutation(key(1), 20).toArray()).toEqual(permutation(key(1), 20).toArray());
    expect(permutation(key(1), 20).toArray()).not.toEqual(permutation(key(2), 20).toArray());
  });

  it('draws every ordering of 3 items equally often (chi-square)', () => {
    const counts = new Map<string, number>();
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const s = Array.from(permutation(foldIn(key(0), i), 3).data).join('');
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    expect(chiSquare([...counts.values()], new Array(6).fill(n / 6))).toBeLessThan(30); // 5 dof
  });

  it('permutes the rows of an array like permutation(key, n), keeping its dtype', () => {
    const x = arange(12).reshape(4, 3);
    const perm = permutation(key(3), 4).toArray() as number[];
    const rows = x.toArray() as number[][];
    expect(permutation(key(3), x).toArray()).toEqual(perm.map((i) => rows[i]));
    expect(permutation(key(3), x).dtype).toBe('int32');
    const b = array([true, false, false]);
    expect(permutation(key(3), b).dtype).toBe('bool');
    expect(sorted(permutation(key(3), b))).toEqual([0, 0, 1]);
    expect(permutation(key(3), array(5)).toArray()).toEqual(permutation(key(3), 5).toArray());
  });

  it('gives the same result on views as on contiguous copies', () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    for (const v of [x.transpose(), x.flip(), x.slice(null, { step: 2 }), x.slice(0).broadcastTo([4, 3])]) {
      expect(permutation(key(4), v).toArray()).toEqual(permutation(key(4), v.copy()).toArray());
    }
  });

  it('is differentiable with respect to the array, to second order', () => {
    const x = f64([
      [0.3, -1.2],
      [2.0, 0.5],
      [-0.7, 1.1],
    ]);
    const w = f64([
      [1.5, -2],
      [0.5, 3],
      [-1, 0.25],
    ]);
    checkGrads((a: NDArray) => mul(mul(permutation(key(8), a), w), permutation(key(8), a)), [x], {
      order: 2,
    });
  });

  it('rejects what is neither a count nor an array with an axis', () => {
    expect(() => permutation(key(0), -1)).toThrow(
      new ArgumentError(
        'permutation: x must be a non-negative integer or an array with at least one axis, got -1',
      ),
    );
    expect(() => permutation(key(0), 2.5)).toThrow(ArgumentError);
    expect(() => permutation(key(0), array(2.5))).toThrow(
      new ArgumentError(
        'permutation: x must be a non-negative integer or an array with at least one axis, got float32 []',
      ),
    );
  });
});

describe('choice', () => {
  it('with replacement and no weights is randint(key, shape, 0, n), as JAX', () => {
    const c = choice(key(1), 10, [2, 4]);
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual(randint(key(1), [8], 0, 10).reshape(2, 4).toArray());
    expect(choice(key(1), 10).shape).toEqual([]);
  });

  it('without replacement gives distinct values: the first draws of permutation(key, n)', () => {
    const c = choice(key(2), 10, [5], { replace: false });
    expect(new Set(c.data).size).toBe(5);
    expect(c.toArray()).toEqual((permutation(key(2), 10).toArray() as number[]).slice(0, 5));
    expect(sorted(choice(key(2), 6, [6], { replace: false }))).toEqual(iota(6));
  });

  it('with weights draws each candidate in proportion to its weight (chi-square)', () => {
    const n = 40_000;
    for (const dtype of ['float32', 'float64'] as const) {
      const c = choice(key(3), 5, [n], { p: array([1, 2, 0, 3, 4], { dtype }) });
      const counts = [0, 0, 0, 0, 0];
      for (const v of c.data) counts[v]++;
      expect(counts[2]).toBe(0);
      const expected = [0.1, 0.2, 0, 0.3, 0.4].map((q) => q * n);
      expect(
        chiSquare(
          [0, 1, 3, 4].map((i) => counts[i]),
          [0, 1, 3, 4].map((i) => expected[i]),
        ),
      ).toBeLessThan(25);
    }
  });

  it('with weights and without replacement never repeats nor picks a zero weight; first picks follow p', () => {
    const p = [0.1, 0, 0.2, 0.3, 0.4];
    const first = [0, 0, 0, 0, 0];
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const c = choice(foldIn(key(4), i), 5, [3], { replace: false, p });
      expect(new Set(c.data).size).toBe(3);
      expect(Array.from(c.data)).not.toContain(1);
      first[c.data[0]]++;
    }
    const idx = [0, 2, 3, 4];
    expect(
      chiSquare(
        idx.map((i) => first[i]),
        idx.map((i) => p[i] * trials),
      ),
    ).toBeLessThan(25);
  });

  it('draws rows of an array (shape + row shape), differentiably, also with repeats', () => {
    const x = f64([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const c = choice(key(5), x, [2, 4]);
    expect(c.shape).toEqual([2, 4, 2]);
    const idx = choice(key(5), 3, [2, 4]).toArray() as number[][];
    const rows = x.toArray() as number[][];
    expect(c.toArray()).toEqual(idx.map((r) => r.map((i) => rows[i])));
    expect(choice(key(5), x.transpose(), [3]).toArray()).toEqual(
      choice(key(5), x.transpose().copy(), [3]).toArray(),
    );
    checkGrads((a: NDArray) => mul(choice(key(6), a, [7]), choice(key(6), a, [7])), [x], { order: 2 });
    expect(choice(key(5), x, [0]).shape).toEqual([0, 2]);
  });

  it('rejects bad weights and impossible draws with named errors', () => {
    expect(() => choice(key(0), 3, [2], { p: [0.5, 0.5] })).toThrow(
      new ArgumentError('choice: p must have shape [3] (one weight per candidate), got [2]'),
    );
    expect(() => choice(key(0), 2, [2], { p: [0.5, -0.5] })).toThrow(
      new ArgumentError('choice: p must hold finite non-negative weights, not all zero, got [0.5,-0.5]'),
    );
    expect(() => choice(key(0), 2, [2], { p: [0, 0] })).toThrow(ArgumentError);
    expect(() => choice(key(0), 3, [4], { replace: false })).toThrow(
      new ArgumentError(
        'choice: cannot draw 4 distinct values (shape [4]) from 3 candidates without replacement',
      ),
    );
    expect(() => choice(key(0), 3, [3], { replace: false, p: [1, 0, 1] })).toThrow(ArgumentError);
    expect(() => choice(key(0), 0, [1])).toThrow(
      new ArgumentError('choice: cannot draw from an empty population, got n=0'),
    );
    expect(choice(key(0), 0, [0]).size).toBe(0);
  });
});
