/**
 * The PyTorch conformance runner (CLI).
 *
 *   npm run conformance -- [--dtype float64|float32|both] [--only REGEX] [--quiet] [--details N] [DIR ...]
 *
 * Runs every case of every `*.json` fixture file in the given directories (default: `../shared/conformance`
 * next to the repository root, found from this file's location, not from the working directory) in each
 * dtype, prints one line per op and dtype, details of the first failures, and last `N passed, N failed`.
 * Exit status: 0 when everything passed, 1 on any failure (or when no case ran), 2 on a usage error.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as lucidOps from '../src/index.js';
import type { RunDType } from './compare.js';
import { caseName, fixturePaths, loadFixture } from './load.js';
import { formatReport, type RunProblem } from './report.js';
import { type CaseResult, runCase } from './runner.js';

export const USAGE = `usage: conformance [--dtype float64|float32|both] [--only REGEX] [--quiet] [--details N] [DIR ...]
  --dtype     precision(s) to run in (default: both)
  --only      run only the cases whose op (or hvp fn) name matches REGEX
  --quiet     print only failing ops, the failure details and the summary
  --details   distinct failures shown per op and dtype (default 3)
  DIR         fixture directories (default: ../shared/conformance next to the repository root)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliOptions {
  dtypes: RunDType[];
  dirs: string[];
  only: RegExp | null;
  quiet: boolean;
  details: number;
}

/** Parses CLI arguments; relative directories resolve against `cwd`. */
export function parseArgs(argv: readonly string[], defaultDir: string, cwd = process.cwd()): CliOptions {
  const opts: CliOptions = { dtypes: ['float64', 'float32'], dirs: [], only: null, quiet: false, details: 3 };
  const args = argv.flatMap((a) =>
    /^--[a-z]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a],
  );
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--dtype') {
      const v = value();
      if (v === 'both') opts.dtypes = ['float64', 'float32'];
      else if (v === 'float64' || v === 'float32') opts.dtypes = [v];
      else throw new UsageError(`--dtype must be float64, float32 or both, got ${v}`);
    } else if (a === '--only') {
      const v = value();
      try {
        opts.only = new RegExp(v);
      } catch (e) {
        throw new UsageError(
          `--only: invalid regular expression ${v} (${e instanceof Error ? e.message : e})`,
        );
      }
    } else if (a === '--quiet' || a === '-q') opts.quiet = true;
    else if (a === '--details') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0)
        throw new UsageError(`--details must be a non-negative integer, got ${v}`);
      opts.details = v;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else opts.dirs.push(resolve(cwd, a));
  }
  if (opts.dirs.length === 0) opts.dirs.push(defaultDir);
  return opts;
}

/** The monorepo root: the nearest directory above `from` whose package.json declares workspaces. */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = resolve(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in JSON.parse(readFileSync(pkg, 'utf8'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '../../..'); // packages/ops/conformance -> root
  }
}

export const defaultFixtureDir = (): string => resolve(repoRoot(), '../shared/conformance');

export interface RunOutput {
  results: CaseResult[];
  problems: RunProblem[];
}

/** Loads every fixture file and runs the (filtered) cases in each dtype, dtype by dtype. */
export function runConformance(opts: CliOptions, ops: Record<string, unknown> = lucidOps): RunOutput {
  const problems: RunProblem[] = [];
  const files = [];
  for (const path of fixturePaths(opts.dirs)) {
    try {
      files.push(loadFixture(path));
    } catch (e) {
      problems.push({ where: path, message: e instanceof Error ? e.message : String(e) });
    }
  }
  const results: CaseResult[] = [];
  for (const dtype of opts.dtypes) {
    for (const f of files) {
      for (const c of f.cases) {
        if (opts.only && !opts.only.test(caseName(c))) continue;
        results.push(runCase(c, f.path, dtype, ops));
      }
    }
  }
  return { results, problems };
}

export interface MainIO {
  out?: (line: string) => void;
  err?: (line: string) => void;
  ops?: Record<string, unknown>;
  defaultDir?: string;
  cwd?: string;
}

/** Runs the CLI and returns its exit status. */
export function main(argv: readonly string[], io: MainIO = {}): number {
  const out = io.out ?? ((l: string) => console.log(l));
  const err = io.err ?? ((l: string) => console.error(l));
  let opts: CliOptions;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      out(USAGE);
      return 0;
    }
    opts = parseArgs(
      argv,
      io.defaultDir ?? defaultFixtureDir(),
      io.cwd ?? (process.env.INIT_CWD || process.cwd()),
    );
  } catch (e) {
    err(`conformance: ${e instanceof Error ? e.message : e}\n${USAGE}`);
    return 2;
  }
  let run: RunOutput;
  try {
    run = runConformance(opts, io.ops ?? lucidOps);
  } catch (e) {
    err(`conformance: ${e instanceof Error ? e.message : e}`);
    out('0 passed, 1 failed');
    return 1;
  }
  const empty = run.results.length === 0;
  if (empty) {
    err(
      `conformance: no case ran (directories: ${opts.dirs.join(', ')}${opts.only ? `, --only ${opts.only.source}` : ''})`,
    );
  }
  for (const l of formatReport(run.results, run.problems, { quiet: opts.quiet, details: opts.details }))
    out(l);
  const failed = run.problems.length > 0 || run.results.some((r) => r.failures.length > 0);
  return failed || empty ? 1 : 0;
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();

if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
