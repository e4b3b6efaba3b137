/**
 * Runs fixture cases against our ops in one dtype and records, per case, every check that failed: forward
 * output, each VJP (through our `vjp` transform), hvp.json's gradients and Hessian-vector products (reverse
 * over reverse through our `grad`), and errors.json's "must throw".
 */
import { fromTypedArray, isFloat, isNDArray, type NDArray } from '@lucid-ts/ndarray';
import type { PyTree } from '../src/index.js';
import { grad, valueAndGrad, vjp } from '../src/index.js';
import {
  castInput,
  compare,
  DEFAULT_RULE,
  LOOSE_RULE,
  type RunDType,
  type Tolerance,
  type ToleranceRule,
  toleranceFor,
} from './compare.js';
import { hvpFn } from './hvp-table.js';
import { type Case, caseName, type ErrorCase, type HvpCase, type OpCase } from './load.js';
import { lookupOp, opEntry, type ShapeInfo, UnknownOpError } from './ops-table.js';

export interface CheckFailure {
  /**
   * What failed: `output`, `grad <input>`, `hvp <input>` (a wrong tensor), `grads`/`hvp` (the transform
   * threw), `unknown op`, `fixture` (an unreadable case) or `no error` (an invalid call returned).
   */
  what: string;
  message: string;
  maxAbsErr?: number;
  tolerance?: Tolerance;
}

export interface CaseResult {
  id: string;
  kind: Case['kind'];
  name: string;
  file: string;
  dtype: RunDType;
  failures: CheckFailure[];
  /** Largest absolute error over the compared tensors that were comparable (-1 if none). */
  worstErr: number;
  /** For errors.json: what was thrown, when it is not one of the package's named errors. */
  note?: string;
}

const NAMED_ERRORS = new Set(['ShapeError', 'DTypeError', 'ArgumentError', 'NotDifferentiableError']);

function errorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : `thrown ${String(e)}`;
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Collects check outcomes of one case. */
class Checks {
  readonly failures: CheckFailure[] = [];
  worstErr = -1;
  constructor(readonly dtype: RunDType) {}

  fail(what: string, message: string): void {
    this.failures.push({ what, message });
  }

  threw(what: string, e: unknown): void {
    if (e instanceof UnknownOpError) this.fail('unknown op', e.message);
    else this.fail(what, `threw ${errorText(e)}`);
  }

  tensor(what: string, actual: unknown, expected: NDArray, rule: ToleranceRule): void {
    const tol = toleranceFor(this.dtype, rule, expected);
    const r = compare(actual, expected, tol, this.dtype);
    if (Number.isFinite(r.maxAbsErr)) this.worstErr = Math.max(this.worstErr, r.maxAbsErr);
    if (!r.ok)
      this.failures.push({ what, message: r.message ?? 'mismatch', maxAbsErr: r.maxAbsErr, tolerance: tol });
  }
}

function isFloatArray(x: NDArray | null): x is NDArray {
  return x !== null && isFloat(x.dtype);
}

/** Forward value and VJP at the fixture's cotangent. */
function runOpCase(c: OpCase, dtype: RunDType, ops: Record<string, unknown>, checks: Checks): void {
  const entry = opEntry(c.op);
  const fn = lookupOp(ops, c.op);
  const xs = c.inputs.map(([, x]) => (x === null ? null : castInput(x, dtype)));
  const info: ShapeInfo = {
    args: c.args,
    inputs: c.inputs.map(([n, x]) => [n, x?.shape ?? null]),
    output: c.output.shape,
  };
  const rule = (t: string) => entry.rule?.(info, t) ?? DEFAULT_RULE;

  let out: unknown;
  try {
    out = entry.call(fn, xs, c.args);
  } catch (e) {
    checks.threw('output', e);
    return;
  }
  checks.tensor('output', out, c.output, rule('output'));

  const names = Object.keys(c.grads);
  if (names.length === 0) return;
  const diff = xs.flatMap((x, i) => (isFloatArray(x) ? [i] : []));
  let cts: NDArray[];
  try {
    const call = (...fs: NDArray[]) => {
      const all = xs.slice();
      diff.forEach((i, k) => {
        all[i] = fs[k];
      });
      return entry.call(fn, all, c.args) as PyTree;
    };
    const [, pullback] = vjp(call, ...diff.map((i) => xs[i] as NDArray));
    cts = pullback(castInput(c.cotangent, dtype)) as NDArray[];
  } catch (e) {
    checks.threw('grads', e);
    return;
  }
  for (const name of names) {
    const k = diff.findIndex((i) => c.inputs[i][0] === name);
    if (k < 0) checks.fail(`grad ${name}`, `no floating-point input named ${name} to differentiate`);
    else checks.tensor(`grad ${name}`, cts[k], c.grads[name], rule(name));
  }
}

