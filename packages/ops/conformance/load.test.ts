import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseName, FixtureError, fixturePaths, parseCase, parseFixture, parseTensor } from './load.js';

const T = (shape: number[], data: number[], dtype?: 'int32') => ({
  shape,
  data,
  ...(dtype ? { dtype } : {}),
});

describe('parseTensor', () => {
  it('reads float64 row-major data exactly', () => {
    const x = parseTensor(T([2, 3], [0.1, 2, 3, 4, 5, 1e-300]));
    expect(x.dtype).toBe('float64');
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual([
      [0.1, 2, 3],
      [4, 5, 1e-300],
    ]);
    expect(x.data[0]).toBe(0.1); // shortest round-trip decimals parse back to the same double
  });

  it('reads 0-d and size-0 tensors', () => {
    const s = parseTensor(T([], [-2.5]));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(-2.5);
    expect(parseTensor(T([2, 0], [])).shape).toEqual([2, 0]);
  });

  it('reads int32 tensors (class targets) as int32', () => {
    const t = parseTensor(T([3], [0, 2, 1], 'int32'));
    expect(t.dtype).toBe('int32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(t.toArray()).toEqual([0, 2, 1]);
  });

  it('rejects malformed tensors with a FixtureError', () => {
    expect(() => parseTensor(T([2, 2], [1, 2, 3]), 'inputs.x')).toThrow(
      new FixtureError('inputs.x: shape [2,2] needs 4 elements, got 3'),
    );
    expect(() => parseTensor(T([], []))).toThrow(FixtureError);
    expect(() => parseTensor(T([-1], []))).toThrow(/non-negative integers/);
    expect(() => parseTensor(T([2], [1.5, 2], 'int32'))).toThrow(/non-integers/);
    expect(() => parseTensor({ shape: [1], data: [1], dtype: 'float16' })).toThrow(/unknown dtype/);
    expect(() => parseTensor(null, 'output')).toThrow(/output: expected \{shape, data\}/);
    expect(() => parseTensor({ shape: [1], data: ['1'] })).toThrow(/numbers/);
  });
});

describe('parseCase', () => {
  it('an op case keeps inputs in positional order, with null for absent inputs', () => {
    const c = parseCase(
      {
        id: 'linear/000',
        op: 'linear',
        args: {},
        inputs: { x: T([1, 2], [1, 2]), weight: T([1, 2], [3, 4]), bias: null },
        output: T([1, 1], [11]),
        cotangent: T([1, 1], [1]),
        grads: { x: T([1, 2], [3, 4]), weight: T([1, 2], [1, 2]) },
      },
      0,
    );
    expect(c.kind).toBe('op');
    if (c.kind !== 'op') return;
    expect(c.inputs.map(([n, x]) => [n, x?.shape ?? null])).toEqual([
      ['x', [1, 2]],
      ['weight', [1, 2]],
      ['bias', null],
    ]);
    expect(Object.keys(c.grads)).toEqual(['x', 'weight']);
    expect(caseName(c)).toBe('linear');
  });

  it('classifies hvp and error cases by their fields', () => {
    const h = parseCase(
      {
        id: 'hvp/000',
        fn: 'softmax_dot',
        definition: '...',
        inputs: { x: T([1], [1]), target: T([1], [0], 'int32') },
        output: T([], [0]),
        grads: { x: T([1], [0]) },
        vector: { x: T([1], [1]) },
        hvp: { x: T([1], [0]) },
      },
      0,
    );
    expect(h.kind).toBe('hvp');
    expect(caseName(h)).toBe('softmax_dot');
    if (h.kind === 'hvp') expect(h.inputs[1][1].dtype).toBe('int32');
    const e = parseCase(
      {
        id: 'nllLoss/000',
        op: 'nllLoss',
        args: { reduction: 'mean' },
        inputShapes: { input: [4, 3], target: [3] },
        inputValues: { target: T([3], [0, 1, 2], 'int32') },
        why: 'batch size',
      },
      1,
    );
    expect(e.kind).toBe('error');
    if (e.kind !== 'error') return;
    expect(e.inputShapes).toEqual([
      ['input', [4, 3]],
      ['target', [3]],
    ]);
    expect(e.inputValues.target.dtype).toBe('int32');
  });

  it('a malformed case becomes a "bad" case (a failure), never an exception', () => {
    const b = parseCase({ id: 'add/009', op: 'add', args: {}, inputs: {}, cotangent: T([], [1]) }, 3);
    expect(b).toMatchObject({ kind: 'bad', id: 'add/009', name: 'add' });
    expect(parseCase({ id: 'x' }, 0)).toMatchObject({ kind: 'bad', name: '(no op)' });
  });
});

describe('fixture files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lucid-conformance-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists *.json files of each directory in name order and reads them', () => {
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'z.json'), JSON.stringify({ generator: 'g', dtype: 'float64', cases: [] }));
    writeFileSync(join(dir, 'a', 'b.json'), '{"cases": [{"id": "q"}]}');
    writeFileSync(join(dir, 'a', 'README.md'), '# not a fixture');
    const paths = fixturePaths([join(dir, 'a')]);
    expect(paths).toEqual([join(dir, 'a', 'b.json'), join(dir, 'a', 'z.json')]);
    expect(() => fixturePaths([join(dir, 'missing')])).toThrow(/cannot read fixture directory/);
  });

  it('parseFixture rejects invalid JSON and files without cases', () => {
    expect(() => parseFixture('{', 'f.json')).toThrow(/f.json: invalid JSON/);
    expect(() => parseFixture('{"tests": []}', 'f.json')).toThrow(
      'f.json: expected an object with a "cases" array',
    );
    const f = parseFixture('{"generator": "gen", "cases": [3]}');
    expect(f.generator).toBe('gen');
    expect(f.cases[0]).toMatchObject({ kind: 'bad' });
  });
});
