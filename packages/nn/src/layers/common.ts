/**
 * Checks shared by the layers. Config mistakes throw when the layer is made; input and params mistakes
 * throw when it is applied, before any op runs, with the layer's name and the shapes involved, so the
 * message points at the layer the user wrote rather than at the op inside it.
 */
import {
  ArgumentError,
  DTypeError,
  fmtShape,
  isNDArray,
  type NDArray,
  ShapeError,
  shapesEqual,
} from '@lucid-ts/ndarray';
import { random } from '@lucid-ts/ops';
import { fanInOut, kaimingUniform, uniform } from '../init.js';
import type { Key } from '../layer.js';

/** The float dtypes a layer's params can be made in. */
export type FloatDType = 'float32' | 'float64';

/** An int for every spatial dimension, or one int per dimension. */
export type SpatialArg = number | readonly number[];

function fmtValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(',')}]`;
  return typeof v === 'string' ? v : String(v);
}

/**
 * `fn(a=1, b=2)` from `[label, value, default?]` entries; an entry equal to its default is left out, so
 * names show what the user chose: `conv3d(in=2, out=4, k=3, padding=1)`.
 */
export function layerName(fn: string, entries: readonly (readonly [string, unknown, unknown?])[]): string {
  const shown = entries.filter(
    (e) => e[1] !== undefined && (e.length < 3 || fmtValue(e[1]) !== fmtValue(e[2])),
  );
  return `${fn}(${shown.map(([k, v]) => `${k}=${fmtValue(v)}`).join(', ')})`;
}

/** Throws unless a layer's config is an object; `required` names the fields a user must give. */
export function checkConfig(fn: string, config: unknown, required: string): void {
  if (config === null || typeof config !== 'object') {
    throw new ArgumentError(
      `${fn}: config must be an object with ${required}, got ${JSON.stringify(config)}`,
    );
  }
}

/** A positive integer config value. */
export function positiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ArgumentError(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A number in [lo, hi]. */
export function numberIn(fn: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    throw new ArgumentError(`${fn}: ${name} must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return v;
}

/** `dtype` config: float32 (default) or float64. */
export function floatDTypeOption(fn: string, dtype: unknown): FloatDType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') {
    throw new ArgumentError(`${fn}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  return d;
}

/** Expands an int or a list to `d` integers, each at least `min` (checked when the layer is made). */
export function spatialList(fn: string, name: string, v: SpatialArg, d: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(d).fill(v) : Array.isArray(v) ? [...v] : null;
  if (list === null || list.length !== d || list.some((k) => !Number.isInteger(k) || k < min)) {
    throw new ArgumentError(
      `${fn}: ${name} must be an integer >= ${min} or ${d} of them, got ${JSON.stringify(v)}`,
    );
  }
  return list;
}

/** Throws unless `x` is an NDArray (a traced one counts). */
export function checkInput(fn: string, x: unknown): NDArray {
  if (!isNDArray(x)) {
    throw new ArgumentError(`${fn}: input must be an NDArray, got ${x === null ? 'null' : typeof x}`);
  }
  return x as NDArray;
}

/**
 * Reads `params[key]` and checks its shape, naming the param and both shapes on a mismatch. `what` is
 * `'param'` or `'state'` (batch norm's running statistics are checked the same way).
 */
export function param(
  fn: string,
  params: unknown,
  key: string,
  shape: readonly number[],
  what: 'param' | 'state' = 'param',
): NDArray {
  if (params === null || typeof params !== 'object') {
    const from = what === 'param' ? 'init' : 'initState';
    throw new ArgumentError(
      `${fn}: ${what === 'param' ? 'params' : what} must be an object like the one ${from} returns, got ${params === null ? 'null' : typeof params}`,
    );
  }
  const p = (params as Record<string, unknown>)[key];
  if (!isNDArray(p)) {
    throw new ArgumentError(
      `${fn}: ${what} ${key} must be an NDArray of shape ${fmtShape(shape)}, got ${p === null ? 'null' : typeof p}`,
    );
  }
  if (!shapesEqual(p.shape, shape)) {
    throw new ShapeError(
      `${fn}: ${what} ${key} has shape ${fmtShape(p.shape)}, expected ${fmtShape(shape)} (loaded for another configuration?)`,
    );
  }
  return p;
}

/** The spatial axis names of a channels-first input with `d` spatial dimensions. */
export function spatialNames(d: number): string {
  return ['L', 'H, W', 'D, H, W'][d - 1];
}

/**
 * Checks a channels-first input `[N, C, *S]` (or unbatched `[C, *S]` when allowed) with `d` spatial axes,
 * and its channel count when `channels` is given.
 */
export function checkChannelsFirst(
  fn: string,
  x: unknown,
  d: number,
  channels: number | null,
  allowUnbatched = true,
): NDArray {
  const a = checkInput(fn, x);
  const c = channels === null ? 'C' : String(channels);
  const ok = a.ndim === d + 2 || (allowUnbatched && a.ndim === d + 1);
  if (!ok) {
    const forms = [`[N, ${c}, ${spatialNames(d)}]`];
    if (allowUnbatched) forms.push(`[${c}, ${spatialNames(d)}]`);
    throw new ShapeError(`${fn}: input must be ${forms.join(' or ')}, got input shape ${fmtShape(a.shape)}`);
  }
  if (channels !== null) {
    // [N, C, H, W] given to a 3-D layer reads as unbatched [C, D, H, W]: say so, since N looks like C.
    const hint =
      a.ndim === d + 1 && a.shape[1] === channels
        ? ` (read as unbatched [C, ${spatialNames(d)}]; a batch needs rank ${d + 2})`
        : '';
    checkChannels(fn, a, a.ndim - d - 1, channels, hint);
  }
  return a;
}

/** Throws unless axis `axis` of `x` has `channels` entries. */
export function checkChannels(fn: string, x: NDArray, axis: number, channels: number, hint = ''): void {
  const got = x.shape[axis];
  if (got !== channels) {
    throw new ShapeError(
      `${fn}: input has ${got} channel${got === 1 ? '' : 's'}, expected ${channels}, got input shape ${fmtShape(x.shape)}${hint}`,
    );
  }
}

/**
 * PyTorch's default init of linear and conv layers: weight kaiming-uniform with a = √5, i.e.
 * U(±1/√fanIn), and bias U(±1/√fanIn), fanIn taken from the weight's shape as PyTorch does.
 */
export function defaultWeightAndBias(
  key: Key,
  weightShape: readonly number[],
  biasSize: number | null,
  dtype: FloatDType,
): { weight: NDArray; bias?: NDArray } {
  const [kw, kb] = random.split(key);
  const weight = kaimingUniform(kw, weightShape, { a: Math.sqrt(5), dtype });
  if (biasSize === null) return { weight };
  const [fanIn] = fanInOut(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return { weight, bias: uniform(kb, [biasSize], { low: -bound, high: bound, dtype }) };
}

/**
 * Runs an op on behalf of a layer: an error the layer's own checks could not foresee (a kernel larger than
 * the input, say) keeps its class and message, prefixed with the layer's name.
 */
export function within<T>(fn: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    for (const E of [ShapeError, DTypeError, ArgumentError]) {
      if (e instanceof E) throw new E(`${fn}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}
