/** Timing statistics for the benchmark app: robust summaries of repeated runs. */

export interface Summary {
  runs: number;
  median: number;
  min: number;
  max: number;
  mean: number;
}

/** Median of a non-empty sample (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median: sample must not be empty');
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summarize: sample must not be empty');
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const x of samples) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
  }
  return { runs: samples.length, median: median(samples), min, max, mean: sum / samples.length };
}

export interface MeasureOptions {
  warmup: number;
  minRuns: number;
  minTimeMs: number;
  /** Hard stop so one slow workload cannot hold the suite. */
  maxRuns?: number;
  now?: () => number;
}

/**
 * Runs `fn` `warmup` times untimed, then until both `minRuns` runs and `minTimeMs` of timed work are
 * reached (or `maxRuns`). Returns the per-run times in milliseconds.
 */
export function measure(fn: () => unknown, opts: MeasureOptions): number[] {
  const now = opts.now ?? (() => performance.now());
  for (let i = 0; i < opts.warmup; i++) fn();
  const samples: number[] = [];
  let total = 0;
  const maxRuns = opts.maxRuns ?? Number.POSITIVE_INFINITY;
  while ((samples.length < opts.minRuns || total < opts.minTimeMs) && samples.length < maxRuns) {
    const t0 = now();
    fn();
    const dt = now() - t0;
    samples.push(dt);
    total += dt;
  }
  return samples;
}

/** Human-readable duration: `812 µs`, `12.3 ms`, `1.52 s`. */
export function fmtMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 100) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
