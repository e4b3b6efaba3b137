import {
  ArgumentError,
  arange,
  array,
  type DType,
  DTypeError,
  type NDArray,
  ShapeError,
  zeros,
} from '@lucid-ts/ndarray';
import { type PyTree, treeLeaves } from '@lucid-ts/ops';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, readSafetensors, saveSafetensors } from './safetensors.js';

const enc = new TextEncoder();
/** A file from a header object (or raw JSON text) and data bytes, built by hand. */
function file(header: object | string, data: number[] | Uint8Array = [], pad = true): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const h = enc.encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
const le = (kind: 'f32' | 'f64' | 'i32' | 'i64' | 'u16', values: number[]) => {
  const size = { f32: 4, f64: 8, i32: 4, i64: 8, u16: 2 }[kind];
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => {
    if (kind === 'f32') v.setFloat32(i * 4, x, true);
    else if (kind === 'f64') v.setFloat64(i * 8, x, true);
    else if (kind === 'i32') v.setInt32(i * 4, x, true);
    else if (kind === 'i64') v.setBigInt64(i * 8, BigInt(x), true);
    else v.setUint16(i * 2, x, true);
  });
  return Array.from(new Uint8Array(v.buffer));
};
const same = (a: NDArray, b: NDArray) => {
  expect(a.dtype).toBe(b.dtype);
  expect(a.shape).toEqual(b.shape);
  expect(a.toArray()).toEqual(b.toArray());
};
const f64 = (v: number[]) => array(v, { dtype: 'float64' });

/**
 * An independent minimal reader following the spec: u64 header size, JSON padded with spaces to a
 * multiple of 8, entries sorted by name with contiguous data in that order covering every byte.
 */
function minimalRead(
  bytes: Uint8Array,
): Record<string, { dtype: string; shape: number[]; values: number[] }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  expect(n % 8).toBe(0);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  expect(text).toMatch(/^\{.*\} *$/s);
  const header = JSON.parse(text) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  // JSON.parse puts integer-like keys first, so take the file's order from the offsets (empty tensors
  // share an offset: any order of those is the same file).
  const at = (k: string) => header[k].data_offsets;
  const names = Object.keys(header)
    .filter((k) => k !== '__metadata__')
    .sort((a, b) => at(a)[0] - at(b)[0] || at(a)[1] - at(b)[1] || (a < b ? -1 : 1));
  expect(names).toEqual([...names].sort());
  const out = new Map<string, { dtype: string; shape: number[]; values: number[] }>();
  let expected = 0;
  const size = { F32: 4, F64: 8, I32: 4, BOOL: 1 } as Record<string, number>;
  for (const name of names) {
    const {
      dtype,
      shape,
      data_offsets: [b, e],
    } = header[name];
    expect(b).toBe(expected);
    expect(e - b).toBe(shape.reduce((x, d) => x * d, 1) * size[dtype]);
    expected = e;
    const values: number[] = [];
    for (let at = 8 + n + b; at < 8 + n + e; at += size[dtype]) {
      if (dtype === 'F32') values.push(view.getFloat32(at, true));
      else if (dtype === 'F64') values.push(view.getFloat64(at, true));
      else if (dtype === 'I32') values.push(view.getInt32(at, true));
      else values.push(view.getUint8(at));
    }
    out.set(name, { dtype, shape, values });
  }
  expect(8 + n + expected).toBe(bytes.length);
  return Object.fromEntries(out);
}

describe('a file written by hand, as Python safetensors writes it', () => {
  // safetensors.torch.save_file({'weight': torch.arange(4.).reshape(2, 2), 'bias': torch.tensor([1., -1.]),
  //   'bn.num_batches_tracked': torch.tensor(7)}, metadata={'format': 'pt'})
  const bytes = file(
    {
      __metadata__: { format: 'pt' },
      'bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [0, 8] },
      weight: { dtype: 'F32', shape: [2, 2], data_offsets: [8, 24] },
      bias: { dtype: 'F32', shape: [2], data_offsets: [24, 32] },
    },
    [...le('i64', [7]), ...le('f32', [0, 1, 2, 3]), ...le('f32', [1, -1])],
  );

  it('reads the flat dict and the metadata', () => {
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors)).toEqual(['bn.num_batches_tracked', 'weight', 'bias']);
    same(tensors.weight, arange(4).astype('float32').reshape(2, 2));
    same(tensors['bn.num_batches_tracked'], array(7)); // I64 loads as int32
  });

  it('loads it as a nested tree', () => {
    const tree = loadSafetensors(bytes) as {
      weight: NDArray;
      bias: NDArray;
      bn: { num_batches_tracked: NDArray };
    };
    same(tree.bias, array([1, -1]).astype('float32'));
    same(tree.bn.num_batches_tracked, array(7));
  });

  it('widens F16, BF16 and small integers', () => {
    const halfs = file(
      {
        h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] },
        u: { dtype: 'U8', shape: [2], data_offsets: [10, 12] },
      },
      [...le('u16', [0x3c00, 0xc000, 0x7c00]), ...le('u16', [0x3f80, 0xc0a0]), 255, 0],
    );
    const { tensors } = readSafetensors(halfs);
    same(tensors.h, array([1, -2, Number.POSITIVE_INFINITY]).astype('float32'));
    same(tensors.b, array([1, -5]).astype('float32'));
    same(tensors.u, array([255, 0]));
  });
});

