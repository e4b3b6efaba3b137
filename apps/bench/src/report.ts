/** Rows of a benchmark run and the markdown table written to report.md. */
import { fmtMs, type Summary } from './stats.js';

export interface Row {
  id: string;
  name: string;
  library: string;
  threads: number;
  flops?: number;
  summary?: Summary;
  samples?: number[];
  /** 'ok' | 'MISMATCH' | 'unsupported' | 'error' | 'reference' */
  status: string;
  maxRelError?: number;
  error?: string;
  notes?: string;
}

export function table(rows: readonly Row[]): string {
  const lines = [
    '| id | workload | library | threads | median | min | max | runs | GFLOP/s | peer/Lucid.ts | agreement |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const s = r.summary;
    const ref = rows.find((x) => x.id === r.id && x.library === 'lucid-ts');
    const gf = s && r.flops ? (r.flops / (s.median / 1000) / 1e9).toFixed(2) : '';
    const ratio =
      s && ref?.summary && r.library !== 'lucid-ts' ? (s.median / ref.summary.median).toFixed(2) : '';
    let agree = r.status;
    if (r.maxRelError !== undefined) agree += ` (${r.maxRelError.toExponential(1)})`;
    if (r.error) agree += `: ${r.error.replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 100)}`;
    lines.push(
      `| ${r.id} | ${r.name} | ${r.library} | ${r.threads} | ${s ? fmtMs(s.median) : '—'} | ${s ? fmtMs(s.min) : '—'} | ${s ? fmtMs(s.max) : '—'} | ${s?.runs ?? 0} | ${gf} | ${ratio} | ${agree} |`,
    );
  }
  return lines.join('\n');
}

export function reportMarkdown(title: string, rows: readonly Row[]): string {
  const notes = [
    ...new Set(
      rows
        .filter((r) => r.notes)
        .map((r) => `- ${r.id} ${r.library.replace(/-(cpu|wasm)$/, '')}: ${r.notes}`),
    ),
  ];
  return `# ${title}\n\n${table(rows)}\n${notes.length ? `\nNotes:\n\n${notes.join('\n')}\n` : ''}`;
}
