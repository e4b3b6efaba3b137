/**
 * `random`: explicit, splittable random numbers in the manner of `jax.random`. Every function takes a key
 * and returns concrete arrays; the same key always gives the same numbers, on every platform, and
 * (in JAX's classic Threefry layout) the same numbers as JAX. Split a key instead of reusing it:
 *
 * ```ts
 * import { random } from '@lucid-ts/ops';
 * let key = random.key(0);
 * const [k1, k2] = random.split(key);
 * const w = random.normal(k1, [3, 4]);
 * const mask = random.bernoulli(k2, 0.9, [3, 4]);
 * ```
 */

export type { FloatDType, FloatOptions, UniformOptions } from './continuous.js';
export { normal, truncatedNormal, uniform } from './continuous.js';
export { bernoulli, randint } from './discrete.js';
export type { Key, ShapeLike } from './keys.js';
export { bits, foldIn, key, split } from './keys.js';
export type { ChoiceOptions } from './permutation.js';
export { choice, permutation } from './permutation.js';
export { threefry2x32 } from './threefry.js';
