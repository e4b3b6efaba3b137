import { describe, expect, it } from 'vitest';
import { runSignals1d, SIGNALS1D_DEFAULTS, signals1dLayers } from './signals1d.js';

describe('signals1d example (smoke)', () => {
  it('runs the real training code on a tiny budget: the loss falls and the last line is the accuracy', () => {
    const writes: string[] = [];
    const result = runSignals1d(
      { nTrain: 128, nTest: 32, length: 64, epochs: 3, batchSize: 16 },
      { write: (t) => writes.push(t) },
    );
    const lines = writes.join('').trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^test accuracy: [01]\.\d{4}$/);
    expect(Number(lines.at(-1)!.split(': ')[1])).toBe(Number(result.test.accuracy.toFixed(4)));
    expect(lines.filter((l) => l.startsWith('epoch '))).toHaveLength(3);
    expect(result.history.at(-1)!.train.loss).toBeLessThan(result.history[0].train.loss);
  });

  it('keeps the measured defaults and a model that uses the 1-D layers', () => {
    expect(SIGNALS1D_DEFAULTS).toMatchObject({ length: 128, seed: 0 });
    const names = signals1dLayers().map((l) => l.name.split('(')[0]);
    expect(names).toEqual(expect.arrayContaining(['conv1d', 'maxPool1d', 'avgPool1d', 'linear']));
  });
});
