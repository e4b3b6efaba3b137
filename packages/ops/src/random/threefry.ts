/**
 * Threefry-2x32 with 20 rounds (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3",
 * SC11; the Random123 reference), the counter-based hash behind JAX's default PRNG, and the ways JAX feeds
 * it counters. Words are uint32 bit patterns kept in int32 (`| 0` wraps additions mod 2^32 exactly like
 * `(a + b) >>> 0`, and keeps V8 on small integers), so every platform computes the same bits.
 */

/** The key-schedule parity constant of Threefry (Skein's C240). */
const PARITY = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * Hashes counter pairs `(c0[i], c1[i])` under key `(k0, k1)` into `(y0[i], y1[i])` for `i < n`:
 * 5 x 4 rounds with rotations [13,15,26,6] / [17,29,16,24], a key injection after every 4.
 * `c0`/`c1` may alias `y0`/`y1`.
 */
export function threefry2x32Into(
  k0: number,
  k1: number,
  c0: Int32Array,
  c1: Int32Array,
  y0: Int32Array,
  y1: Int32Array,
  n: number,
): void {
  k0 |= 0;
  k1 |= 0;
  const k2 = k0 ^ k1 ^ PARITY;
  for (let i = 0; i < n; i++) {
    let x0 = (c0[i] + k0) | 0;
    let x1 = (c1[i] + k1) | 0;
    // rounds 1-4
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 13) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 15) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 26) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 6) ^ x0;
    x0 = (x0 + k1) | 0;
    x1 = (x1 + k2 + 1) | 0;
    // rounds 5-8
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 17) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 29) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 16) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 24) ^ x0;
    x0 = (x0 + k2) | 0;
    x1 = (x1 + k0 + 2) | 0;
    // rounds 9-12
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 13) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 15) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 26) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 6) ^ x0;
    x0 = (x0 + k0) | 0;
    x1 = (x1 + k1 + 3) | 0;
    // rounds 13-16
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 17) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 29) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 16) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 24) ^ x0;
    x0 = (x0 + k1) | 0;
    x1 = (x1 + k2 + 4) | 0;
    // rounds 17-20
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 13) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 15) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 26) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 6) ^ x0;
    y0[i] = (x0 + k2) | 0;
    y1[i] = (x1 + k0 + 5) | 0;
  }
}

/**
 * One Threefry-2x32-20 block: `[y0, y1]` as unsigned 32-bit numbers (Random123 `threefry2x32_20`).
 * @example threefry2x32([0, 0], [0, 0]) // [0x6b200159, 0x99ba4efe]
 */
export function threefry2x32(
  key: readonly [number, number],
  counter: readonly [number, number],
): [number, number] {
  const c0 = Int32Array.of(counter[0]);
  const c1 = Int32Array.of(counter[1]);
  threefry2x32Into(key[0], key[1], c0, c1, c0, c1, 1);
  return [c0[0] >>> 0, c1[0] >>> 0];
}

/**
 * JAX's `threefry_2x32(key, iota(n))`: the counters 0..n-1 (padded with one 0 when n is odd) are cut into
 * halves, block j hashes the pair (j, h + j) with h = ceil(n / 2), and the outputs are laid back as
 * [all first words, all second words], without the pad. Returns n words (uint32 bits in int32).
 */
export function iotaBits(k0: number, k1: number, n: number): Int32Array {
  const h = Math.ceil(n / 2);
  const y0 = new Int32Array(h);
  const y1 = new Int32Array(h);
  for (let j = 0; j < h; j++) {
    y0[j] = j;
    y1[j] = h + j < n ? h + j : 0;
  }
  threefry2x32Into(k0, k1, y0, y1, y0, y1, h);
  const out = new Int32Array(n);
  out.set(y0);
  out.set(n % 2 === 0 ? y1 : y1.subarray(0, h - 1), h);
  return out;
}

/**
 * JAX's 64-bit `random_bits` for n values: `iotaBits(2n)` split into high words (first half) and low
 * words (second half), i.e. value j hashes the counter pair (j, n + j) and takes both output words.
 */
export function iotaBits64(k0: number, k1: number, n: number): { hi: Int32Array; lo: Int32Array } {
  const hi = new Int32Array(n);
  const lo = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    hi[j] = j;
    lo[j] = n + j;
  }
  threefry2x32Into(k0, k1, hi, lo, hi, lo, n);
  return { hi, lo };
}
