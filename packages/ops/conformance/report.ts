/**
 * The runner's text output: one line per op and dtype, `op dtype: P passed, F failed, worst error E (case
 * id)`, then details of the first failures of each op, and last, on its own line, `N passed, N failed`.
 */
import { basename } from 'node:path';
import type { RunDType } from './compare.js';
import type { CaseResult } from './runner.js';

export interface ReportOptions {
  /** Print only the ops with failures (and the details and summary). */
  quiet?: boolean;
  /** Distinct failures shown per op and dtype (default 3). */
  details?: number;
}

/** A problem outside any case (an unreadable fixture file); counted as one failure. */
export interface RunProblem {
  where: string;
  message: string;
}

interface Group {
  name: string;
  dtype: RunDType;
  results: CaseResult[];
}

/** Shortest readable form of an error size: 0, or 3 significant digits in exponent notation. */
export function fmtErr(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(2);
}

function groupResults(results: readonly CaseResult[]): Group[] {
  const groups = new Map<string, Group>();
  // Per dtype, ops are listed in the order their valid cases appear; ops with only invalid calls come last.
  const dtypes = [...new Set(results.map((r) => r.dtype))];
  const rank = (r: CaseResult) => 2 * dtypes.indexOf(r.dtype) + (r.kind === 'error' ? 1 : 0);
  const ordered = results
    .map((r, i) => [r, i] as const)
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([r]) => r);
  for (const r of ordered) {
    const key = `${r.dtype}\u0000${r.name}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name: r.name, dtype: r.dtype, results: [] }));
    g.results.push(r);
  }
  return [...groups.values()];
}

function groupLine(g: Group): string {
  const failed = g.results.filter((r) => r.failures.length > 0).length;
  let worst: CaseResult | null = null;
  for (const r of g.results)
    if (r.worstErr >= 0 && (worst === null || r.worstErr > worst.worstErr)) worst = r;
  const w = worst ? `worst error ${fmtErr(worst.worstErr)} (${worst.id})` : 'worst error n/a (-)';
  return `${g.name} ${g.dtype}: ${g.results.length - failed} passed, ${failed} failed, ${w}`;
}

function failureLines(r: CaseResult): string[] {
  return r.failures.map((f) => {
    const size =
      f.maxAbsErr !== undefined && f.tolerance
        ? `max abs err ${fmtErr(f.maxAbsErr)} (rtol ${f.tolerance.rtol}, atol ${fmtErr(f.tolerance.atol)}): `
        : '';
    return `  ${r.id} [${basename(r.file)}] ${r.dtype} ${f.what}: ${size}${f.message}`;
  });
}

/** Formats a run: op lines, failure details, notes, problems and the final `N passed, N failed` line. */
export function formatReport(
  results: readonly CaseResult[],
  problems: readonly RunProblem[] = [],
  options: ReportOptions = {},
): string[] {
  const perGroup = options.details ?? 3;
  const groups = groupResults(results);
  const lines: string[] = [];
  for (const g of groups) {
    if (!options.quiet || g.results.some((r) => r.failures.length > 0)) lines.push(groupLine(g));
  }

  const details: string[] = [];
  for (const g of groups) {
    const failing = g.results.filter((r) => r.failures.length > 0);
    const seen = new Set<string>();
    let shown = 0;
    for (const r of failing) {
      // Identical messages (an unknown op, a missing feature) are shown once per op.
      const key = r.failures.map((f) => `${f.what}|${f.message}`).join('\n');
      if (shown >= perGroup || seen.has(key)) continue;
      seen.add(key);
      shown++;
      details.push(...failureLines(r));
    }
    if (failing.length > shown)
      details.push(`  ... ${g.name} ${g.dtype}: ${failing.length - shown} more failed cases`);
  }
  if (details.length > 0) lines.push('', 'Failures:', ...details);

  const notes = results.filter((r) => r.note && r.failures.length === 0);
  if (notes.length > 0 && !options.quiet) {
    lines.push('', 'Notes (invalid calls that threw, but not a ShapeError/DTypeError/ArgumentError):');
    for (const r of notes) lines.push(`  ${r.id} [${basename(r.file)}] ${r.dtype}: ${r.note}`);
  }
  if (problems.length > 0) {
    lines.push('', 'Problems:');
    for (const p of problems) lines.push(`  ${p.where}: ${p.message}`);
  }

  const passed = results.filter((r) => r.failures.length === 0).length;
  lines.push('', `${passed} passed, ${results.length - passed + problems.length} failed`);
  return lines;
}
