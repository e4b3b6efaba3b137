/**
 * Reading fixture files (see /work/shared/conformance/README.md, "File format"). Cases are classified by
 * their fields, not by the file they come from, so any folder of fixtures in this format works: a case with
 * `fn` is a second-order (hvp) case, one with `inputShapes` an invalid call, any other one with `op` an
 * ordinary forward + VJP case. Nothing here depends on case counts, ids or shapes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromTypedArray, type NDArray } from '@lucid-ts/ndarray';

/** A tensor as the fixtures write it: flat row-major data, float64 unless marked int32. */
export interface TensorJson {
  shape: number[];
  data: number[];
  dtype?: 'int32';
}

/** Forward values and the VJP at `cotangent` of one op call. */
export interface OpCase {
  kind: 'op';
  id: string;
  op: string;
  args: Record<string, unknown>;
  /** Inputs in the op's positional order (JSON key order); `null` marks an absent optional input. */
  inputs: [string, NDArray | null][];
  output: NDArray;
  cotangent: NDArray;
  grads: Record<string, NDArray>;
}

/** A named scalar function with its gradients and Hessian-vector products (hvp.json). */
export interface HvpCase {
  kind: 'hvp';
  id: string;
  fn: string;
  inputs: [string, NDArray][];
  output: NDArray;
  grads: Record<string, NDArray>;
  vector: Record<string, NDArray>;
  hvp: Record<string, NDArray>;
}

/** An invalid call that must throw (errors.json). */
export interface ErrorCase {
  kind: 'error';
  id: string;
  op: string;
  args: Record<string, unknown>;
  inputShapes: [string, number[] | null][];
  /** Values of the inputs whose values matter (class-index targets). */
  inputValues: Record<string, NDArray>;
  why: string;
}

/** A case that could not be read: it is reported as a failure, never skipped. */
export interface BadCase {
  kind: 'bad';
  id: string;
  name: string;
  error: string;
}

export type Case = OpCase | HvpCase | ErrorCase | BadCase;

export interface FixtureFile {
  path: string;
  generator: string;
  cases: Case[];
}

/** Thrown for malformed fixture content. */
export class FixtureError extends Error {
  override name = 'FixtureError';
}

function isTensorJson(t: unknown): t is TensorJson {
  return typeof t === 'object' && t !== null && Array.isArray((t as TensorJson).shape);
}

/**
 * A fixture tensor as an NDArray: float64 (shortest round-trip decimals parse back exactly), or int32 when
 * marked so. The element count must match the shape; a 0-d tensor has shape [] and one element.
 */
