import { ArgumentError } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosineAnnealing, exponentialDecay, linearWarmup, stepLr } from './schedules.js';

describe('schedules', () => {
  it('stepLr: lr·γ^⌊step/stepSize⌋ (PyTorch StepLR)', () => {
    const s = stepLr({ lr: 0.1, stepSize: 3 });
    const want = [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.0001];
    [0, 1, 2, 3, 5, 6, 9].forEach((step, i) => {
      expect(s(step)).toBeCloseTo(want[i], 17);
    });
    expect(stepLr({ lr: 1, stepSize: 2, gamma: 0.5 })(5)).toBe(0.25);
  });

  it('exponentialDecay: lr·γ^step (PyTorch ExponentialLR)', () => {
    const s = exponentialDecay({ lr: 2, gamma: 0.5 });
    expect([0, 1, 2, 3].map(s)).toEqual([2, 1, 0.5, 0.25]);
  });

  it('cosineAnnealing: PyTorch CosineAnnealingLR closed form', () => {
    const s = cosineAnnealing({ lr: 1, tMax: 10, etaMin: 0.1 });
    expect(s(0)).toBe(1);
    expect(s(5)).toBeCloseTo(0.55, 15);
    expect(s(10)).toBeCloseTo(0.1, 15);
    expect(s(15)).toBeCloseTo(0.55, 15); // the cosine goes on past tMax, as PyTorch's
    expect(s(20)).toBeCloseTo(1, 15);
    expect(cosineAnnealing({ lr: 0.1, tMax: 4 })(1)).toBeCloseTo((0.1 * (1 + Math.cos(Math.PI / 4))) / 2, 15);
  });

  it('matches the recursive form PyTorch computes step by step', () => {
    // torch.optim.lr_scheduler.CosineAnnealingLR.get_lr (non-closed form) for last_epoch = 1..tMax.
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 0.009, noNaN: true }),
        (lr, tMax, etaMin) => {
          const s = cosineAnnealing({ lr, tMax, etaMin });
          let prev = lr;
          for (let t = 1; t <= tMax; t++) {
            const next =
              ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) *
                (prev - etaMin) +
              etaMin;
            if (t < tMax) expect(s(t)).toBeCloseTo(next, 10);
            prev = next;
          }
          expect(s(tMax)).toBeCloseTo(etaMin, 12);
        },
      ),
      { seed: 11, numRuns: 50 },
    );
  });

  it('linearWarmup: linear from startLr, then `after` shifted by the warm-up', () => {
    const s = linearWarmup({ lr: 1, warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 100].map(s)).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
    const w = linearWarmup({
      lr: 0.1,
      warmupSteps: 2,
      startLr: 0.02,
      after: stepLr({ lr: 0.1, stepSize: 1, gamma: 0.5 }),
    });
    expect(w(0)).toBe(0.02);
    expect(w(1)).toBeCloseTo(0.06, 15);
    expect([2, 3, 4].map(w)).toEqual([0.1, 0.05, 0.025]);
    expect(linearWarmup({ lr: 3, warmupSteps: 0 })(0)).toBe(3);
  });

  it('validates options and steps', () => {
    expect(() => stepLr({ lr: 0.1, stepSize: 0 })).toThrow('stepLr: stepSize must be an integer >= 1, got 0');
    expect(() => stepLr({ lr: -1, stepSize: 1 })).toThrow(ArgumentError);
    expect(() => cosineAnnealing({ lr: 1, tMax: 2.5 })).toThrow(/tMax must be an integer >= 1/);
    expect(() => exponentialDecay({ lr: 1, gamma: Number.NaN })).toThrow(ArgumentError);
    expect(() => linearWarmup({ lr: 1, warmupSteps: -1 })).toThrow(ArgumentError);
    expect(() => linearWarmup({ lr: 1, warmupSteps: 1, after: 3 as never })).toThrow(
      /after must be a schedule/,
    );
    expect(() => stepLr({ lr: 1, stepSize: 1 })(-1)).toThrow(
      'stepLr: step must be a finite number >= 0, got -1',
    );
    expect(() => cosineAnnealing({ lr: 1, tMax: 1 })(Number.NaN)).toThrow(ArgumentError);
  });
});
