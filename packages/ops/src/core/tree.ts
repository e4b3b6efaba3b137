/**
 * Pytrees: nested plain objects and JS arrays whose leaves are NDArrays, numbers or booleans. `null` and
 * `undefined` are empty subtrees. Object keys flatten in sorted order (as in JAX), so flattening is
 * deterministic whatever order the keys were written in.
 */
import { ArgumentError, NDArray } from '@lucid-ts/ndarray';

export type Leaf = NDArray | number | boolean;
export type PyTree = Leaf | null | undefined | readonly PyTree[] | { readonly [key: string]: PyTree };

export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none'; readonly value: null | undefined }
  | { readonly kind: 'array'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

function isLeaf(x: unknown): x is Leaf {
  return x instanceof NDArray || typeof x === 'number' || typeof x === 'boolean';
}

function isPlainObject(x: unknown): x is Record<string, PyTree> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Leaves in order, and the structure that {@link treeUnflatten} rebuilds from them. */
export function treeFlatten(tree: PyTree): [Leaf[], TreeDef] {
  const leaves: Leaf[] = [];
  const walk = (t: unknown): TreeDef => {
    if (isLeaf(t)) {
      leaves.push(t);
      return { kind: 'leaf' };
    }
    if (t === null || t === undefined) return { kind: 'none', value: t };
    if (Array.isArray(t)) return { kind: 'array', children: t.map(walk) };
    if (isPlainObject(t)) {
      const keys = Object.keys(t).sort();
      return { kind: 'object', keys, children: keys.map((k) => walk(t[k])) };
    }
    throw new ArgumentError(
      `treeFlatten: leaves must be NDArrays, numbers or booleans in arrays and plain objects, got ${Object.prototype.toString.call(t)}`,
    );
  };
  const def = walk(tree);
  return [leaves, def];
}

/** Rebuilds a tree of structure `def` from `leaves` (as many as `def` has). */
export function treeUnflatten<T extends PyTree = PyTree>(def: TreeDef, leaves: readonly unknown[]): T {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf':
        if (i >= leaves.length)
          throw new ArgumentError(`treeUnflatten: too few leaves, got ${leaves.length}`);
        return leaves[i++];
      case 'none':
        return d.value;
      case 'array':
        return d.children.map(build);
      case 'object':
        return Object.fromEntries(d.keys.map((k, j) => [k, build(d.children[j])]));
    }
  };
  const out = build(def);
  if (i !== leaves.length)
    throw new ArgumentError(`treeUnflatten: expected ${i} leaves, got ${leaves.length}`);
  return out as T;
}

/** The leaves of a tree, in flattening order. */
export function treeLeaves(tree: PyTree): Leaf[] {
  return treeFlatten(tree)[0];
}

function sameDef(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf') return true;
  if (a.kind === 'none') return true;
  const bc = (b as { children: readonly TreeDef[] }).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === 'object' && a.keys.join('\u0000') !== (b as { keys: readonly string[] }).keys.join('\u0000'))
    return false;
  return a.children.every((c, i) => sameDef(c, bc[i]));
}

export function treeStructureEqual(a: PyTree, b: PyTree): boolean {
  return sameDef(treeFlatten(a)[1], treeFlatten(b)[1]);
}

/**
 * Applies `f` to the leaves of `tree` (and the matching leaves of `rest`, which must have the same
 * structure), keeping the structure. JAX `tree_util.tree_map`.
 * @example treeMap((w, g) => sub(w, mul(0.1, g)), params, grads)
 */
export function treeMap<T extends PyTree>(
  // Leaves are typed loosely so callers can annotate them (`(p: NDArray, g: NDArray) => ...`) for trees
  // they know hold only arrays.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  f: (leaf: any, ...rest: any[]) => unknown,
  tree: T,
  ...rest: PyTree[]
): T {
  const [leaves, def] = treeFlatten(tree);
  const others = rest.map((r, k) => {
    const [l, d] = treeFlatten(r);
    if (!sameDef(def, d))
      throw new ArgumentError(`treeMap: tree ${k + 1} does not have the structure of the first tree`);
    return l;
  });
  return treeUnflatten<T>(
    def,
    leaves.map((leaf, i) => f(leaf, ...others.map((o) => o[i]))),
  );
}
