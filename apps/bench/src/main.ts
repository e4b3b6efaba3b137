/**
 * The benchmark app. `npm run bench` runs the quick suite; `--full` runs longer for stable figures;
 * `--only N1,N3` selects workloads. Prints a table and writes bench-results/<timestamp>/results.json
 * (copied to bench-results/latest/).
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fmtMs, measure, type Summary, summarize } from './stats.js';
import { ndarrayWorkloads } from './suites/ndarray.js';
import type { Workload } from './workload.js';

interface Row {
  id: string;
  name: string;
  library: string;
  threads: number;
  summary?: Summary;
  samples?: number[];
  error?: string;
}

function parseArgs(argv: string[]): { full: boolean; only: string[] | null } {
  const full = argv.includes('--full');
  const i = argv.indexOf('--only');
  const only = i >= 0 && argv[i + 1] ? argv[i + 1].split(',').map((s) => s.trim()) : null;
  return { full, only };
}

function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label.padEnd(50).slice(0, 50)}`,
  );
  if (done === total) process.stderr.write('\n');
}

const { full, only } = parseArgs(process.argv.slice(2));
const workloads: Workload[] = ndarrayWorkloads.filter((w) => !only || only.includes(w.id));
const opts = full
  ? { warmup: 5, minRuns: 20, minTimeMs: 2000, maxRuns: 1000 }
  : { warmup: 2, minRuns: 5, minTimeMs: 300, maxRuns: 200 };

const rows: Row[] = [];
workloads.forEach((w, k) => {
  progress(k, workloads.length, w.name);
  const row: Row = { id: w.id, name: w.name, library: 'lucid-ts', threads: 1 };
  try {
    const fn = w.setup();
    row.samples = measure(fn, opts);
    row.summary = summarize(row.samples);
  } catch (e) {
    row.error = e instanceof Error ? e.message : String(e);
  }
  rows.push(row);
});
progress(workloads.length, workloads.length, 'done');

const header = '| id | workload | library | threads | median | min | max | runs | Melem/s |';
const lines = [header, '|---|---|---|---|---|---|---|---|---|'];
for (const r of rows) {
  const w = workloads.find((x) => x.id === r.id)!;
  if (!r.summary) {
    lines.push(`| ${r.id} | ${r.name} | ${r.library} | ${r.threads} | error: ${r.error} | | | | |`);
    continue;
  }
  const s = r.summary;
  const rate = w.elements ? (w.elements / (s.median / 1000) / 1e6).toFixed(0) : '';
  lines.push(
    `| ${r.id} | ${r.name} | ${r.library} | ${r.threads} | ${fmtMs(s.median)} | ${fmtMs(s.min)} | ${fmtMs(s.max)} | ${s.runs} | ${rate} |`,
  );
}
const table = lines.join('\n');
console.log(table);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outRoot = resolve(import.meta.dirname, '../../../bench-results');
const dir = join(outRoot, stamp);
mkdirSync(dir, { recursive: true });
const machine = {
  platform: platform(),
  arch: arch(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryBytes: totalmem(),
  node: process.version,
};
writeFileSync(
  join(dir, 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), suite: full ? 'full' : 'quick', machine, rows }, null, 2),
);
writeFileSync(
  join(dir, 'report.md'),
  `# Lucid.ts benchmark (${full ? 'full' : 'quick'} suite), ${new Date().toISOString()}\n\n${table}\n`,
);
rmSync(join(outRoot, 'latest'), { recursive: true, force: true });
cpSync(dir, join(outRoot, 'latest'), { recursive: true });
console.log(`\nresults written to ${dir}`);
if (rows.some((r) => r.error)) process.exitCode = 1;
