import {
  ArgumentError,
  arange,
  array,
  type DType,
  DTypeError,
  fromTypedArray,
  type NDArray,
  zeros,
} from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNpy, saveNpy } from './npy.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** A version-1.0 file around a header text (padded by numpy's rule unless `raw`) and data bytes. */
function npy(dict: string, data: Uint8Array, { raw = false, version = [1, 0] } = {}): Uint8Array {
  const text = raw ? dict : `${dict}${' '.repeat(64 - ((10 + dict.length + 1) % 64))}\n`;
  const len =
    version[0] === 1 ? [text.length & 0xff, text.length >> 8] : [text.length & 0xff, text.length >> 8, 0, 0];
  return concat(hex('934e554d5059'), Uint8Array.from(version), Uint8Array.from(len), ascii(text), data);
}
const same = (a: NDArray, b: NDArray) => {
  expect(a.dtype).toBe(b.dtype);
  expect(a.shape).toEqual(b.shape);
  expect(a.toArray()).toEqual(b.toArray());
};

describe('files written by numpy', () => {
  // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) with numpy 2.x, byte for byte.
  const numpyF4 = concat(
    hex('934e554d505901007600'),
    ascii(`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(58)}\n`),
    hex('000000000000803f0000004000004040000080400000a040'),
  );

  it('loads np.arange(6, dtype="<f4").reshape(2, 3)', () => {
    expect(numpyF4.length).toBe(152);
    same(loadNpy(numpyF4), arange(6).astype('float32').reshape(2, 3));
  });

  it('saveNpy writes exactly the bytes numpy writes', () => {
    expect(saveNpy(arange(6).astype('float32').reshape(2, 3))).toEqual(numpyF4);
  });

  it('transposes Fortran order: np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3))', () => {
    const f = npy(
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }",
      hex('000000000300000001000000040000000200000005000000'),
    );
    const a = loadNpy(f);
    same(a, arange(6).reshape(2, 3));
    expect(a.isContiguous).toBe(true);
    const f3 = npy(
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2, 2), }",
      saveNpy(arange(8).reshape(2, 2, 2).transpose().copy()).subarray(128),
    );
    same(loadNpy(f3), arange(8).reshape(2, 2, 2));
  });

  it('swaps big-endian data: np.array([1.5, -2], dtype=">f8")', () => {
    same(
      loadNpy(
        npy(
          "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
          hex('3ff8000000000000c000000000000000'),
        ),
      ),
      array([1.5, -2], { dtype: 'float64' }),
    );
  });

  it('reads version 2.0 headers (bool) and 3.0 (utf-8)', () => {
    const v2 = npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", hex('010001'), {
      version: [2, 0],
    });
    same(loadNpy(v2), array([true, false, true]));
    const v3 = npy("{'descr': '<f8', 'shape': (), 'fortran_order': False}  \n", hex('000000000000f03f'), {
      raw: true,
      version: [3, 0],
    });
    same(loadNpy(v3), array(1, { dtype: 'float64' }));
  });

  it('widens other numeric types: <f2 to float32, <i8 |u1 <u2 to int32', () => {
    same(
      loadNpy(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", hex('003c00b8ff7b007c0100'))),
      array([1, -0.5, 65504, Number.POSITIVE_INFINITY, 2 ** -24]).astype('float32'),
    );
    same(
      loadNpy(
        npy(
          "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
          hex('0100000000000000fbffffffffffffffffffff7f00000000'),
        ),
      ),
      array([1, -5, 2 ** 31 - 1]),
    );
    same(
      loadNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }", hex('00ff'))),
      array([[0, 255]]),
    );
    same(
      loadNpy(npy("{'descr': '>u2', 'fortran_order': False, 'shape': (1,), }", hex('0102'))),
      array([258]),
    );
  });

  it('rejects 64-bit integers outside int32 with a DTypeError', () => {
    const big = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", hex('0000000001000000'));
    expect(() => loadNpy(big)).toThrow(DTypeError);
    expect(() => loadNpy(big)).toThrow(
      'loadNpy: the <i8 data holds 4294967296 at element 0, outside the int32 range of the dtype it loads as',
    );
  });
});

