/** A PyTorch-style model summary: one line per layer with its parameter count, then the total. */
import { countParams, type Layer } from '@lucid-ts/nn';
import type { PyTree } from '@lucid-ts/ops';
import type { ProgressSink } from './progress.js';

/**
 * The lines of the summary of `sequential(...layers)` whose params are `params` (one entry per layer):
 * each layer's name and parameter count, aligned, then `total: N params`.
 * @example summaryLines([linear({ inFeatures: 2, outFeatures: 3 })], [params]) // ['  linear(in=2, out=3)  9', 'total: 9 params']
 */
export function summaryLines(layers: readonly Layer[], params: readonly PyTree[]): string[] {
  const counts = layers.map((_, i) => countParams(params[i]));
  const width = Math.max(...layers.map((l) => l.name.length));
  const digits = Math.max(...counts.map((c) => String(c).length));
  const lines = layers.map((l, i) => `  ${l.name.padEnd(width)}  ${String(counts[i]).padStart(digits)}`);
  lines.push(`total: ${counts.reduce((a, b) => a + b, 0)} params`);
  return lines;
}

/** Writes {@link summaryLines} to `sink`, under a `model:` heading. */
export function printSummary(sink: ProgressSink, layers: readonly Layer[], params: PyTree): void {
  sink.write(`model:\n${summaryLines(layers, params as PyTree[]).join('\n')}\n`);
}