/** hvp.json: f, ∇f and hvp[k] = Σ_j ∂²f/∂k∂j · v[j], the gradient of p ↦ Σ_k <∇_k f(p), v_k>. */
function runHvpCase(c: HvpCase, dtype: RunDType, ops: Record<string, unknown>, checks: Checks): void {
  const f = hvpFn(c.fn);
  const floats: Record<string, NDArray> = {};
  const fixed: Record<string, NDArray> = {};
  for (const [n, x] of c.inputs) {
    if (isFloat(x.dtype)) floats[n] = castInput(x, dtype);
    else fixed[n] = x;
  }
  const F = (p: Record<string, NDArray>) => f({ ...fixed, ...p }, ops);
  // Everything in hvp.json gets the loosened float32 rule (README).
  const rule = LOOSE_RULE;

  let value: unknown;
  let g: Record<string, NDArray>;
  try {
    [value, g] = valueAndGrad(F)(floats);
  } catch (e) {
    checks.threw('output', e);
    return;
  }
  checks.tensor('output', value, c.output, rule);
  for (const [n, expected] of Object.entries(c.grads)) {
    if (!(n in floats)) checks.fail(`grad ${n}`, `no floating-point input named ${n}`);
    else checks.tensor(`grad ${n}`, g[n], expected, rule);
  }

  const v: Record<string, NDArray> = {};
  for (const [n, t] of Object.entries(c.vector)) {
    if (!(n in floats)) checks.fail(`hvp ${n}`, `vector names ${n}, which is not a floating-point input`);
    else v[n] = castInput(t, dtype);
  }
  let h: Record<string, NDArray>;
  try {
    const dirDeriv = (p: Record<string, NDArray>) => {
      const gp = grad(F)(p) as Record<string, NDArray>;
      let s: unknown = null;
      for (const n of Object.keys(v)) {
        const term = lookupOp(ops, 'sum')(lookupOp(ops, 'mul')(gp[n], v[n]));
        s = s === null ? term : lookupOp(ops, 'add')(s, term);
      }
      return s;
    };
    h = grad(dirDeriv)(floats);
  } catch (e) {
    checks.threw('hvp', e);
    return;
  }
  for (const [n, expected] of Object.entries(c.hvp)) {
    if (n in floats) checks.tensor(`hvp ${n}`, h[n], expected, rule);
    else checks.fail(`hvp ${n}`, `no floating-point input named ${n}`);
  }
}

/** Deterministic standard normals (splitmix32 + Box-Muller), so error runs are reproducible. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return (((t ^ (t >>> 15)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** errors.json: the call with inputs of the given shapes must throw; returning anything fails. */
function runErrorCase(
  c: ErrorCase,
  dtype: RunDType,
  ops: Record<string, unknown>,
  checks: Checks,
): string | undefined {
  const entry = opEntry(c.op);
  const fn = lookupOp(ops, c.op);
  let seed = 0;
  for (const ch of c.id) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
  const next = normals(seed);
  const xs = c.inputShapes.map(([n, shape]) => {
    if (c.inputValues[n]) return castInput(c.inputValues[n], dtype);
    if (shape === null) return null;
    const size = shape.reduce((a, b) => a * b, 1);
    const data = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = next();
    return fromTypedArray(data, shape);
  });
  let out: unknown;
  try {
    out = entry.call(fn, xs, c.args);
  } catch (e) {
    return e instanceof Error && NAMED_ERRORS.has(e.name) ? undefined : `threw ${errorText(e)}`;
  }
  const got = isNDArray(out) ? `an array of shape [${out.shape.join(',')}]` : typeof out;
  checks.fail('no error', `returned ${got} instead of throwing${c.why ? ` (${c.why})` : ''}`);
  return undefined;
}

/** Runs one case in one dtype. Never throws: anything unexpected becomes a failure of the case. */
export function runCase(c: Case, file: string, dtype: RunDType, ops: Record<string, unknown>): CaseResult {
  const checks = new Checks(dtype);
  let note: string | undefined;
  try {
    if (c.kind === 'bad') checks.fail('fixture', `cannot read case: ${c.error}`);
    else if (c.kind === 'op') runOpCase(c, dtype, ops, checks);
    else if (c.kind === 'hvp') runHvpCase(c, dtype, ops, checks);
    else note = runErrorCase(c, dtype, ops, checks);
  } catch (e) {
    checks.threw('case', e);
  }
  return {
    id: c.id,
    kind: c.kind,
    name: caseName(c),
    file,
    dtype,
    failures: checks.failures,
    worstErr: checks.worstErr,
    note,
  };
}
