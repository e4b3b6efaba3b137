import { describe, expect, it } from 'vitest';
import { runShapes3d, SHAPES3D_DEFAULTS, shapes3dLayers } from './shapes3d.js';

describe('shapes3d example (smoke)', () => {
  it('runs the real training code on a tiny budget: the loss falls and the last line is the accuracy', () => {
    const writes: string[] = [];
    const result = runShapes3d(
      { nTrain: 48, nTest: 16, size: 8, epochs: 3, batchSize: 8, lr: 0.02 },
      { write: (t) => writes.push(t) },
    );
    const lines = writes.join('').trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^test accuracy: [01]\.\d{4}$/);
    expect(Number(lines.at(-1)!.split(': ')[1])).toBe(Number(result.test.accuracy.toFixed(4)));
    expect(lines.filter((l) => l.startsWith('epoch '))).toHaveLength(3);
    expect(lines).toContain('total: 17740 params');
    expect(result.history.at(-1)!.train.loss).toBeLessThan(result.history[0].train.loss);
    expect(result.losses.every(Number.isFinite)).toBe(true);
  });

  it('keeps the measured defaults and a model that uses the 3-D layers', () => {
    expect(SHAPES3D_DEFAULTS).toMatchObject({ size: 16, seed: 0 });
    const names = shapes3dLayers().map((l) => l.name.split('(')[0]);
    expect(names).toEqual(expect.arrayContaining(['conv3d', 'maxPool3d', 'adaptiveAvgPool3d', 'linear']));
  });
});