const dtypes: DType[] = ['float32', 'float64', 'int32', 'bool'];
const leafArb = fc
  .record({
    dtype: fc.constantFrom(...dtypes),
    shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    seed: fc.integer(),
  })
  .map(({ dtype, shape, seed }) => {
    let x = seed;
    const n = shape.reduce((a, d) => a * d, 1);
    const data = Array.from({ length: n }, () => {
      x = (Math.imul(x, 69069) + 1) | 0;
      return dtype === 'bool' ? x & 1 : x / 64;
    });
    return array(new Float64Array(data)).astype(dtype).reshape(shape);
  });
const keyArb = fc.constantFrom('weight', 'bias', 'layers', 'a', 'b_1', '__proto__', 'ñ');
const treeArb = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    fc.dictionary(keyArb, tie('node'), { minKeys: 1, maxKeys: 3 }),
  ),
})).node;
const rootArb = fc.oneof(
  fc.dictionary(keyArb, treeArb, { minKeys: 1, maxKeys: 3 }),
  fc.array(treeArb, { minLength: 1, maxLength: 3 }),
);
const sameTree = (a: unknown, b: unknown) => {
  if (a instanceof Object && 'dtype' in a) return same(a as NDArray, b as NDArray);
  expect(Array.isArray(b)).toBe(Array.isArray(a));
  expect(Object.keys(b as object).sort()).toEqual(Object.keys(a as object).sort());
  for (const k of Object.keys(a as object))
    sameTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
};

describe('round trips', () => {
  it('nested trees of every dtype, 0-d and size-0 arrays, with and without like', () => {
    fc.assert(
      fc.property(rootArb, (tree) => {
        const bytes = saveSafetensors(tree as PyTree);
        sameTree(tree, loadSafetensors(bytes));
        sameTree(tree, loadSafetensors(bytes, { like: tree as PyTree }));
        const flat = minimalRead(bytes);
        expect(Object.keys(flat)).toHaveLength(treeLeaves(tree as PyTree).length);
      }),
      { seed: 2024, numRuns: 150 },
    );
  });

  it('the independent reader sees the exact values and names', () => {
    const params = [
      { weight: arange(6).astype('float32').reshape(2, 3).transpose(), bias: f64([0.5, -1]) },
      { m: array([true, false]), n: array(3) },
    ];
    const flat = minimalRead(saveSafetensors(params, { metadata: { format: 'pt' } }));
    expect(flat).toEqual({
      '0.bias': { dtype: 'F64', shape: [2], values: [0.5, -1] },
      '0.weight': { dtype: 'F32', shape: [3, 2], values: [0, 3, 1, 4, 2, 5] },
      '1.m': { dtype: 'BOOL', shape: [2], values: [1, 0] },
      '1.n': { dtype: 'I32', shape: [], values: [3] },
    });
    expect(readSafetensors(saveSafetensors(params, { metadata: { format: 'pt' } })).metadata).toEqual({
      format: 'pt',
    });
    expect(readSafetensors(saveSafetensors(params)).metadata).toBeNull();
  });

  it('rebuilds arrays from integer levels, past 10 items', () => {
    const layers = Array.from({ length: 12 }, (_, i) => ({ w: f64([i]) }));
    const back = loadSafetensors(saveSafetensors({ layers })) as { layers: { w: NDArray }[] };
    expect(back.layers.map((l) => l.w.item())).toEqual(layers.map((_, i) => i));
    // Sparse integer keys stay an object.
    expect(loadSafetensors(saveSafetensors({ x: { 0: f64([1]), 2: f64([2]) } }))).toEqual({
      x: { 0: expect.anything(), 2: expect.anything() },
    });
  });

  it('like restores numbers, booleans, empty subtrees and exact structure', () => {
    const state = { step: 12, flag: true, buffers: { w: zeros([2]), none: null, empty: [] as never[] } };
    const back = loadSafetensors(saveSafetensors(state), { like: state });
    expect(back.step).toBe(12);
    expect(back.flag).toBe(true);
    expect(back.buffers.none).toBeNull();
    expect(back.buffers.empty).toEqual([]);
    same(back.buffers.w, zeros([2]));
    expect(loadSafetensors(saveSafetensors({}))).toEqual({});
  });

  it('like checks shapes, dtypes and names', () => {
    const bytes = saveSafetensors({ w: zeros([2, 3]), b: zeros([3]) });
    expect(() => loadSafetensors(bytes, { like: { w: zeros([3, 2]), b: zeros([3]) } })).toThrow(ShapeError);
    expect(() => loadSafetensors(bytes, { like: { w: zeros([3, 2]), b: zeros([3]) } })).toThrow(
      "loadSafetensors: tensor 'w' has shape [2,3] in the file, expected [3,2] as in like",
    );
    const like64 = { w: zeros([2, 3], { dtype: 'float64' }), b: zeros([3]) };
    expect(() => loadSafetensors(bytes, { like: like64 })).toThrow(DTypeError);
    expect(() =>
      loadSafetensors(bytes, { like: { w: zeros([2, 3], { dtype: 'float64' }), b: zeros([3]) } }),
    ).toThrow(
      "loadSafetensors: tensor 'w' is F32 (loads as float32) in the file, expected float64 as in like",
    );
    expect(() =>
      loadSafetensors(bytes, { like: { w: zeros([2, 3]), b: zeros([3]), c: zeros([1]) } }),
    ).toThrow("loadSafetensors: the file has no tensor 'c' that like expects");
    expect(() => loadSafetensors(bytes, { like: { w: zeros([2, 3]) } })).toThrow(
      "the file has tensor 'b' that like does not have",
    );
    expect(() => loadSafetensors(bytes, { like: { w: zeros([2, 3]), b: 1 } })).toThrow(
      /must be 0-d to restore the number/,
    );
    expect(() => loadSafetensors(bytes, { like: zeros([2]) })).toThrow(
      'loadSafetensors: like must be an object or array, got a single leaf',
    );
  });
});

