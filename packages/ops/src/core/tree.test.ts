import { ArgumentError, array } from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PyTree, treeFlatten, treeLeaves, treeMap, treeStructureEqual, treeUnflatten } from './tree.js';

describe('pytrees', () => {
  const tree = { b: [array([1, 2]), 3], a: { x: true, y: null }, c: undefined };

  it('flattens leaves in sorted-key order and rebuilds the same structure', () => {
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toHaveLength(3);
    expect(leaves[0]).toBe(true);
    expect(leaves[2]).toBe(3);
    const rebuilt = treeUnflatten(def, leaves);
    expect(rebuilt).toEqual({ a: { x: true, y: null }, b: [tree.b[0], 3], c: undefined });
    expect(treeLeaves([[], {}, null])).toEqual([]);
  });

  it('treeMap keeps the structure and zips several trees', () => {
    const doubled = treeMap((l) => (typeof l === 'number' ? l * 2 : l), { p: [1, 2], q: 3 });
    expect(doubled).toEqual({ p: [2, 4], q: 6 });
    expect(treeMap((a, b) => (a as number) + (b as number), [1, { k: 2 }], [10, { k: 20 }])).toEqual([
      11,
      { k: 22 },
    ]);
    expect(() => treeMap((a) => a, [1, 2], [1])).toThrow(
      'treeMap: tree 1 does not have the structure of the first tree',
    );
  });

  it('rejects class instances other than NDArray and checks leaf counts', () => {
    expect(() => treeFlatten(new Map() as never)).toThrow(ArgumentError);
    const [, def] = treeFlatten([1, 2]);
    expect(() => treeUnflatten(def, [1])).toThrow(/too few leaves/);
    expect(() => treeUnflatten(def, [1, 2, 3])).toThrow(/expected 2 leaves, got 3/);
  });

  it('structure equality ignores leaf values but not keys', () => {
    expect(treeStructureEqual({ a: 1, b: [2] }, { b: [array([0])], a: 5 })).toBe(true);
    expect(treeStructureEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(treeStructureEqual([1, 2], [1])).toBe(false);
  });

  it('flatten then unflatten is the identity on random trees', () => {
    const leaf = fc.oneof(fc.integer(), fc.boolean());
    const { tree: arb } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie('tree'), { maxKeys: 3 }),
      ),
    }));
    fc.assert(
      fc.property(arb, (t) => {
        const [leaves, def] = treeFlatten(t as PyTree);
        expect(treeUnflatten(def, leaves)).toEqual(t);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
