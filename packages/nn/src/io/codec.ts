/**
 * Element codecs shared by the safetensors and .npy readers and writers: how one on-disk element type
 * (size, kind, byte order) maps to a Lucid dtype. Only DataView/typed arrays, so it runs in browsers.
 */
import { allocate, type DType, DTypeError, type NDArray, type TypedArray } from '@lucid-ts/ndarray';
import { elements } from '../optim/tree.js';

/** An element type as stored in a file. `bf` is bfloat16; `b` is a one-byte boolean. */
export interface WireType {
  kind: 'f' | 'bf' | 'i' | 'u' | 'b';
  size: 1 | 2 | 4 | 8;
  littleEndian: boolean;
}

/** The Lucid dtype a wire type loads as: half floats widen to float32, small and 64-bit integers to int32. */
export function targetDType(w: WireType): DType {
  if (w.kind === 'b') return 'bool';
  if (w.kind === 'f' || w.kind === 'bf') return w.size === 8 ? 'float64' : 'float32';
  return 'int32';
}

/** The wire type each dtype is written as (always little-endian). */
export function wireOf(dtype: DType): WireType {
  const size = ({ float32: 4, float64: 8, int32: 4, bool: 1 } as const)[dtype];
  const kind = ({ float32: 'f', float64: 'f', int32: 'i', bool: 'b' } as const)[dtype];
  return { kind, size, littleEndian: true };
}

const scratch = new DataView(new ArrayBuffer(4));
const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The exact dtype match, for which bytes can be copied as they are (on a little-endian host). */
function isNative(w: WireType): boolean {
  return (
    w.littleEndian === hostLittleEndian &&
    ((w.kind === 'f' && w.size >= 4) || (w.kind === 'i' && w.size === 4))
  );
}

/** float16 bits to a number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes `count` elements of wire type `w` starting at `bytes[begin]` into a new typed array. 64-bit
 * and unsigned 32-bit integers must fit in int32, else a `DTypeError` naming `what` (checked before
 * anything is returned).
 */
export function decode(
  fn: string,
  what: string,
  bytes: Uint8Array,
  begin: number,
  count: number,
  w: WireType,
): TypedArray {
  const dtype = targetDType(w);
  const nbytes = count * w.size;
  if (isNative(w)) {
    // slice() copies into a fresh, aligned buffer; the typed array then owns it.
    const buf = bytes.slice(begin, begin + nbytes).buffer;
    return w.size === 8
      ? new Float64Array(buf)
      : w.kind === 'f'
        ? new Float32Array(buf)
        : new Int32Array(buf);
  }
  const out = allocate(dtype, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, nbytes);
  const le = w.littleEndian;
  const tooBig = (i: number, v: bigint | number): never => {
    throw new DTypeError(
      `${fn}: ${what} holds ${v} at element ${i}, outside the int32 range of the dtype it loads as`,
    );
  };
  for (let i = 0; i < count; i++) {
    const at = i * w.size;
    switch (w.kind) {
      case 'b':
        out[i] = view.getUint8(at) !== 0 ? 1 : 0;
        break;
      case 'bf':
        scratch.setUint32(0, view.getUint16(at, le) << 16);
        out[i] = scratch.getFloat32(0);
        break;
      case 'f':
        out[i] =
          w.size === 2
            ? halfToNumber(view.getUint16(at, le))
            : w.size === 4
              ? view.getFloat32(at, le)
              : view.getFloat64(at, le);
        break;
      case 'i':
        if (w.size === 8) {
          const v = view.getBigInt64(at, le);
          if (v > 2147483647n || v < -2147483648n) tooBig(i, v);
          out[i] = Number(v);
        } else
          out[i] =
            w.size === 1 ? view.getInt8(at) : w.size === 2 ? view.getInt16(at, le) : view.getInt32(at, le);
        break;
      case 'u': {
        const v =
          w.size === 8
            ? view.getBigUint64(at, le)
            : w.size === 4
              ? view.getUint32(at, le)
              : w.size === 2
                ? view.getUint16(at, le)
                : view.getUint8(at);
        if (v > 2147483647) tooBig(i, v);
        out[i] = Number(v);
      }
    }
  }
  return out;
}

/** Writes the elements of `a` in C order, little-endian, at `out[at]`; returns the number of bytes. */
export function encode(a: NDArray, out: Uint8Array, at: number): number {
  const src = elements(a);
  const w = wireOf(a.dtype);
  const nbytes = src.length * w.size;
  if (hostLittleEndian) {
    out.set(new Uint8Array(src.buffer, src.byteOffset, nbytes), at);
    return nbytes;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, nbytes);
  for (let i = 0; i < src.length; i++) {
    if (a.dtype === 'float32') view.setFloat32(4 * i, src[i], true);
    else if (a.dtype === 'float64') view.setFloat64(8 * i, src[i], true);
    else if (a.dtype === 'int32') view.setInt32(4 * i, src[i], true);
    else view.setUint8(i, src[i] ? 1 : 0);
  }
  return nbytes;
}
