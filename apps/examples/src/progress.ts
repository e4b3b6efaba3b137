/**
 * A progress bar for training loops. On a terminal it redraws one line in place per step and leaves one
 * finished line per epoch; elsewhere (CI, a pipe, a file) it stays silent during the epoch and prints the
 * finished line only, so logs hold one line per epoch instead of thousands of carriage returns.
 */

/** Where the bar writes: `process.stdout` fits, and so does a test double. */
export interface ProgressSink {
  write(text: string): unknown;
  /** True on an interactive terminal; decides between redrawing and one line per epoch. */
  readonly isTTY?: boolean;
  /** Terminal width, when known; the redrawn line is cut to fit so that it never wraps. */
  readonly columns?: number;
}

/** Named numbers shown after the bar, in insertion order: `{ loss: 0.43, acc: 0.81 }`. */
export type Metrics = Record<string, number>;

/** ANSI: carriage return, then erase to the end of the line. */
const REDRAW = '\r\x1b[K';

/**
 * A bar of `width` cells for `fraction` ∈ [0, 1] (clamped): `█` for done, `░` for the rest.
 * @example formatBar(0.5, 10) // '█████░░░░░'
 */
export function formatBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const done = Math.round(f * width);
  return '█'.repeat(done) + '░'.repeat(width - done);
}

/**
 * `name value` pairs, every value with `digits` decimals so that columns line up from epoch to epoch.
 * @example formatMetrics({ loss: 0.43219, acc: 0.8 }) // 'loss 0.4322  acc 0.8000'
 */
export function formatMetrics(metrics: Metrics, digits = 4): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${v.toFixed(digits)}`)
    .join('  ');
}

/** Seconds with one decimal: `12.3s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export interface ProgressOptions {
  /** Number of epochs, shown as `epoch 2/5`. */
  epochs: number;
  /** Steps per epoch (the bar's 100%). */
  steps: number;
  /** Width of the bar in cells (default 24). */
  width?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
}

export interface Progress {
  /** After step `step` (1-based) of the current epoch; redraws on a terminal, silent otherwise. */
  step(step: number, metrics: Metrics): void;
  /** Ends the current epoch (1-based) with its final metrics: one finished line in both modes. */
  endEpoch(epoch: number, metrics: Metrics): void;
}

/**
 * A progress display for `epochs × steps` training steps writing to `sink`. On a TTY, each `step` redraws
 * `epoch 2/5 ██████░░░░ 12/25  loss 0.4321  acc 0.8125  3.2s` in place (cut to the terminal width);
 * `endEpoch` replaces it with the finished line and a newline. Off a TTY only `endEpoch` writes.
 * @example
 * const bar = createProgress(process.stdout, { epochs: 3, steps: 50 });
 * bar.step(10, { loss: 0.9 });
 * bar.endEpoch(1, { loss: 0.5, acc: 0.8 });
 */
export function createProgress(sink: ProgressSink, options: ProgressOptions): Progress {
  const { epochs, steps, width = 24, now = () => performance.now() } = options;
  const tty = sink.isTTY === true;
  let epoch = 1;
  let start = now();
  const head = (e: number) => `epoch ${String(e).padStart(String(epochs).length)}/${epochs}`;
  const fit = (line: string) =>
    sink.columns && line.length >= sink.columns ? line.slice(0, sink.columns - 1) : line;
  return {
    step(step, metrics) {
      if (!tty) return;
      const count = `${String(step).padStart(String(steps).length)}/${steps}`;
      const parts = [
        head(epoch),
        formatBar(step / steps, width),
        count,
        formatMetrics(metrics),
        formatSeconds(now() - start),
      ];
      sink.write(REDRAW + fit(parts.filter((p) => p !== '').join('  ')));
    },
    endEpoch(e, metrics) {
      const parts = [head(e), formatMetrics(metrics), formatSeconds(now() - start)].filter((p) => p !== '');
      sink.write(`${tty ? REDRAW : ''}${parts.join('  ')}\n`);
      epoch = e + 1;
      start = now();
    },
  };
}