describe('saving refuses what it cannot name', () => {
  it('a bare leaf, duplicate names, the reserved name, non-string metadata', () => {
    expect(() => saveSafetensors(zeros([2]))).toThrow(
      /tree must be an object or array of arrays, got a single leaf/,
    );
    expect(() => saveSafetensors({ 'a.b': zeros([1]), a: { b: zeros([1]) } })).toThrow(
      "saveSafetensors: two leaves have the same name 'a.b'",
    );
    expect(() => saveSafetensors({ __metadata__: zeros([1]) })).toThrow(/'__metadata__' is reserved/);
    expect(() => saveSafetensors({ a: zeros([1]) }, { metadata: { v: 1 as never } })).toThrow(
      /metadata values must be strings/,
    );
  });

  it('names a flat state_dict keeps as given', () => {
    const back = readSafetensors(saveSafetensors({ 'encoder.0.weight': zeros([1]) })).tensors;
    expect(Object.keys(back)).toEqual(['encoder.0.weight']);
  });
});

describe('malformed files throw a clear ArgumentError, before creating any array', () => {
  const w = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const data = le('f32', [1, 2]);
  const cases: [string, Uint8Array, string | RegExp][] = [
    [
      'empty',
      new Uint8Array(0),
      'readSafetensors: not a valid safetensors file: it has 0 bytes, fewer than the 8-byte header length',
    ],
    [
      'header length past the end',
      file({ w }, data).subarray(0, 20),
      /the header length \(bytes 0-7\) is 56 but only 12 bytes follow \(truncated file\?\)/,
    ],
    [
      'absurd header length',
      Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255, 123]),
      /more than the limit of 100000000/,
    ],
    ['header not starting with {', file(' {}'), "the JSON header at byte 8 must start with '{'"],
    ['invalid JSON', file('{"w": '), /the header \(bytes 8-15\) is not valid JSON/],
    [
      'invalid UTF-8',
      file(new TextDecoder('latin1').decode(Uint8Array.from([0x7b, 0xff, 0x7d]))).map((b, i) =>
        i === 9 ? 0xff : b,
      ),
      /is not valid UTF-8/,
    ],
    ['a JSON array', file('[1]'), /must start with '\{'/],
    ['entry not an object', file({ w: 3 }), "tensor 'w' must be described by an object"],
    [
      'missing dtype',
      file({ w: { shape: [2], data_offsets: [0, 8] } }, data),
      `tensor 'w' has no string "dtype"`,
    ],
    [
      'bad shape',
      file({ w: { ...w, shape: [2, -1] } }, data),
      /tensor 'w' "shape" must be an array of integers >= 0, got \[2,-1\]/,
    ],
    ['fractional shape', file({ w: { ...w, shape: [1.5] } }, data), /"shape" must be an array of integers/],
    ['bad offsets', file({ w: { ...w, data_offsets: [0] } }, data), /"data_offsets" must be \[begin, end\]/],
    [
      'reversed offsets',
      file({ w: { ...w, data_offsets: [8, 0] } }, data),
      "tensor 'w' data_offsets [8, 0] end before they begin",
    ],
    [
      'offsets past the data (truncated)',
      file({ w }, data.slice(0, 6)),
      /tensor 'w' data_offsets \[0, 8\] run past the 6 data bytes \(file bytes 64-69; truncated file\?\)/,
    ],
    [
      'size does not match the shape',
      file({ w: { ...w, shape: [3] } }, data),
      "tensor 'w' of F32 [3] needs 12 bytes, but its data_offsets [0, 8] span 8",
    ],
    [
      'overlap',
      file({ a: w, b: { ...w, data_offsets: [4, 12] } }, [...data, 0, 0, 0, 0]),
      "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]",
    ],
    [
      'gap',
      file({ a: { ...w, data_offsets: [4, 12] } }, [0, 0, 0, 0, ...data]),
      "data bytes 0-3 belong to no tensor (before tensor 'a')",
    ],
    ['trailing bytes', file({ w }, [...data, 9]), 'data bytes 8-8 after the last tensor belong to no tensor'],
    ['metadata not an object', file({ __metadata__: [1] }), '"__metadata__" must be an object'],
    [
      'metadata value not a string',
      file({ __metadata__: { n: 1 } }),
      `"__metadata__" values must be strings, got 1 for 'n'`,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      expect(() => loadSafetensors(bytes)).toThrow(ArgumentError);
      expect(() => readSafetensors(bytes)).toThrow(message);
    });
  }

  it('unknown dtypes are a DTypeError; 64-bit values must fit int32', () => {
    expect(() =>
      readSafetensors(file({ w: { dtype: 'C64', shape: [], data_offsets: [0, 8] } }, le('f64', [0]))),
    ).toThrow(/readSafetensors: tensor 'w' has dtype "C64", supported: BOOL, U8/);
    expect(() =>
      readSafetensors(file({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, le('i64', [2 ** 40]))),
    ).toThrow(
      "readSafetensors: tensor 'w' (I64) holds 1099511627776 at element 0, outside the int32 range of the dtype it loads as",
    );
  });

  it('names that cannot form a tree are refused without like', () => {
    const two = (a: string, b: string) =>
      file({ [a]: { ...w, data_offsets: [0, 8] }, [b]: { ...w, data_offsets: [8, 16] } }, [...data, ...data]);
    expect(() => loadSafetensors(two('a', 'a.b'))).toThrow(
      /tensor 'a' is also a prefix of other tensor names|is below tensor 'a'/,
    );
    expect(() => loadSafetensors(two('a.b', 'a'))).toThrow(ArgumentError);
    expect(() => loadSafetensors(two('a..b', 'c'))).toThrow(
      "loadSafetensors: tensor name 'a..b' has an empty path segment; read it with readSafetensors, or pass like",
    );
    expect(Object.keys(readSafetensors(two('a', 'a.b')).tensors)).toEqual(['a', 'a.b']);
  });

  it('a __proto__ name stays an ordinary key', () => {
    const header = `{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`;
    const back = loadSafetensors(file(header, [...data, ...data])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'x']);
  });

  it('every truncation of a valid file is rejected', () => {
    const bytes = saveSafetensors(
      { a: zeros([3]), b: [array([1, 2]), array(true)] },
      { metadata: { k: 'v' } },
    );
    for (let n = 0; n < bytes.length; n++)
      expect(() => loadSafetensors(bytes.subarray(0, n))).toThrow(ArgumentError);
  });

  it('random corruption gives a result or a named error, never a crash', () => {
    const bytes = saveSafetensors({ a: zeros([3]), b: [f64([1, 2]), array([7])] });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bytes.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (at, byte) => {
          const bad = bytes.slice();
          bad[at] = byte;
          try {
            loadSafetensors(bad);
          } catch (e) {
            expect(['ArgumentError', 'DTypeError']).toContain((e as Error).name);
          }
        },
      ),
      { seed: 17, numRuns: 500 },
    );
  });

  it('rejects inputs that are not bytes', () => {
    expect(() => loadSafetensors('abc' as never)).toThrow(
      'loadSafetensors: bytes must be a Uint8Array, got [object String]',
    );
  });
});
