import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as lucidOps from '../src/index.js';
import { defaultFixtureDir, main, parseArgs, repoRoot } from './run.js';

const here = dirname(fileURLToPath(import.meta.url));
const T = (shape: number[], data: number[], dtype?: 'int32') => ({
  shape,
  data,
  ...(dtype ? { dtype } : {}),
});

// Inputs, cotangents and expectations below are computed by hand.
const a = [1.5, -2, 0.25, 3, 0.5, -1];
const b = [0.5, 4, -0.75];
const c = [1, 2, 3, 4, 5, 6];
const basicCases = [
  {
    id: 'add/000',
    op: 'add',
    args: {},
    inputs: { a: T([2, 3], a), b: T([3], b) },
    output: T([2, 3], [2, 2, -0.5, 3.5, 4.5, -1.75]),
    cotangent: T([2, 3], c),
    grads: { a: T([2, 3], c), b: T([3], [5, 7, 9]) },
  },
  {
    id: 'add/001',
    op: 'add',
    args: {},
    inputs: { a: T([], [0.1]), b: T([2], [1, 2]) },
    output: T([2], [1.1, 2.1]),
    cotangent: T([2], [3, -1]),
    grads: { a: T([], [2]), b: T([2], [3, -1]) },
  },
  {
    id: 'mul/000',
    op: 'mul',
    args: {},
    inputs: { a: T([3], b), b: T([3], [2, 0.5, -4]) },
    output: T([3], [1, 2, 3]),
    cotangent: T([3], [1, -1, 2]),
    grads: { a: T([3], [2, -0.5, -8]), b: T([3], [0.5, -4, -1.5]) },
  },
  {
    id: 'mul/001', // wrong expected output: must be reported
    op: 'mul',
    args: {},
    inputs: { a: T([2], [1, 2]), b: T([2], [3, 4]) },
    output: T([2], [3, 9]),
    cotangent: T([2], [1, 1]),
    grads: { a: T([2], [3, 4]), b: T([2], [1, 2]) },
  },
  {
    id: 'sum/000',
    op: 'sum',
    args: { axis: [-1], keepdims: false },
    inputs: { x: T([2, 3], a) },
    output: T([2], [-0.25, 2.5]),
    cotangent: T([2], [2, -3]),
    grads: { x: T([2, 3], [2, 2, 2, -3, -3, -3]) },
  },
  {
    id: 'sum/001',
    op: 'sum',
    args: { axis: null, keepdims: false },
    inputs: { x: T([2, 3], a) },
    output: T([], [2.25]),
    cotangent: T([], [0.5]),
    grads: { x: T([2, 3], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) },
  },
  {
    id: 'frobnicate/000', // an op nobody knows: a failure, never a skip
    op: 'frobnicate',
    args: {},
    inputs: { x: T([1], [1]) },
    output: T([1], [1]),
    cotangent: T([1], [1]),
    grads: { x: T([1], [1]) },
  },
];
const errorCases = [
  { id: 'add/000', op: 'add', args: {}, inputShapes: { a: [3, 4], b: [5] }, why: 'not broadcastable' },
  {
    id: 'reshape/000',
    op: 'reshape',
    args: { shape: [3, 2] },
    inputShapes: { x: [2, 3] },
    why: 'valid, must fail',
  },
];

const root = mkdtempSync(join(tmpdir(), 'lucid-conformance-run-'));
const dir = join(root, 'fixtures');
mkdirSync(dir);
writeFileSync(
  join(dir, 'basic.json'),
  `${JSON.stringify({ generator: 'hand', dtype: 'float64', cases: basicCases })}\n`,
);
writeFileSync(
  join(dir, 'errors.json'),
  JSON.stringify({ generator: 'hand', dtype: 'float64', cases: errorCases }),
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI in-process, returning its exit status and stdout lines. */
function run(argv: string[], ops: Record<string, unknown> = lucidOps) {
  const out: string[] = [];
  const err: string[] = [];
  const status = main(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ops,
    defaultDir: dir,
    cwd: root,
  });
  return { status, out, err };
}