/** An independent minimal reader: magic, v1.0 length, a regex over the header, DataView over the data. */
function minimalRead(bytes: Uint8Array): { descr: string; shape: number[]; values: number[] } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
  const hlen = bytes[8] | (bytes[9] << 8);
  expect((10 + hlen) % 64).toBe(0);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + hlen));
  expect(header.endsWith('\n')).toBe(true);
  const m = /^\{'descr': '([<|]\w\d)', 'fortran_order': False, 'shape': \(([\d, ]*)\), \} *\n$/.exec(header);
  if (!m) throw new Error(`unexpected header ${header}`);
  const shape =
    m[2] === ''
      ? []
      : m[2]
          .split(',')
          .filter((s) => s.trim() !== '')
          .map(Number);
  const view = new DataView(bytes.buffer, bytes.byteOffset + 10 + hlen);
  const size = { '<f4': 4, '<f8': 8, '<i4': 4, '|b1': 1 }[m[1]] as number;
  const values: number[] = [];
  for (let at = 0; at < view.byteLength; at += size) {
    if (m[1] === '<f4') values.push(view.getFloat32(at, true));
    else if (m[1] === '<f8') values.push(view.getFloat64(at, true));
    else if (m[1] === '<i4') values.push(view.getInt32(at, true));
    else values.push(view.getUint8(at));
  }
  return { descr: m[1], shape, values };
}

const dtypes: DType[] = ['float32', 'float64', 'int32', 'bool'];
const arrayArb = fc
  .record({
    dtype: fc.constantFrom(...dtypes),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    seed: fc.integer(),
    view: fc.constantFrom('plain', 'flip', 'transpose'),
  })
  .map(({ dtype, shape, seed, view }) => {
    const n = shape.reduce((a, d) => a * d, 1);
    let x = seed;
    const data = Array.from({ length: n }, () => {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      return dtype === 'bool' ? x & 1 : dtype === 'int32' ? x : x / 7919;
    });
    const base = array(new Float64Array(data)).astype(dtype).reshape(shape);
    if (view === 'flip' && shape.length > 0) return base.flip();
    if (view === 'transpose') return base.transpose();
    return base;
  });

describe('round trips', () => {
  it('every dtype, 0-d and size-0 shapes, strided views', () => {
    fc.assert(
      fc.property(arrayArb, (a) => {
        const bytes = saveNpy(a);
        same(loadNpy(bytes), a);
        const r = minimalRead(bytes);
        expect(r.shape).toEqual(a.shape);
        expect(r.values).toEqual(a.contiguous().reshape(-1).toArray());
      }),
      { seed: 99, numRuns: 150 },
    );
  });

  it('special float values and a subarray input', () => {
    const specials = array([Number.NaN, Number.POSITIVE_INFINITY, -0, 5e-324, Number.MAX_VALUE], {
      dtype: 'float64',
    });
    const back = loadNpy(saveNpy(specials));
    expect(Object.is(back.get(2), -0)).toBe(true);
    expect(back.toArray()).toEqual(specials.toArray());
    const file = saveNpy(zeros([2, 2]));
    const padded = new Uint8Array(file.length + 7);
    padded.set(file, 3);
    same(loadNpy(padded.subarray(3, 3 + file.length)), zeros([2, 2]));
    same(loadNpy(saveNpy(fromTypedArray(new Int32Array([7]), []))), array(7));
  });
});

