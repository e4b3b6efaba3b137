/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), byte-based
 * so it runs in browsers: the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), the header length (2 bytes
 * in 1.0, 4 after), a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
 * padded with spaces and a newline so the data starts on a 64-byte boundary, then the raw elements.
 */
import { ArgumentError, type DType, DTypeError, fmtShape, isNDArray, NDArray } from '@lucid-ts/ndarray';
import { decode, encode, type WireType, wireOf } from './codec.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<DType, string> = { float32: '<f4', float64: '<f8', int32: '<i4', bool: '|b1' };
/** numpy leaves room for the first axis to grow to this many digits, so headers can be rewritten in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * Serialises an array to .npy bytes (version 1.0, C order, little-endian), byte for byte what
 * `numpy.save` writes for the same array. Any view is written in its logical C order.
 * @example saveNpy(arange(6, { dtype: 'float32' }).reshape(2, 3)) // numpy.save(f, np.arange(6, dtype='<f4').reshape(2, 3))
 */
export function saveNpy(array: NDArray): Uint8Array {
  if (!isNDArray(array)) {
    throw new ArgumentError(
      `saveNpy: array must be an NDArray, got ${Object.prototype.toString.call(array)}`,
    );
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  if (array.shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(array.shape[0]).length);
  // numpy's _wrap_header: at least one space of padding, then '\n', ending on a 64-byte boundary.
  let lengthBytes = 2;
  let total = 6 + 2 + lengthBytes + dict.length + 1;
  let pad = 64 - (total % 64);
  if (dict.length + 1 + pad > 0xffff) {
    lengthBytes = 4;
    total = 6 + 2 + lengthBytes + dict.length + 1;
    pad = 64 - (total % 64);
  }
  const headerLength = dict.length + pad + 1;
  const dataStart = 6 + 2 + lengthBytes + headerLength;
  const out = new Uint8Array(dataStart + array.size * wireOf(array.dtype).size);
  out.set(MAGIC, 0);
  out[6] = lengthBytes === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lengthBytes === 2) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const at = 8 + lengthBytes;
  for (let i = 0; i < dict.length; i++) out[at + i] = dict.charCodeAt(i);
  out.fill(0x20, at + dict.length, dataStart - 1);
  out[dataStart - 1] = 0x0a;
  encode(array, out, dataStart);
  return out;
}

/**
 * Reads .npy bytes (versions 1.0, 2.0 and 3.0) into a C-contiguous NDArray. `<f4`, `<f8`, `<i4` and `|b1`
 * load as float32, float64, int32 and bool; big-endian data is swapped; `f2` widens to float32 and the
 * other integer types to int32 (64-bit and uint32 values must fit). Fortran-ordered files are transposed
 * into C order. Python: `numpy.load(f)`.
 * @example loadNpy(bytes).shape // [2, 3]
 */