describe('conformance runner, end to end on a small fixture folder', () => {
  it('reports per-op lines, the wrong value, the unknown op, the call that did not throw; exit 1', () => {
    const { status, out } = run(['--dtype', 'both']);
    expect(status).toBe(1);
    expect(out.at(-1)).toBe('12 passed, 6 failed');
    expect(out).toContain('add float64: 3 passed, 0 failed, worst error 0 (add/000)');
    expect(
      out.some((l) => /^mul float64: 1 passed, 1 failed, worst error 1\.00e\+0 \(mul\/001\)$/.test(l)),
    ).toBe(true);
    expect(out.some((l) => l.startsWith('sum float32: 2 passed, 0 failed, worst error'))).toBe(true);
    expect(out).toContain('frobnicate float64: 0 passed, 1 failed, worst error n/a (-)');
    expect(out).toContain('reshape float32: 0 passed, 1 failed, worst error n/a (-)');
    const text = out.join('\n');
    expect(text).toContain(
      'mul/001 [basic.json] float64 output: max abs err 1.00e+0 (rtol 1e-9, atol 1.00e-10): at flat index 1: got 8, expected 9',
    );
    expect(text).not.toContain('mul/001 [basic.json] float64 grad');
    expect(text).toContain('frobnicate/000 [basic.json] float32 unknown op: unknown op frobnicate');
    expect(text).toContain(
      'reshape/000 [errors.json] float64 no error: returned an array of shape [3,2] instead of throwing (valid, must fail)',
    );
  });

  it('runs one dtype, filters with --only, and exits 0 when everything passes', () => {
    const f32 = run(['--dtype=float32', '--only', '^(add|sum)$', dir]);
    expect(f32.status).toBe(0);
    expect(f32.out.at(-1)).toBe('5 passed, 0 failed');
    expect(f32.out.filter((l) => l.includes('float64'))).toEqual([]);
    expect(f32.out[0]).toMatch(/^add float32: 3 passed, 0 failed, worst error \S+ \(add\/\d{3}\)$/);
  });

  it('--quiet prints only failing ops, the details and the summary', () => {
    const { out } = run(['--quiet', '--dtype', 'float64']);
    expect(out.filter((l) => / float64: /.test(l) && !l.startsWith(' '))).toEqual([
      'mul float64: 1 passed, 1 failed, worst error 1.00e+0 (mul/001)',
      'frobnicate float64: 0 passed, 1 failed, worst error n/a (-)',
      'reshape float64: 0 passed, 1 failed, worst error n/a (-)',
    ]);
    expect(out.at(-1)).toBe('6 passed, 3 failed');
  });

  it('a missing op function is an "unknown op" failure, and a thrown error is reported', () => {
    const { sum: _, ...noSum } = lucidOps;
    const r1 = run(['--only', '^sum$', '--dtype', 'float64'], noSum);
    expect(r1.out.at(-1)).toBe('0 passed, 2 failed');
    expect(r1.out.join('\n')).toContain(
      'sum/000 [basic.json] float64 unknown op: unknown op sum: not exported',
    );
    const boom = () => {
      throw new TypeError('boom');
    };
    const r2 = run(['--only', '^add$', '--dtype', 'float64'], { ...lucidOps, add: boom });
    expect(r2.out.join('\n')).toContain('add/000 [basic.json] float64 output: threw TypeError: boom');
    // The invalid add threw, but a TypeError is a crash rather than a validation error: noted, not failed.
    expect(r2.out.join('\n')).toContain('add/000 [errors.json] float64: threw TypeError: boom');
    expect(r2.out.at(-1)).toBe('1 passed, 2 failed');
  });

  it('usage errors exit 2; an empty run and a missing directory exit 1', () => {
    expect(run(['--dtype', 'float16']).status).toBe(2);
    expect(run(['--bogus']).status).toBe(2);
    expect(run(['--only', '(']).status).toBe(2);
    const none = run(['--only', '^nothing$']);
    expect(none.status).toBe(1);
    expect(none.out.at(-1)).toBe('0 passed, 0 failed');
    const missing = run(['no-such-dir']);
    expect(missing.status).toBe(1);
    expect(missing.out.at(-1)).toBe('0 passed, 1 failed');
    expect(missing.err.join('\n')).toContain(`cannot read fixture directory ${join(root, 'no-such-dir')}`);
  });
});

describe('arguments and paths', () => {
  it('parses options; directories resolve against the working directory; defaults', () => {
    const o = parseArgs(['--dtype', 'float64', 'x', '/abs/y', '-q', '--details=5'], '/default', '/cwd');
    expect(o).toEqual({
      dtypes: ['float64'],
      dirs: ['/cwd/x', '/abs/y'],
      only: null,
      quiet: true,
      details: 5,
    });
    expect(parseArgs([], '/default').dirs).toEqual(['/default']);
    expect(parseArgs([], '/default').dtypes).toEqual(['float64', 'float32']);
  });

  it('finds the repository root from its own location, and the shared fixtures beside it', () => {
    const top = resolve(here, '../../..');
    expect(repoRoot()).toBe(top);
    expect(defaultFixtureDir()).toBe(resolve(top, '../shared/conformance'));
  });

  it('the CLI exits with status 1 and ends with the summary line', () => {
    const tsx = join(repoRoot(), 'node_modules', '.bin', 'tsx');
    const r = spawnSync(
      tsx,
      ['--conditions=@lucid-ts/source', join(here, 'run.ts'), '--dtype', 'float64', dir],
      {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { ...process.env, INIT_CWD: '' },
      },
    );
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('6 passed, 3 failed');
  }, 20000);
});
