import { ArgumentError, array, type NDArray, ShapeError, zeros } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Trace, Tracer } from '../core/tracer.js';
import { bits, foldIn, key, split } from './keys.js';
import { threefry2x32 } from './threefry.js';

const words = (k: NDArray) => Array.from(k.contiguous().data, (x) => x >>> 0);

describe('key', () => {
  it('is an int32 [2] array [0, seed] for 32-bit seeds, as jax.random.PRNGKey', () => {
    const k = key(42);
    expect(k.dtype).toBe('int32');
    expect(k.shape).toEqual([2]);
    expect(words(k)).toEqual([0, 42]);
    expect(words(key(0))).toEqual([0, 0]);
    expect(words(key(-1))).toEqual([0, 0xffffffff]);
    expect(words(key(2 ** 32 - 1))).toEqual([0, 0xffffffff]);
  });

  it('splits larger seeds into high and low words, as JAX 64-bit seeds', () => {
    expect(words(key(2 ** 32 + 5))).toEqual([1, 5]);
    expect(words(key(Number.MAX_SAFE_INTEGER))).toEqual([2 ** 21 - 1, 0xffffffff]);
  });

  it('rejects seeds that are not integers in range', () => {
    expect(() => key(1.5)).toThrow(
      new ArgumentError('key: seed must be an integer in [-2^31, 2^53), got 1.5'),
    );
    expect(() => key(-(2 ** 31) - 1)).toThrow(ArgumentError);
    expect(() => key(2 ** 53)).toThrow(ArgumentError);
    expect(() => key(Number.NaN)).toThrow(ArgumentError);
  });
});

describe('split', () => {
  it('reproduces jax.random.split on PRNGKey(0)', () => {
    const [k1, k2] = split(key(0));
    expect(words(k1)).toEqual([4146024105, 967050713]);
    expect(words(k2)).toEqual([2718843009, 1272950319]);
    const [k3, k4] = split(k1);
    expect(words(k3)).toEqual([2384771982, 3928867769]);
    expect(words(k4)).toEqual([1278412471, 2182328957]);
  });

  it('gives num distinct keys, none equal to the parent', () => {
    const parent = key(7);
    const keys = split(parent, 1000);
    expect(keys.length).toBe(1000);
    const seen = new Set(keys.map((k) => words(k).join(',')));
    seen.add(words(parent).join(','));
    expect(seen.size).toBe(1001);
    expect(split(parent, 1).length).toBe(1);
    expect(split(parent, 0)).toEqual([]);
  });

  it('is deterministic and does not depend on the order in which keys are used', () => {
    const [a, b] = split(key(3));
    const first = [bits(a, [4]).toArray(), bits(b, [4]).toArray()];
    const [c, d] = split(key(3));
    const second = [bits(d, [4]).toArray(), bits(c, [4]).toArray()];
    expect(second.reverse()).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
  });

  it('rejects a bad num', () => {
    expect(() => split(key(0), -1)).toThrow(
      new ArgumentError('split: num must be a non-negative integer below 2^31, got -1'),
    );
    expect(() => split(key(0), 2.5)).toThrow(ArgumentError);
  });
});

describe('foldIn', () => {
  it('is threefry of the counter [0, data] (jax.random.fold_in)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (seed, d) => {
          const k = key(seed);
          expect(words(foldIn(k, d))).toEqual(threefry2x32([0, seed], [0, d]));
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });

  it('wraps negative data to uint32 and gives distinct keys for distinct data', () => {
    expect(words(foldIn(key(1), -1))).toEqual(words(foldIn(key(1), 2 ** 32 - 1)));
    const seen = new Set(Array.from({ length: 100 }, (_, i) => words(foldIn(key(1), i)).join(',')));
    expect(seen.size).toBe(100);
    expect(() => foldIn(key(1), 0.5)).toThrow(
      new ArgumentError('foldIn: data must be an integer in [-2^31, 2^32), got 0.5'),
    );
  });
});

describe('bits', () => {
  it('returns int32 words of the requested shape (JAX random.bits)', () => {
    const b = bits(key(0), [2, 3]);
    expect(b.dtype).toBe('int32');
    expect(b.shape).toEqual([2, 3]);
    expect(bits(key(0), []).shape).toEqual([]);
    expect(bits(key(0), 4).shape).toEqual([4]);
    expect(bits(key(0), [0, 3]).size).toBe(0);
    expect(bits(key(0), [1]).data[0] >>> 0).toBe(0x6b200159);
  });

  it('is deterministic and differs between keys', () => {
    expect(bits(key(5), [10]).toArray()).toEqual(bits(key(5), [10]).toArray());
    expect(bits(key(5), [10]).toArray()).not.toEqual(bits(key(6), [10]).toArray());
  });

  it('rejects bad shapes', () => {
    expect(() => bits(key(0), [2, -1])).toThrow(ShapeError);
    expect(() => bits(key(0), [1.5])).toThrow(
      new ShapeError('bits: shape must hold non-negative integers, got [1.5]'),
    );
  });
});

describe('key validation', () => {
  it('names the function, the expectation and what came in', () => {
    expect(() => bits(zeros([3]), [1])).toThrow(
      new ArgumentError('bits: key must be an int32 array of shape [2], got float32 [3]'),
    );
    expect(() => split(array([[1, 2]]))).toThrow(
      new ArgumentError('split: key must be an int32 array of shape [2], got int32 [1,2]'),
    );
    expect(() => foldIn(0 as unknown as NDArray, 1)).toThrow(
      new ArgumentError('foldIn: key must be an int32 array of shape [2], got number'),
    );
  });

  it('reads strided and flipped keys like their contiguous copies', () => {
    const table = array([
      [11, 99],
      [22, 99],
    ]);
    const column = table.slice(null, 0); // shape [2], stride 2
    expect(column.strides).toEqual([2]);
    expect(bits(column, [5]).toArray()).toEqual(bits(column.copy(), [5]).toArray());
    const flipped = key(9).flip();
    expect(bits(flipped, [5]).toArray()).toEqual(bits(flipped.copy(), [5]).toArray());
  });

  it('reads a traced key through its concrete value', () => {
    const k = key(4);
    const traced = new Tracer(new Trace(0), k, null);
    expect(bits(traced, [3]).toArray()).toEqual(bits(k, [3]).toArray());
  });
});
