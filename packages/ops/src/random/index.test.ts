import { describe, expect, it } from 'vitest';
import { random } from '../index.js';

describe('the random namespace of @lucid-ts/ops', () => {
  it('exports the documented API', () => {
    const key = random.key(0);
    const [k1, k2] = random.split(key);
    expect(random.normal(k1, [3, 4]).shape).toEqual([3, 4]);
    expect(random.bernoulli(k2, 0.9, [3, 4]).dtype).toBe('bool');
    expect(random.uniform(key).item()).toBe(0.41845703125);
    expect(typeof random.foldIn).toBe('function');
    expect(typeof random.bits).toBe('function');
    expect(typeof random.truncatedNormal).toBe('function');
    expect(typeof random.randint).toBe('function');
    expect(typeof random.permutation).toBe('function');
    expect(typeof random.choice).toBe('function');
    expect(random.threefry2x32([0, 0], [0, 0])).toEqual([0x6b200159, 0x99ba4efe]);
  });
});
