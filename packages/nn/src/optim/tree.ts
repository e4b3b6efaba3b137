/**
 * Pytree helpers shared by the optimizers and the parameter IO: leaf paths (PyTorch state_dict keys),
 * reading a tree along another tree's structure, and C-order element access without copies.
 */
import {
  ArgumentError,
  fmtShape,
  isNDArray,
  type NDArray,
  ShapeError,
  type TypedArray,
} from '@lucid-ts/ndarray';
import { type Leaf, type PyTree, type TreeDef, treeFlatten } from '@lucid-ts/ops';

/** A leaf with the keys leading to it (`['layers', '1', 'bias']`), in flattening order. */
export interface PathLeaf {
  path: string[];
  leaf: Leaf;
}

/**
 * Every leaf with its path, in {@link treeFlatten} order (object keys sorted, array items in order,
 * `null`/`undefined` skipped). Joined with '.', a path is a PyTorch state_dict key: `layers.1.bias`.
 * @example leafPaths([{ weight: w, bias: b }]).map((l) => l.path.join('.')) // ['0.bias', '0.weight']
 */
export function leafPaths(tree: PyTree): PathLeaf[] {
  const [leaves, def] = treeFlatten(tree);
  const out: PathLeaf[] = [];
  const walk = (d: TreeDef, path: string[]): void => {
    if (d.kind === 'leaf') out.push({ path, leaf: leaves[out.length] });
    if (d.kind !== 'array' && d.kind !== 'object') return;
    for (let i = 0; i < d.children.length; i++) {
      walk(d.children[i], [...path, d.kind === 'array' ? String(i) : d.keys[i]]);
    }
  };
  walk(def, []);
  return out;
}

/** `path` for messages: `'layers.1.bias'`, or `(root)` for the tree itself. */
export function showPath(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : `'${path.join('.')}'`;
}

function isPlainObject(x: unknown): x is Record<string, PyTree> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isNDArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The values of `tree` at the leaf positions of `def` (another tree's structure), where `tree` may hold
 * `null` at a leaf position (a missing gradient, or no optimizer buffer for an integer param). Throws an
 * `ArgumentError` naming `what` and the first path where the structures differ.
 */
export function leavesAlong(fn: string, what: string, def: TreeDef, tree: unknown): unknown[] {
  const out: unknown[] = [];
  const fail = (path: string[], why: string): never => {
    throw new ArgumentError(`${fn}: ${what} must have the structure of params, ${why} at ${showPath(path)}`);
  };
  const walk = (d: TreeDef, t: unknown, path: string[]): void => {
    switch (d.kind) {
      case 'leaf':
        out.push(t ?? null);
        return;
      case 'none':
        if (t !== null && t !== undefined) fail(path, 'expected an empty subtree, got a value');
        return;
      case 'array':
        if (!Array.isArray(t) || t.length !== d.children.length) {
          fail(path, `expected an array of ${d.children.length}, got ${describe(t)}`);
        }
        for (let i = 0; i < d.children.length; i++)
          walk(d.children[i], (t as unknown[])[i], [...path, String(i)]);
        return;
      case 'object': {
        if (!isPlainObject(t)) throw fail(path, `expected an object, got ${describe(t)}`);
        const keys = Object.keys(t).sort();
        if (keys.join('\u0000') !== d.keys.join('\u0000')) {
          fail(path, `expected keys [${d.keys.join(', ')}], got [${keys.join(', ')}]`);
        }
        for (let i = 0; i < d.children.length; i++) walk(d.children[i], t[d.keys[i]], [...path, d.keys[i]]);
      }
    }
  };
  walk(def, tree, []);
  return out;
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (isNDArray(x)) return `an array of shape ${fmtShape(x.shape)}`;
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? 'an object' : typeof x;
}

/** True for a float32/float64 NDArray: the leaves that optimizers update. */
export function isFloatArray(x: unknown): x is NDArray {
  return isNDArray(x) && (x.dtype === 'float32' || x.dtype === 'float64');
}

/**
 * The elements of `a` in C order as a typed array: a subarray of `a.data` (no copy) when `a` is
 * contiguous, else a contiguous copy. Read only: it may alias `a`'s buffer.
 */
export function elements(a: NDArray): TypedArray {
  const c = a.isContiguous ? a : a.contiguous();
  return c.data.subarray(c.offset, c.offset + c.size);
}

/** Throws a `ShapeError` unless `a` (named `what` at `path`) has `shape`. */
export function checkSameShape(
  fn: string,
  what: string,
  path: readonly string[],
  a: NDArray,
  shape: readonly number[],
): void {
  if (a.shape.length !== shape.length || a.shape.some((s, i) => s !== shape[i])) {
    throw new ShapeError(
      `${fn}: ${what} at ${showPath(path)} must have the param's shape ${fmtShape(shape)}, got ${fmtShape(a.shape)}`,
    );
  }
}