export function parseTensor(t: unknown, where = 'tensor'): NDArray {
  if (!isTensorJson(t) || !Array.isArray(t.data)) {
    throw new FixtureError(`${where}: expected {shape, data}, got ${JSON.stringify(t)?.slice(0, 80)}`);
  }
  const { shape, data } = t;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new FixtureError(`${where}: shape must hold non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new FixtureError(
      `${where}: shape ${JSON.stringify(shape)} needs ${size} elements, got ${data.length}`,
    );
  }
  if (!data.every((v) => typeof v === 'number')) throw new FixtureError(`${where}: data must be numbers`);
  if (t.dtype === 'int32') {
    if (!data.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
      throw new FixtureError(`${where}: int32 tensor holds non-integers`);
    }
    return fromTypedArray(Int32Array.from(data), shape);
  }
  if (t.dtype !== undefined) throw new FixtureError(`${where}: unknown dtype ${JSON.stringify(t.dtype)}`);
  return fromTypedArray(Float64Array.from(data), shape);
}

function record(x: unknown, where: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new FixtureError(`${where}: expected an object`);
  return x as Record<string, unknown>;
}

function tensorRecord(x: unknown, where: string): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(record(x, where))) out[k] = parseTensor(v, `${where}.${k}`);
  return out;
}

function nameOf(c: Record<string, unknown>): string {
  const n = c.fn ?? c.op;
  return typeof n === 'string' ? n : '(no op)';
}

/** Parses one case object, classifying it by its fields. */
export function parseCase(raw: unknown, index: number): Case {
  const c = record(raw, `case ${index}`);
  const id = typeof c.id === 'string' ? c.id : `#${index}`;
  try {
    if (typeof c.fn === 'string') {
      const inputs = Object.entries(record(c.inputs, 'inputs')).map(([k, v]): [string, NDArray] => [
        k,
        parseTensor(v, `inputs.${k}`),
      ]);
      return {
        kind: 'hvp',
        id,
        fn: c.fn,
        inputs,
        output: parseTensor(c.output, 'output'),
        grads: tensorRecord(c.grads, 'grads'),
        vector: tensorRecord(c.vector, 'vector'),
        hvp: tensorRecord(c.hvp, 'hvp'),
      };
    }
    if (typeof c.op !== 'string') throw new FixtureError('a case needs a string "op" or "fn"');
    const args = record(c.args ?? {}, 'args');
    if (c.inputShapes !== undefined) {
      const shapes = Object.entries(record(c.inputShapes, 'inputShapes')).map(
        ([k, v]): [string, number[] | null] => {
          if (v !== null && !(Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0))) {
            throw new FixtureError(`inputShapes.${k}: expected a shape or null, got ${JSON.stringify(v)}`);
          }
          return [k, v as number[] | null];
        },
      );
      return {
        kind: 'error',
        id,
        op: c.op,
        args,
        inputShapes: shapes,
        inputValues: c.inputValues === undefined ? {} : tensorRecord(c.inputValues, 'inputValues'),
        why: typeof c.why === 'string' ? c.why : '',
      };
    }
    const inputs = Object.entries(record(c.inputs, 'inputs')).map(([k, v]): [string, NDArray | null] => [
      k,
      v === null ? null : parseTensor(v, `inputs.${k}`),
    ]);
    return {
      kind: 'op',
      id,
      op: c.op,
      args,
      inputs,
      output: parseTensor(c.output, 'output'),
      cotangent: parseTensor(c.cotangent, 'cotangent'),
      grads: c.grads === undefined ? {} : tensorRecord(c.grads, 'grads'),
    };
  } catch (e) {
    return { kind: 'bad', id, name: nameOf(c), error: e instanceof Error ? e.message : String(e) };
  }
}

/** Parses the text of one fixture file. Malformed cases become `bad` cases; a malformed file throws. */
export function parseFixture(text: string, path = '(fixture)'): FixtureFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FixtureError(`${path}: invalid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { cases?: unknown }).cases)) {
    throw new FixtureError(`${path}: expected an object with a "cases" array`);
  }
  const { generator, cases } = json as { generator?: unknown; cases: unknown[] };
  return {
    path,
    generator: typeof generator === 'string' ? generator : '',
    cases: cases.map((c, i) => {
      try {
        return parseCase(c, i);
      } catch (e) {
        return {
          kind: 'bad',
          id: `#${i}`,
          name: '(malformed case)',
          error: e instanceof Error ? e.message : String(e),
        };
      }
    }),
  };
}

/** The `*.json` files directly inside each directory, sorted by name; a missing directory throws. */
export function fixturePaths(dirs: readonly string[]): string[] {
  const paths: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a directory');
      names = readdirSync(dir);
    } catch (e) {
      throw new FixtureError(`cannot read fixture directory ${dir}: ${e instanceof Error ? e.message : e}`);
    }
    for (const n of names.filter((n) => n.endsWith('.json')).sort()) paths.push(join(dir, n));
  }
  return paths;
}

/** Reads and parses one fixture file. */
export function loadFixture(path: string): FixtureFile {
  return parseFixture(readFileSync(path, 'utf8'), path);
}

/** The name a case is grouped and filtered under: its op, or its fn for hvp cases. */
export function caseName(c: Case): string {
  switch (c.kind) {
    case 'hvp':
      return c.fn;
    case 'bad':
      return c.name;
    default:
      return c.op;
  }
}
