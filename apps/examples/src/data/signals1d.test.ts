import { random } from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedLabels } from './common.js';
import { signals1d, WAVE_CLASSES, wave, waveAt, waveFromUniforms } from './signals1d.js';

const FC = { seed: 20261122, numRuns: 300 };
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('wave', () => {
  it('has the textbook values', () => {
    expect(wave('sine', 0.25)).toBeCloseTo(1, 12);
    expect(wave('square', 0.25)).toBe(1);
    expect(wave('square', 0.75)).toBe(-1);
    expect(wave('sawtooth', 0)).toBe(-1);
    expect(wave('sawtooth', 0.5)).toBe(0);
    expect(wave('triangle', 0)).toBe(-1);
    expect(wave('triangle', 0.5)).toBe(1);
    expect(wave('triangle', 0.25)).toBe(0);
  });

  it('stays in [-1, 1] and has period 1', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WAVE_CLASSES), unit, fc.integer({ min: -3, max: 3 }), (kind, u, k) => {
        const v = wave(kind, u);
        expect(Math.abs(v)).toBeLessThanOrEqual(1);
        expect(wave(kind, u + k)).toBeCloseTo(v, 9);
      }),
      FC,
    );
  });
});

describe('signals1d', () => {
  it('has the stated shapes, dtypes and balanced labels', () => {
    const d = signals1d(random.key(1), { n: 30, length: 64 });
    expect(d.x.shape).toEqual([30, 1, 64]);
    expect(d.x.dtype).toBe('float32');
    expect(d.y.shape).toEqual([30]);
    expect(d.y.dtype).toBe('int32');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 30; i++) counts[d.y.get(i)]++;
    expect(counts.sort()).toEqual([7, 7, 8, 8]);
    expect(d.specs.map((s) => s.kind)).toEqual(Array.from(d.y.data, (l) => WAVE_CLASSES[l]));
  });

  it('is deterministic for a key and differs between keys', () => {
    const a = signals1d(random.key(5), { n: 8 });
    const b = signals1d(random.key(5), { n: 8 });
    const c = signals1d(random.key(6), { n: 8 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.y.data).toEqual(b.y.data);
    expect(a.x.data).not.toEqual(c.x.data);
  });

  it('is the noiseless waveform plus noise of the requested size', () => {
    const clean = signals1d(random.key(2), { n: 16, noise: 0 });
    const noisy = signals1d(random.key(2), { n: 16, noise: 0.2 });
    let s2 = 0;
    clean.specs.forEach((spec, s) => {
      for (let t = 0; t < 128; t++) {
        expect(clean.x.get(s, 0, t)).toBeCloseTo(waveAt(spec, t, 128), 5);
        s2 += (noisy.x.get(s, 0, t) - clean.x.get(s, 0, t)) ** 2;
      }
    });
    expect(Math.sqrt(s2 / (16 * 128))).toBeCloseTo(0.2, 1);
  });

  it('draws parameters within the documented ranges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(unit, { minLength: 4, maxLength: 4 }),
        (label, u) => {
          const s = waveFromUniforms(label, u);
          expect(s.kind).toBe(WAVE_CLASSES[label]);
          expect(s.cycles).toBeGreaterThanOrEqual(2);
          expect(s.cycles).toBeLessThanOrEqual(8);
          expect(s.amplitude).toBeGreaterThanOrEqual(0.75);
          expect(s.amplitude).toBeLessThanOrEqual(1.5);
          expect(Math.abs(s.offset)).toBeLessThanOrEqual(0.5);
        },
      ),
      FC,
    );
  });
});

describe('balancedLabels', () => {
  it('gives counts that differ by at most one, shuffled', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 6 }), (n, k) => {
        const labels = balancedLabels(random.key(n), n, k);
        expect(labels).toHaveLength(n);
        const counts = new Array<number>(k).fill(0);
        for (const l of labels) counts[l]++;
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { seed: 7, numRuns: 50 },
    );
    expect(balancedLabels(random.key(0), 12, 4)).not.toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  });
});
