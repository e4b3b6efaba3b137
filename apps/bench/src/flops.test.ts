import { describe, expect, it } from 'vitest';
import { normal } from './data.js';
import { matmulFlops, w1Flops, w2Flops, w5Flops } from './flops.js';

describe('flops', () => {
  it('counts W1, W2, W5, W8 as WORKLOADS.md', () => {
    expect(w1Flops(4, 8, 16, 16, 32, 32, 3)).toBe(2 * 4 * 16 * 16 * 32 * 32 * 8 * 27);
    expect(w2Flops(4, 8, 16, 16, 32, 32, 3)).toBe(3 * 2 * 4 * 16 * 16 * 32 * 32 * 8 * 27);
    expect(w5Flops(4, 32, 64, 32, 32, 3)).toBe(3 * 2 * 4 * 64 * 32 * 32 * 32 * 9);
    expect(matmulFlops(512, 512, 512)).toBe(2 * 512 ** 3);
  });
});

describe('data', () => {
  it('is deterministic and roughly standard normal', () => {
    const a = normal(7, [1000]);
    expect(normal(7, [1000])).toEqual(a);
    expect(normal(8, [1000])).not.toEqual(a);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.15);
  });
});
