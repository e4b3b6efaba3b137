/**
 * The safetensors format (https://github.com/huggingface/safetensors), byte-based so it runs in
 * browsers: an 8-byte little-endian header length N, N bytes of JSON
 * `{ "name": { "dtype", "shape", "data_offsets": [begin, end] }, "__metadata__"?: { string: string } }`
 * padded with spaces, then the tensors' raw little-endian C-order bytes, every byte belonging to exactly one
 * tensor. Tensor names are pytree paths joined with '.', as PyTorch state_dict keys (`layers.1.bias`).
 *
 * Reading validates the whole header (lengths, JSON, dtypes, shapes, offsets in range, contiguous, sizes
 * matching shapes) before decoding anything, so a bad file fails with an `ArgumentError` that says what
 * and where, never with a partial result.
 */
import {
  ArgumentError,
  DTypeError,
  fmtShape,
  isNDArray,
  NDArray,
  ShapeError,
  type TypedArray,
} from '@lucid-ts/ndarray';
import { type Leaf, type PyTree, treeFlatten, treeUnflatten } from '@lucid-ts/ops';
import { leafPaths } from '../optim/tree.js';
import { decode, encode, targetDType, type WireType, wireOf } from './codec.js';

/** The reference implementation refuses larger headers; so do we, before decoding 100 MB of JSON. */
const MAX_HEADER = 100_000_000;

const WIRE: Record<string, WireType> = {
  BOOL: { kind: 'b', size: 1, littleEndian: true },
  U8: { kind: 'u', size: 1, littleEndian: true },
  I8: { kind: 'i', size: 1, littleEndian: true },
  U16: { kind: 'u', size: 2, littleEndian: true },
  I16: { kind: 'i', size: 2, littleEndian: true },
  F16: { kind: 'f', size: 2, littleEndian: true },
  BF16: { kind: 'bf', size: 2, littleEndian: true },
  U32: { kind: 'u', size: 4, littleEndian: true },
  I32: { kind: 'i', size: 4, littleEndian: true },
  F32: { kind: 'f', size: 4, littleEndian: true },
  U64: { kind: 'u', size: 8, littleEndian: true },
  I64: { kind: 'i', size: 8, littleEndian: true },
  F64: { kind: 'f', size: 8, littleEndian: true },
};
const NAME_OF = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' } as const;

