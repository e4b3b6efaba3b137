import { ArgumentError, type NDArray } from '@lucid-ts/ndarray';
import { random } from '@lucid-ts/ops';
import { describe, expect, it } from 'vitest';
import {
  calculateGain,
  constant,
  fanInOut,
  kaimingNormal,
  kaimingUniform,
  normal,
  ones,
  truncNormal,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
} from './init.js';

const key = random.key(42);

function moments(a: NDArray): { n: number; mean: number; variance: number; min: number; max: number } {
  const d = a.data;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i];
    min = Math.min(min, d[i]);
    max = Math.max(max, d[i]);
  }
  const mean = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i] - mean) ** 2;
  return { n: d.length, mean, variance: v / d.length, min, max };
}

/** U(−b, b): mean 0 (SE b/√(3n)) and variance b²/3 (SE b²·√(4/45)/√n), within 4 standard errors; in range. */
function expectUniform(a: NDArray, b: number): void {
  const m = moments(a);
  expect(Math.abs(m.mean)).toBeLessThan((4 * b) / Math.sqrt(3 * m.n));
  expect(Math.abs(m.variance - (b * b) / 3)).toBeLessThan((4 * b * b * Math.sqrt(4 / 45)) / Math.sqrt(m.n));
  expect(m.min).toBeGreaterThanOrEqual(-b);
  expect(m.max).toBeLessThan(b);
  expect(m.max).toBeGreaterThan(0.99 * b);
}

/** N(mu, s²): mean (SE s/√n) and variance (SE s²·√(2/n)) within 4 standard errors. */
function expectNormal(a: NDArray, mu: number, s: number): void {
  const m = moments(a);
  expect(Math.abs(m.mean - mu)).toBeLessThan((4 * s) / Math.sqrt(m.n));
  expect(Math.abs(m.variance - s * s)).toBeLessThan(4 * s * s * Math.sqrt(2 / m.n));
}

describe('fanInOut and calculateGain', () => {
  it('follow _calculate_fan_in_and_fan_out: shape[1]·receptive field and shape[0]·receptive field', () => {
    expect(fanInOut([8, 4])).toEqual([4, 8]);
    expect(fanInOut([16, 8, 3, 3, 3])).toEqual([216, 432]);
    expect(fanInOut([6, 2, 5])).toEqual([10, 30]);
    expect(() => fanInOut([5])).toThrow(/at least 2 dimensions, got \[5\]/);
  });

  it('match torch.nn.init.calculate_gain', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv_transpose2d')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.0001)), 15);
    expect(calculateGain('leaky_relu', 0)).toBe(Math.SQRT2);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(() => calculateGain('swish' as never)).toThrow(ArgumentError);
  });
});

describe('initialisers', () => {
  const shape = [256, 128, 3]; // 98304 draws; fanIn 384, fanOut 768

  it('uniform and normal have the requested moments, dtype and determinism', () => {
    const u = uniform(key, shape, { low: -0.5, high: 0.5 });
    expect(u.dtype).toBe('float32');
    expectUniform(u, 0.5);
    expect(uniform(key, shape, { low: -0.5, high: 0.5 }).data).toEqual(u.data);
    const n = normal(key, shape, { mean: 2, std: 3, dtype: 'float64' });
    expect(n.dtype).toBe('float64');
    expect(n.shape).toEqual(shape);
    expectNormal(n, 2, 3);
  });

  it('kaimingUniform: bound gain·√(3/fan) for each mode and nonlinearity', () => {
    expectUniform(kaimingUniform(key, shape), Math.SQRT2 * Math.sqrt(3 / 384));
    expectUniform(
      kaimingUniform(key, shape, { mode: 'fanOut', nonlinearity: 'relu' }),
      Math.SQRT2 * Math.sqrt(3 / 768),
    );
    // PyTorch's default layer init: a = √5 gives U(±1/√fanIn).
    expectUniform(kaimingUniform(key, shape, { a: Math.sqrt(5) }), 1 / Math.sqrt(384));
    expectUniform(kaimingUniform(key, shape, { nonlinearity: 'tanh' }), (5 / 3) * Math.sqrt(3 / 384));
  });

  it('kaimingNormal: std gain/√fan', () => {
    expectNormal(kaimingNormal(key, shape), 0, Math.SQRT2 / Math.sqrt(384));
    expectNormal(
      kaimingNormal(key, shape, { mode: 'fanOut', dtype: 'float64' }),
      0,
      Math.SQRT2 / Math.sqrt(768),
    );
  });

  it('xavier: bound gain·√(6/(fanIn+fanOut)) and std gain·√(2/(fanIn+fanOut))', () => {
    expectUniform(xavierUniform(key, shape), Math.sqrt(6 / (384 + 768)));
    expectUniform(xavierUniform(key, shape, { gain: 2 }), 2 * Math.sqrt(6 / (384 + 768)));
    expectNormal(xavierNormal(key, shape, { gain: 5 / 3 }), 0, (5 / 3) * Math.sqrt(2 / (384 + 768)));
  });

  it('truncNormal stays in [a, b] with the truncated moments', () => {
    const t = truncNormal(key, [20000], { mean: 1, std: 2, a: -1, b: 3 });
    const m = moments(t);
    expect(m.min).toBeGreaterThanOrEqual(-1);
    expect(m.max).toBeLessThanOrEqual(3);
    // N(1, 4) truncated to ±1 std: mean 1, variance 4·(1 − 2φ(1)/(2Φ(1) − 1)) ≈ 4·0.29112
    expect(Math.abs(m.mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(m.variance - 4 * 0.29112)).toBeLessThan(0.03);
  });

  it('zeros, ones and constant ignore the key', () => {
    expect(zeros(null, [2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones(key, [3], { dtype: 'float64' }).dtype).toBe('float64');
    expect(constant(null, [2], { value: 0.25 }).toArray()).toEqual([0.25, 0.25]);
  });

  it('different keys give different draws; empty shapes give empty arrays', () => {
    const [k1, k2] = random.split(key);
    expect(kaimingUniform(k1, [4, 4]).data).not.toEqual(kaimingUniform(k2, [4, 4]).data);
    expect(kaimingUniform(key, [0, 4]).shape).toEqual([0, 4]);
    expect(xavierNormal(key, [4, 0]).size).toBe(0);
  });

  it('reject bad options with named errors', () => {
    expect(() => kaimingUniform(key, [4, 4], { mode: 'fan_in' as never })).toThrow(
      /init.kaimingUniform: mode/,
    );
    expect(() => uniform(key, [2], { dtype: 'int32' as never })).toThrow(/init.uniform: dtype/);
    expect(() => normal(key, [2], { std: -1 })).toThrow(/std must be >= 0/);
    expect(() => xavierUniform(key, [4])).toThrow(ArgumentError);
    expect(() => uniform(key, [2], { low: Number.NaN })).toThrow(/low must be a finite number/);
  });
});
