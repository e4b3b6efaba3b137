import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iotaBits, iotaBits64, threefry2x32, threefry2x32Into } from './threefry.js';

describe('threefry2x32 (20 rounds)', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(threefry2x32([0, 0], [0, 0])).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([
      0x1cb996fc, 0xbb002be7,
    ]);
    expect(threefry2x32([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3])).toEqual([
      0xc4923a9c, 0x483df7a0,
    ]);
  });

  it('treats negative int32 inputs as their uint32 bits', () => {
    expect(threefry2x32([-1, -1], [-1, -1])).toEqual([0x1cb996fc, 0xbb002be7]);
  });

  it('vectorised form equals the scalar form, also in place', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer(), fc.integer()), { maxLength: 20 }),
        fc.integer(),
        fc.integer(),
        (cs, k0, k1) => {
          const c0 = Int32Array.from(cs, (c) => c[0]);
          const c1 = Int32Array.from(cs, (c) => c[1]);
          const y0 = new Int32Array(cs.length);
          const y1 = new Int32Array(cs.length);
          threefry2x32Into(k0, k1, c0, c1, y0, y1, cs.length);
          cs.forEach((c, i) => {
            expect([y0[i] >>> 0, y1[i] >>> 0]).toEqual(threefry2x32([k0, k1], c));
          });
          threefry2x32Into(k0, k1, c0, c1, c0, c1, cs.length);
          expect(c0).toEqual(y0);
          expect(c1).toEqual(y1);
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });
});

describe("JAX's counter layouts", () => {
  const block = (k: [number, number], a: number, b: number) => threefry2x32(k, [a, b]);

  it('iotaBits(n) for even n hashes (j, n/2 + j) and lays out first words then second words', () => {
    const k: [number, number] = [7, 9];
    const out = Array.from(iotaBits(7, 9, 6), (x) => x >>> 0);
    const blocks = [0, 1, 2].map((j) => block(k, j, 3 + j));
    expect(out).toEqual([...blocks.map((b) => b[0]), ...blocks.map((b) => b[1])]);
  });

  it('iotaBits(n) for odd n pads the counters with one 0 and drops the last word', () => {
    const k: [number, number] = [7, 9];
    const out = Array.from(iotaBits(7, 9, 5), (x) => x >>> 0);
    const blocks = [block(k, 0, 3), block(k, 1, 4), block(k, 2, 0)];
    expect(out).toEqual([...blocks.map((b) => b[0]), blocks[0][1], blocks[1][1]]);
    expect(Array.from(iotaBits(0, 0, 1), (x) => x >>> 0)).toEqual([0x6b200159]);
    expect(iotaBits(0, 0, 0).length).toBe(0);
  });

  it('iotaBits64(n) equals iotaBits(2n) cut into high and low halves', () => {
    for (const n of [0, 1, 4, 7]) {
      const { hi, lo } = iotaBits64(3, 5, n);
      const flat = iotaBits(3, 5, 2 * n);
      expect(hi).toEqual(flat.slice(0, n));
      expect(lo).toEqual(flat.slice(n));
    }
  });
});
