/**
 * Keys: explicit, splittable PRNG state as in `jax.random`. A key is an int32 NDArray of shape [2] that
 * holds the bits of two uint32 words (we have no uint32 dtype: read a word with `>>> 0`). The same key
 * gives the same numbers on every platform, and `split`/`foldIn` derive new independent keys.
 *
 * Construction follows JAX's Threefry PRNG in its classic layout (`jax_threefry_partitionable=False`, the
 * default before JAX 0.5): `key`, `split`, `foldIn` and `bits` reproduce `jax.random.PRNGKey`, `split`,
 * `fold_in` and `bits` bit for bit.
 */
import { ArgumentError, checkShape, fmtShape, NDArray, shapeSize } from '@lucid-ts/ndarray';
import { concreteOf } from '../core/tracer.js';
import { iotaBits, threefry2x32 } from './threefry.js';

/** A PRNG key: int32 NDArray of shape [2] holding two uint32 words. */
export type Key = NDArray;

/** A shape argument: an array of sizes, or one size for a 1-d result. */
export type ShapeLike = number | readonly number[];

const TWO32 = 4294967296;

function makeKey(w0: number, w1: number): Key {
  return new NDArray(Int32Array.of(w0 | 0, w1 | 0), [2]);
}

function describe(x: unknown): string {
  if (x instanceof NDArray) return `${x.dtype} ${fmtShape(x.shape)}`;
  return x === null ? 'null' : Array.isArray(x) ? 'a JS array' : typeof x;
}

/**
 * The two words of a key as unsigned numbers, after checking it (`fn` names the caller in the error).
 * A key passed through a transform is read through its concrete value.
 */
export function keyWords(fn: string, key: unknown): [number, number] {
  if (!(key instanceof NDArray) || key.dtype !== 'int32' || key.ndim !== 1 || key.shape[0] !== 2) {
    throw new ArgumentError(`${fn}: key must be an int32 array of shape [2], got ${describe(key)}`);
  }
  const k = concreteOf(key);
  return [k.data[k.offset] >>> 0, k.data[k.offset + k.strides[0]] >>> 0];
}

/** Validates a shape argument; a single number means a 1-d shape. */
export function shapeArg(fn: string, shape: ShapeLike): number[] {
  return checkShape(fn, typeof shape === 'number' ? [shape] : shape);
}

/**
 * A PRNG key from an integer seed: `[0, seed]` for seeds in [-2^31, 2^32) (negative seeds wrap to their
 * uint32 bits, as JAX's int32 seeds do); larger seeds up to 2^53 - 1 give `[high word, low word]`, as JAX's
 * 64-bit seeds do. JAX `jax.random.PRNGKey(seed)` / `jax.random.key_data(jax.random.key(seed))`.
 * @example const k = random.key(0); // int32 [0, 0]
 */
export function key(seed: number): Key {
  if (
    typeof seed !== 'number' ||
    !Number.isInteger(seed) ||
    seed < -(2 ** 31) ||
    seed > Number.MAX_SAFE_INTEGER
  ) {
    throw new ArgumentError(`key: seed must be an integer in [-2^31, 2^53), got ${String(seed)}`);
  }
  if (seed < 0) return makeKey(0, seed);
  return makeKey(Math.floor(seed / TWO32), seed % TWO32);
}

/**
 * `num` new keys derived from `key` (JAX `jax.random.split`): Threefry over the counters 0..2num-1, laid
 * out as JAX does. Use each key once; split again for more.
 * @example const [k1, k2] = random.split(random.key(0)); // [4146024105, 967050713], [2718843009, 1272950319]
 */
export function split(key: Key, num = 2): Key[] {
  const [k0, k1] = keyWords('split', key);
  if (!Number.isInteger(num) || num < 0 || 2 * num > TWO32 - 1) {
    throw new ArgumentError(`split: num must be a non-negative integer below 2^31, got ${num}`);
  }
  const words = iotaBits(k0, k1, 2 * num);
  const keys: Key[] = [];
  for (let i = 0; i < num; i++) keys.push(makeKey(words[2 * i], words[2 * i + 1]));
  return keys;
}

/**
 * A new key from `key` and an integer `data` (JAX `jax.random.fold_in`): Threefry of the counter pair
 * `[0, data]`, with `data` taken as a uint32 (negative values wrap). Handy to derive per-step or per-layer
 * keys: `foldIn(key, step)`.
 * @example const k = random.foldIn(random.key(0), 7);
 */
export function foldIn(key: Key, data: number): Key {
  const [k0, k1] = keyWords('foldIn', key);
  if (typeof data !== 'number' || !Number.isInteger(data) || data < -(2 ** 31) || data >= TWO32) {
    throw new ArgumentError(`foldIn: data must be an integer in [-2^31, 2^32), got ${String(data)}`);
  }
  const [w0, w1] = threefry2x32([k0, k1], [0, data >>> 0]);
  return makeKey(w0, w1);
}

/**
 * Uniform random 32-bit words of `shape` (JAX `jax.random.bits(key, shape, dtype=uint32)`), as int32
 * holding the uint32 bits: read one with `>>> 0`.
 * @example random.bits(random.key(0), [3]).dtype // 'int32'
 */
export function bits(key: Key, shape: ShapeLike = []): NDArray {
  const [k0, k1] = keyWords('bits', key);
  const s = shapeArg('bits', shape);
  return new NDArray(iotaBits(k0, k1, shapeSize(s)), s);
}