export interface SaveSafetensorsOptions {
  /** Free-form string pairs stored under `__metadata__` (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
}

/**
 * Serialises a params (or optimizer-state) pytree to safetensors bytes. Each array leaf becomes a tensor
 * named by its path (`0.weight`, `layers.1.bias`); number leaves are stored as 0-d F64 tensors, booleans
 * as 0-d BOOL; `null` subtrees are skipped. Tensors are sorted by name and their data follows in that
 * order. Python: `safetensors.torch.save(model.state_dict())`.
 * @example
 * const bytes = saveSafetensors({ weight: zeros([2, 3]), bias: zeros([2]) }, { metadata: { format: 'pt' } });
 */
export function saveSafetensors(tree: PyTree, options: SaveSafetensorsOptions = {}): Uint8Array {
  const fn = 'saveSafetensors';
  const named = new Map<string, NDArray>();
  for (const { path, leaf } of leafPaths(tree)) {
    if (path.length === 0) {
      throw new ArgumentError(
        `${fn}: tree must be an object or array of arrays, got a single leaf (wrap it: { weight: x })`,
      );
    }
    const name = path.join('.');
    if (name === '__metadata__')
      throw new ArgumentError(`${fn}: '__metadata__' is reserved, it cannot name a tensor`);
    if (named.has(name)) throw new ArgumentError(`${fn}: two leaves have the same name '${name}'`);
    named.set(name, toArray(leaf));
  }
  const names = [...named.keys()].sort();
  const parts: string[] = [];
  const { metadata } = options;
  if (metadata !== undefined && metadata !== null) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new ArgumentError(`${fn}: metadata values must be strings, got ${typeof v} for '${k}'`);
      }
    }
    parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const name of names) {
    const a = named.get(name)!;
    const end = offset + a.size * wireOf(a.dtype).size;
    // Written by hand: a JS object would move integer-like names ("10") ahead of the others.
    parts.push(
      `${JSON.stringify(name)}:${JSON.stringify({ dtype: NAME_OF[a.dtype], shape: a.shape, data_offsets: [offset, end] })}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) at += encode(named.get(name)!, out, at);
  return out;
}

function toArray(leaf: Leaf): NDArray {
  if (isNDArray(leaf)) return leaf;
  if (typeof leaf === 'boolean') return new NDArray(new Uint8Array([leaf ? 1 : 0]), []);
  return new NDArray(new Float64Array([leaf]), []);
}

/** One validated header entry. */
interface Entry {
  name: string;
  dtypeName: string;
  wire: WireType;
  shape: number[];
  size: number;
  begin: number;
  end: number;
}

/** The contents of a safetensors file: its tensors by name (in file order) and its metadata. */
export interface SafetensorsFile {
  tensors: Record<string, NDArray>;
  metadata: Record<string, string> | null;
}

/**
 * Reads safetensors bytes into a flat `{ name: NDArray }` record and the metadata. Loads F32, F64, I32
 * and BOOL as they are, and widens F16/BF16 to float32 and other integer types to int32 (64-bit values
 * must fit). Python: `safetensors.numpy.load(bytes)`.
 * @example readSafetensors(bytes).tensors['0.weight'].shape
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  const { entries, metadata, dataStart } = parseHeader('readSafetensors', bytes);
  return { tensors: Object.fromEntries(decodeAll('readSafetensors', bytes, entries, dataStart)), metadata };
}

export interface LoadSafetensorsOptions<T> {
  /**
   * A tree of the expected structure (e.g. `model.init(key)`): the result gets exactly its structure, and
   * every tensor must exist with its shape (`ShapeError`) and dtype (`DTypeError`); missing or extra
   * tensors are an `ArgumentError`. Number and boolean leaves are restored from 0-d tensors.
   */
  like?: T;
}

/**
 * Reads safetensors bytes back into a pytree. Without `like`, names are split on '.' into nested objects,
 * and an object whose keys are exactly `0..n-1` becomes an array (so `saveSafetensors` of `sequential`
 * params loads back as an array). With `like`, the structure is taken from it and checked.
 * PyTorch: `model.load_state_dict(safetensors.torch.load(bytes))`.
 * @example const params = loadSafetensors(bytes, { like: model.init(random.key(0)) });
 */
export function loadSafetensors<T extends PyTree = PyTree>(
  bytes: Uint8Array,
  options: LoadSafetensorsOptions<T> = {},
): T {
  const fn = 'loadSafetensors';
  const { entries, dataStart } = parseHeader(fn, bytes);
  if (options.like === undefined) return buildTree(fn, decodeAll(fn, bytes, entries, dataStart)) as T;
  const like = options.like;
  const expected = leafPaths(like);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (expected.some((p) => p.path.length === 0))
    throw new ArgumentError(`${fn}: like must be an object or array, got a single leaf`);
  const missing = expected.map((p) => p.path.join('.')).filter((n) => !byName.has(n));
  if (missing.length > 0)
    throw new ArgumentError(`${fn}: the file has no tensor ${list(missing)} that like expects`);
  const wanted = new Set(expected.map((p) => p.path.join('.')));
  const extra = entries.map((e) => e.name).filter((n) => !wanted.has(n));
  if (extra.length > 0)
    throw new ArgumentError(`${fn}: the file has tensor ${list(extra)} that like does not have`);
  const picked = expected.map(({ path, leaf }) => {
    const e = byName.get(path.join('.'))!;
    const dtype = targetDType(e.wire);
    if (isNDArray(leaf)) {
      if (fmtShape(leaf.shape) !== fmtShape(e.shape)) {
        throw new ShapeError(
          `${fn}: tensor '${e.name}' has shape ${fmtShape(e.shape)} in the file, expected ${fmtShape(leaf.shape)} as in like`,
        );
      }
      if (leaf.dtype !== dtype) {
        throw new DTypeError(
          `${fn}: tensor '${e.name}' is ${e.dtypeName} (loads as ${dtype}) in the file, expected ${leaf.dtype} as in like`,
        );
      }
    } else if (e.shape.length !== 0) {
      throw new ShapeError(
        `${fn}: tensor '${e.name}' must be 0-d to restore the ${typeof leaf} in like, got shape ${fmtShape(e.shape)}`,
      );
    }
    return e;
  });
  const arrays = new Map(decodeAll(fn, bytes, picked, dataStart));
  const leaves = expected.map(({ path, leaf }) => {
    const a = arrays.get(path.join('.'))!;
    if (typeof leaf === 'number') return a.data[0];
    if (typeof leaf === 'boolean') return a.data[0] !== 0;
    return a;
  });
  return treeUnflatten<T>(treeFlatten(like)[1], leaves);
}

function list(names: string[]): string {
  const shown = names
    .slice(0, 5)
    .map((n) => `'${n}'`)
    .join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function decodeAll(fn: string, bytes: Uint8Array, entries: Entry[], dataStart: number): [string, NDArray][] {
  return entries.map((e) => {
    const data: TypedArray = decode(
      fn,
      `tensor '${e.name}' (${e.dtypeName})`,
      bytes,
      dataStart + e.begin,
      e.size,
      e.wire,
    );
    return [e.name, new NDArray(data, e.shape)];
  });
}

/** Validates everything about the file except the values themselves. */
function parseHeader(
  fn: string,
  bytes: Uint8Array,
): { entries: Entry[]; metadata: Record<string, string> | null; dataStart: number } {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(
      `${fn}: bytes must be a Uint8Array, got ${Object.prototype.toString.call(bytes)}`,
    );
  }
  const bad = (why: string): never => {
    throw new ArgumentError(`${fn}: not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) bad(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER))
    bad(`the header length (bytes 0-7) is ${n}, more than the limit of ${MAX_HEADER}`);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    bad(
      `the header length (bytes 0-7) is ${headerLength} but only ${bytes.length - 8} bytes follow (truncated file?)`,
    );
  }
  if (headerLength < 2 || bytes[8] !== 0x7b) bad(`the JSON header at byte 8 must start with '{'`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return bad(`the header (bytes 8-${8 + headerLength - 1}) is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return bad(`the header (bytes 8-${8 + headerLength - 1}) is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    bad('the header must be a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(info, bad);
      continue;
    }
    const where = `tensor '${name}'`;
    if (typeof info !== 'object' || info === null || Array.isArray(info))
      bad(`${where} must be described by an object`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string') return bad(`${where} has no string "dtype"`);
    if (!Object.hasOwn(WIRE, dtype)) {
      throw new DTypeError(
        `${fn}: ${where} has dtype ${JSON.stringify(dtype)}, supported: ${Object.keys(WIRE).join(', ')}`,
      );
    }
    const wire = WIRE[dtype];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return bad(`${where} "shape" must be an array of integers >= 0, got ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      return bad(
        `${where} "data_offsets" must be [begin, end] with integers >= 0, got ${JSON.stringify(offsets)}`,
      );
    }
    const [begin, end] = offsets as number[];
    if (begin > end) bad(`${where} data_offsets [${begin}, ${end}] end before they begin`);
    if (end > dataLength) {
      bad(
        `${where} data_offsets [${begin}, ${end}] run past the ${dataLength} data bytes (file bytes ${dataStart}-${bytes.length - 1}; truncated file?)`,
      );
    }
    const size = shape.reduce((a: number, d: number) => a * d, 1);
    if (size * wire.size !== end - begin) {
      bad(
        `${where} of ${dtype} ${fmtShape(shape)} needs ${size * wire.size} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`,
      );
    }
    entries.push({ name, dtypeName: dtype, wire, shape: shape.slice(), size, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin < expected) {
      const prev = entries.find((o) => o !== e && o.end > e.begin && o.begin <= e.begin)!;
      bad(
        `tensor '${e.name}' data_offsets [${e.begin}, ${e.end}] overlap tensor '${prev.name}' [${prev.begin}, ${prev.end}]`,
      );
    }
    if (e.begin > expected)
      bad(`data bytes ${expected}-${e.begin - 1} belong to no tensor (before tensor '${e.name}')`);
    expected = e.end;
  }
  if (expected !== dataLength)
    bad(`data bytes ${expected}-${dataLength - 1} after the last tensor belong to no tensor`);
  return { entries, metadata, dataStart };
}

function checkMetadata(info: unknown, bad: (why: string) => never): Record<string, string> {
  if (typeof info !== 'object' || info === null || Array.isArray(info))
    bad('"__metadata__" must be an object');
  for (const [k, v] of Object.entries(info as object)) {
    if (typeof v !== 'string')
      bad(`"__metadata__" values must be strings, got ${JSON.stringify(v)} for '${k}'`);
  }
  return { ...(info as Record<string, string>) };
}

type Node = Map<string, Node | NDArray>;

/** Nested objects from dotted names; levels keyed exactly `0..n-1` become arrays. */
function buildTree(fn: string, named: [string, NDArray][]): PyTree {
  const root: Node = new Map();
  for (const [name, a] of named) {
    const segs = name.split('.');
    if (segs.some((s) => s === '')) {
      throw new ArgumentError(
        `${fn}: tensor name '${name}' has an empty path segment; read it with readSafetensors, or pass like`,
      );
    }
    let node = root;
    for (const [i, seg] of segs.entries()) {
      const child = node.get(seg);
      if (i === segs.length - 1) {
        if (child !== undefined) {
          throw new ArgumentError(
            `${fn}: tensor '${name}' is also a prefix of other tensor names ('${name}.…'); read it with readSafetensors`,
          );
        }
        node.set(seg, a);
      } else if (child instanceof NDArray) {
        throw new ArgumentError(
          `${fn}: tensor '${name}' is below tensor '${segs.slice(0, i + 1).join('.')}'; read it with readSafetensors`,
        );
      } else {
        let next = child;
        if (next === undefined) {
          next = new Map();
          node.set(seg, next);
        }
        node = next;
      }
    }
  }
  const convert = (node: Node): PyTree => {
    const keys = [...node.keys()];
    const entries = keys.map((k): [string, PyTree] => {
      const v = node.get(k)!;
      return [k, v instanceof NDArray ? v : convert(v)];
    });
    const isIndex = (k: string) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < keys.length;
    if (keys.length > 0 && keys.every(isIndex)) {
      const items: PyTree[] = new Array(keys.length);
      for (const [k, v] of entries) items[Number(k)] = v;
      return items;
    }
    // fromEntries defines own properties, so a name such as '__proto__' stays an ordinary key.
    return Object.fromEntries(entries);
  };
  return convert(root);
}