export function loadNpy(bytes: Uint8Array): NDArray {
  const fn = 'loadNpy';
  const bad = (why: string): never => {
    throw new ArgumentError(`${fn}: not a valid .npy file: ${why}`);
  };
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(
      `${fn}: bytes must be a Uint8Array, got ${Object.prototype.toString.call(bytes)}`,
    );
  }
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    bad(
      bytes.length < 10
        ? `it has ${bytes.length} bytes, too few for the magic, version and header length`
        : 'bytes 0-5 are not the magic "\\x93NUMPY"',
    );
  }
  const [major, minor] = [bytes[6], bytes[7]];
  if (!(major >= 1 && major <= 3) || minor !== 0)
    bad(`version ${major}.${minor} (bytes 6-7) is not 1.0, 2.0 or 3.0`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes)
    bad(`it has ${bytes.length} bytes, too few for a version ${major}.0 header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLength = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    bad(
      `the header length (bytes 8-${headerStart - 1}) is ${headerLength} but only ${bytes.length - headerStart} bytes follow (truncated file?)`,
    );
  }
  const raw = bytes.subarray(headerStart, dataStart);
  let text = '';
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      bad(`the header (bytes ${headerStart}-${dataStart - 1}) is not valid UTF-8`);
    }
  } else {
    // latin-1 byte by byte: TextDecoder's 'latin1' is really windows-1252.
    for (const b of raw) text += String.fromCharCode(b);
  }
  const where = `the header (bytes ${headerStart}-${dataStart - 1}) `;
  let dict: PyValue;
  try {
    dict = new PyLiteral(text).parseAll();
  } catch (e) {
    return bad(`${where}is not a Python literal: ${(e as Error).message}`);
  }
  if (!(dict instanceof Map)) return bad(`${where}must be a dict, got ${text.trim().slice(0, 60)}`);
  const keys = [...dict.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape')
    bad(`${where}must have exactly the keys descr, fortran_order, shape, got ${keys}`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shapeValue = dict.get('shape');
  if (typeof fortran !== 'boolean') return bad(`${where}'fortran_order' must be True or False`);
  if (!(shapeValue instanceof Tuple) || !shapeValue.items.every((d) => typeof d === 'number' && d >= 0)) {
    return bad(`${where}'shape' must be a tuple of integers >= 0`);
  }
  const shape = shapeValue.items as number[];
  if (Array.isArray(descr))
    throw new DTypeError(`${fn}: structured dtypes (a list 'descr') are not supported`);
  if (typeof descr !== 'string') return bad(`${where}'descr' must be a string`);
  const wire = parseDescr(descr);
  if (!wire) {
    throw new DTypeError(
      `${fn}: dtype '${descr}' is not supported (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order)`,
    );
  }
  const size = shape.reduce((a, d) => a * d, 1);
  const expected = size * wire.size;
  const got = bytes.length - dataStart;
  if (!Number.isSafeInteger(expected) || got !== expected) {
    bad(
      `a ${descr} array of shape ${fmtShape(shape)} needs ${expected} data bytes after the header (from byte ${dataStart}), ` +
        `got ${got}${got < expected ? ' (truncated file?)' : ' (trailing bytes)'}`,
    );
  }
  const data = decode(fn, `the ${descr} data`, bytes, dataStart, size, wire);
  if (!fortran || shape.length < 2) return new NDArray(data, shape);
  // Fortran order is C order of the reversed shape; reversing the axes back gives the array.
  return new NDArray(data, shape.slice().reverse()).transpose().contiguous();
}

function parseDescr(descr: string): WireType | null {
  const m = /^([<>|=]?)([biuf])(\d+)$/.exec(descr);
  if (!m) return null;
  const kind = m[2] as 'b' | 'i' | 'u' | 'f';
  const size = Number(m[3]);
  const ok = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8] }[kind].includes(size);
  if (!ok) return null;
  return { kind, size: size as WireType['size'], littleEndian: m[1] !== '>' };
}

class Tuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyValue[] | Tuple | Map<string, PyValue>;

/** The Python literal subset numpy headers use: dicts, tuples, lists, strings, ints, True/False/None. */
class PyLiteral {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): PyValue {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected text after the dict');
    return v;
  }

  private fail(why: string): never {
    throw new Error(`${why} at character ${this.i}`);
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i])) this.i++;
  }

  private value(depth = 0): PyValue {
    // numpy headers nest two levels; a bound keeps a hostile header from exhausting the stack.
    if (depth > 16) this.fail('nesting too deep');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.dict(depth + 1);
    if (c === '(' || c === '[') return this.sequence(c === '(' ? ')' : ']', depth + 1);
    if (c === "'" || c === '"') return this.string();
    const word = /^(True|False|None|-?\d+[lL]?)/.exec(this.s.slice(this.i, this.i + 32));
    if (!word) return this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    this.i += word[1].length;
    if (word[1] === 'True' || word[1] === 'False') return word[1] === 'True';
    if (word[1] === 'None') return null;
    return Number.parseInt(word[1], 10);
  }

  private dict(depth: number): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') break;
      const key = this.value(depth);
      if (typeof key !== 'string') this.fail('dict keys must be strings');
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      if (out.has(key as string)) this.fail(`duplicate key '${key}'`);
      out.set(key as string, this.value(depth));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail("expected ',' or '}'");
    }
    this.i++;
    return out;
  }

  private sequence(close: ')' | ']', depth: number): PyValue {
    const items: PyValue[] = [];
    let comma = false;
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) break;
      items.push(this.value(depth));
      this.ws();
      comma = this.s[this.i] === ',';
      if (comma) this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.i++;
    if (close === ']') return items;
    // `(2)` is just 2 in Python; only `(2,)` is a tuple.
    return items.length === 1 && !comma ? items[0] : new Tuple(items);
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = '';
    while (this.s[this.i] !== quote) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      if (this.s[this.i] === '\\') this.i++;
      out += this.s[this.i++];
    }
    this.i++;
    return out;
  }
}
