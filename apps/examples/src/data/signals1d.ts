/**
 * Synthetic waveforms: a sine, square, sawtooth or triangle wave with random frequency, phase, amplitude
 * and DC offset, plus Gaussian noise. Drawn from one `random` key, so a seed gives the same data set on
 * every machine.
 */
import { array, fromTypedArray } from '@lucid-ts/ndarray';
import { random } from '@lucid-ts/ops';
import { balancedLabels, type Dataset, type Key } from './common.js';

/** Class names in label order: label `i` is `WAVE_CLASSES[i]`. */
export const WAVE_CLASSES = ['sine', 'square', 'sawtooth', 'triangle'] as const;
export type WaveClass = (typeof WAVE_CLASSES)[number];

/** The parameters of one waveform: `offset + amplitude · wave(cycles · t / length + phase)`. */
export interface WaveSpec {
  kind: WaveClass;
  /** Periods over the whole signal. */
  cycles: number;
  /** Phase, in periods (0–1). */
  phase: number;
  amplitude: number;
  offset: number;
}

export interface Signals1dOptions {
  /** Number of signals; classes are balanced (they differ by at most one). */
  n: number;
  /** Samples per signal (default 128). */
  length?: number;
  /** Standard deviation of the additive Gaussian noise (default 0.15). */
  noise?: number;
}

/**
 * One period of each wave at phase `u` ∈ [0, 1), with values in [−1, 1]: `sin 2πu`, `sign(sin 2πu)`
 * (+1 on the first half), the rising ramp `2u − 1`, and the triangle `1 − 4|u − ½|`.
 * @example wave('triangle', 0.5) // 1
 */
export function wave(kind: WaveClass, u: number): number {
  const f = u - Math.floor(u);
  switch (kind) {
    case 'sine':
      return Math.sin(2 * Math.PI * f);
    case 'square':
      return f < 0.5 ? 1 : -1;
    case 'sawtooth':
      return 2 * f - 1;
    case 'triangle':
      return 1 - 4 * Math.abs(f - 0.5);
  }
}

const lerp = (lo: number, hi: number, u: number) => lo + (hi - lo) * u;

/** The waveform of class `label` from four uniforms: 2–8 cycles, any phase, amplitude 0.75–1.5, offset ±0.5. */
export function waveFromUniforms(label: number, u: ArrayLike<number>): WaveSpec {
  return {
    kind: WAVE_CLASSES[label],
    cycles: lerp(2, 8, u[0]),
    phase: u[1],
    amplitude: lerp(0.75, 1.5, u[2]),
    offset: lerp(-0.5, 0.5, u[3]),
  };
}

/** The noiseless value of `spec` at sample `t` of `length`. */
export function waveAt(spec: WaveSpec, t: number, length: number): number {
  return spec.offset + spec.amplitude * wave(spec.kind, (spec.cycles * t) / length + spec.phase);
}

/**
 * A balanced, shuffled data set of `n` noisy waveforms: `x` float32 `[n, 1, length]`, `y` int32 `[n]`
 * class indices into {@link WAVE_CLASSES}, and the parameters of every signal in `specs`.
 * @example const { x, y } = signals1d(random.key(0), { n: 256 }); // x [256, 1, 128], y [256]
 */
export function signals1d(key: Key, options: Signals1dOptions): Dataset & { specs: WaveSpec[] } {
  const { n, length = 128, noise = 0.15 } = options;
  const [kLabels, kWave, kNoise] = random.split(key, 3);
  const labels = balancedLabels(kLabels, n, WAVE_CLASSES.length);
  const u = random.uniform(kWave, [n, 4], { dtype: 'float64' }).data as Float64Array;
  const data = random.normal(kNoise, [n, 1, length]).data as Float32Array;
  const specs: WaveSpec[] = [];
  for (let s = 0; s < n; s++) {
    const spec = waveFromUniforms(labels[s], u.subarray(4 * s, 4 * s + 4));
    for (let t = 0; t < length; t++) {
      const o = s * length + t;
      data[o] = noise * data[o] + waveAt(spec, t, length);
    }
    specs.push(spec);
  }
  return { x: fromTypedArray(data, [n, 1, length]), y: array(Int32Array.from(labels)), specs };
}
