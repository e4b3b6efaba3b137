/**
 * The benchmark app. `npm run bench` runs the quick suite (W1–W10, Lucid.ts vs TensorFlow.js cpu/wasm);
 * `--full` runs longer; `--only W1,W8` selects workloads (`--only N1,N3` the ndarray workloads);
 * `--peers lucid,tfjs-cpu,tfjs-wasm`; `--threads N` (recorded; passed to the tfjs wasm backend).
 * Prints a table and writes bench-results/<timestamp>/{results.json,report.md} (copied to latest/).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { compare } from './agree.js';
import { type Row, reportMarkdown } from './report.js';
import { type MeasureOptions, measure, summarize } from './stats.js';
import { ndarrayWorkloads } from './suites/ndarray.js';
import { type Prepared, prepareLucid } from './workloads/lucid.js';
import { makeSpec, type Result, WORKLOAD_IDS } from './workloads/spec.js';
import { prepareTfjs, useBackend } from './workloads/tfjs.js';

function arg(argv: string[], name: string): string | null {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : null;
}
const argv = process.argv.slice(2);
const full = argv.includes('--full');
const only =
  arg(argv, '--only')
    ?.split(',')
    .map((s) => s.trim()) ?? null;
const peers = arg(argv, '--peers')
  ?.split(',')
  .map((s) => s.trim()) ?? ['lucid', 'tfjs-cpu', 'tfjs-wasm'];
const threads = Number(arg(argv, '--threads') ?? 1);

function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label.padEnd(50).slice(0, 50)}`,
  );
  if (done === total) process.stderr.write('\n');
}

/** Quick suite: fewer runs for slow rows, so the whole suite stays around two minutes. */
function timeIt(fn: () => unknown): number[] {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  // Very slow rows (quick suite): the probe counts as a sample, plus one more run.
  if (!full && first > 3000)
    return [first, ...measure(fn, { warmup: 0, minRuns: 1, minTimeMs: 0, maxRuns: 1 })];
  const opts: MeasureOptions = full
    ? { warmup: 4, minRuns: 20, minTimeMs: 2000, maxRuns: 1000 }
    : first > 1000
      ? { warmup: 0, minRuns: 2, minTimeMs: 0, maxRuns: 2 }
      : first > 200
        ? { warmup: 0, minRuns: 3, minTimeMs: 0, maxRuns: 3 }
        : { warmup: 1, minRuns: 5, minTimeMs: 300, maxRuns: 200 };
  return measure(fn, opts);
}

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const rows: Row[] = [];
const wIds = WORKLOAD_IDS.filter((id) => !only || only.includes(id));
const nWorkloads = ndarrayWorkloads.filter((w) => only?.includes(w.id));
// Lucid.ts always runs: it is the reference of the agreement check.
const libs = ['lucid-ts', ...peers.filter((p) => p === 'tfjs-cpu' || p === 'tfjs-wasm')];
for (const p of peers) {
  if (!['lucid', 'tfjs-cpu', 'tfjs-wasm'].includes(p))
    console.warn(`peer ${p} is not implemented yet (known: lucid, tfjs-cpu, tfjs-wasm)`);
}
const total = wIds.length * libs.length + nWorkloads.length;
let done = 0;

for (const id of wIds) {
  const spec = makeSpec(id);
  let ref: Result | undefined;
  for (const lib of libs) {
    progress(done++, total, `${id} ${spec.name} ${lib}`);
    const row: Row = {
      id,
      name: spec.name,
      library: lib,
      threads: lib === 'tfjs-wasm' ? threads : 1,
      flops: spec.flops,
      status: 'ok',
    };
    try {
      let prep: Prepared;
      if (lib === 'lucid-ts') {
        prep = prepareLucid(spec);
        ref = await prep.result();
        row.status = 'reference';
      } else {
        await useBackend(lib === 'tfjs-cpu' ? 'cpu' : 'wasm', threads);
        prep = prepareTfjs(spec);
        const got = await prep.result();
        if (ref) {
          const a = compare(got, ref);
          row.maxRelError = a.maxRelError;
          if (!a.ok) {
            row.status = 'MISMATCH';
            row.error = `worst output ${a.worst}`;
          }
        } else row.status = 'unchecked';
      }
      row.notes = prep.notes;
      row.samples = timeIt(prep.run);
      row.summary = summarize(row.samples);
    } catch (e) {
      row.error = errMsg(e);
      row.status = /not registered|not (yet )?(implemented|supported)|gradient function not found/i.test(
        row.error,
      )
        ? 'unsupported'
        : 'error';
    }
    rows.push(row);
  }
}
for (const w of nWorkloads) {
  progress(done++, total, w.name);
  const row: Row = { id: w.id, name: w.name, library: 'lucid-ts', threads: 1, status: 'ndarray' };
  try {
    row.samples = timeIt(w.setup());
    row.summary = summarize(row.samples);
  } catch (e) {
    row.error = errMsg(e);
    row.status = 'error';
  }
  rows.push(row);
}
progress(total, total, 'done');

const title = `Lucid.ts benchmark (${full ? 'full' : 'quick'} suite), ${new Date().toISOString()}`;
const md = reportMarkdown(title, rows);
console.log(md);

const require = createRequire(import.meta.url);
function version(pkg: string): string {
  try {
    const p = require.resolve(`${pkg}/package.json`);
    return JSON.parse(readFileSync(p, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
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
const libraries = Object.fromEntries(
  ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'].map((p) => [
    p,
    version(p),
  ]),
);
writeFileSync(
  join(dir, 'results.json'),
  JSON.stringify(
    { date: new Date().toISOString(), suite: full ? 'full' : 'quick', args: argv, machine, libraries, rows },
    null,
    2,
  ),
);
writeFileSync(join(dir, 'report.md'), md);
rmSync(join(outRoot, 'latest'), { recursive: true, force: true });
cpSync(dir, join(outRoot, 'latest'), { recursive: true });
console.log(`\nresults written to ${dir}`);
if (rows.some((r) => r.status === 'error')) process.exitCode = 1;