describe('malformed files throw a clear ArgumentError', () => {
  const good = saveNpy(array([1, 2, 3]).astype('float32'));
  const header = (dict: string, data = new Uint8Array(0)) => npy(dict, data);
  const cases: [string, Uint8Array, RegExp | string][] = [
    ['empty', new Uint8Array(0), 'it has 0 bytes, too few for the magic, version and header length'],
    ['wrong magic', concat(ascii('PK\x03\x04xxxxxxxx')), 'bytes 0-5 are not the magic'],
    [
      'unknown version',
      concat(good.subarray(0, 6), Uint8Array.from([4, 0]), good.subarray(8)),
      'version 4.0 (bytes 6-7) is not 1.0, 2.0 or 3.0',
    ],
    [
      'header longer than the file',
      good.subarray(0, 60),
      'the header length (bytes 8-9) is 118 but only 50 bytes follow (truncated file?)',
    ],
    [
      'truncated data',
      good.subarray(0, good.length - 1),
      /needs 12 data bytes after the header \(from byte 128\), got 11 \(truncated file\?\)/,
    ],
    ['trailing bytes', concat(good, Uint8Array.from([0])), /got 13 \(trailing bytes\)/],
    ['not a dict', header("['descr', '<f4']"), /must be a dict/],
    [
      'not a literal',
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), "),
      /is not a Python literal: expected ',' or '}'|unexpected end/,
    ],
    ['unterminated string', header("{'descr: '<f4'}"), /not a Python literal/],
    ['hostile nesting', header(`{'descr': ${'('.repeat(5000)}`), /nesting too deep/],
    [
      'descr not a string',
      header("{'descr': 4, 'fortran_order': False, 'shape': (), }"),
      "'descr' must be a string",
    ],
    [
      'missing key',
      header("{'descr': '<f4', 'shape': (3,), }"),
      'must have exactly the keys descr, fortran_order, shape, got descr, shape',
    ],
    [
      'extra key',
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1, }"),
      /got descr, fortran_order, shape, x/,
    ],
    [
      'duplicate key',
      header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (), }"),
      /duplicate key 'descr'/,
    ],
    [
      'shape is not a tuple',
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }"),
      "'shape' must be a tuple of integers >= 0",
    ],
    [
      'negative dimension',
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"),
      /'shape' must be a tuple/,
    ],
    [
      'fortran_order not a bool',
      header("{'descr': '<f4', 'fortran_order': 0, 'shape': (), }"),
      "'fortran_order' must be True or False",
    ],
    [
      'garbage after the dict',
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (), } x"),
      /unexpected text after the dict/,
    ],
    [
      'bad utf-8 in a 3.0 header',
      npy('{\xff}', new Uint8Array(0), { version: [3, 0] }),
      /is not valid UTF-8/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      expect(() => loadNpy(bytes)).toThrow(ArgumentError);
      expect(() => loadNpy(bytes)).toThrow(message);
    });
  }

  it('unsupported dtypes are a DTypeError', () => {
    expect(() => loadNpy(header("{'descr': '<c8', 'fortran_order': False, 'shape': (), }"))).toThrow(
      "loadNpy: dtype '<c8' is not supported (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order)",
    );
    expect(() => loadNpy(header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (), }"))).toThrow(
      "loadNpy: structured dtypes (a list 'descr') are not supported",
    );
    expect(() => loadNpy(header("{'descr': '<U3', 'fortran_order': False, 'shape': (), }"))).toThrow(
      DTypeError,
    );
  });

  it('rejects inputs that are not bytes', () => {
    expect(() => loadNpy([1, 2] as never)).toThrow('loadNpy: bytes must be a Uint8Array, got [object Array]');
    expect(() => saveNpy({} as never)).toThrow(ArgumentError);
  });

  it('every truncation of a valid file is rejected', () => {
    const file = saveNpy(arange(5).astype('float64'));
    for (let n = 0; n < file.length; n++) expect(() => loadNpy(file.subarray(0, n))).toThrow(ArgumentError);
  });

  it('random corruption gives a result or a named error, never a crash', () => {
    const file = saveNpy(arange(6).astype('float32').reshape(2, 3));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bad = file.slice();
        bad[at] = byte;
        try {
          loadNpy(bad);
        } catch (e) {
          expect(['ArgumentError', 'DTypeError']).toContain((e as Error).name);
        }
      }),
      { seed: 5, numRuns: 400 },
    );
  });
});
