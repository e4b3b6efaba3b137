import { describe, expect, it } from 'vitest';
import { fmtMs, measure, median, summarize } from './stats.js';

describe('benchmark statistics', () => {
  it('median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('summarize', () => {
    expect(summarize([2, 4, 9])).toEqual({ runs: 3, median: 4, min: 2, max: 9, mean: 5 });
  });

  it('measure honours warm-ups, the minimum count and the minimum time', () => {
    let clock = 0;
    let calls = 0;
    const fn = () => {
      calls++;
      clock += 10;
    };
    const samples = measure(fn, { warmup: 2, minRuns: 3, minTimeMs: 55, now: () => clock });
    expect(samples).toEqual([10, 10, 10, 10, 10, 10]);
    expect(calls).toBe(8);
    expect(measure(fn, { warmup: 0, minRuns: 1, minTimeMs: 1e9, maxRuns: 4, now: () => clock })).toHaveLength(
      4,
    );
  });

  it('formats durations', () => {
    expect(fmtMs(0.5)).toBe('500 µs');
    expect(fmtMs(1.234)).toBe('1.23 ms');
    expect(fmtMs(12.34)).toBe('12.3 ms');
    expect(fmtMs(250)).toBe('250 ms');
    expect(fmtMs(1520)).toBe('1.52 s');
  });
});
