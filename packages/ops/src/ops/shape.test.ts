import {
  ArgumentError,
  arange,
  array,
  assign,
  type NDArray,
  ShapeError,
  type SliceSpec,
  zeros,
} from '@lucid-ts/ndarray';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose, f64, rand, readConformance, type Tensor, toArr } from '../../test/helpers.js';
import { Tracer } from '../core/tracer.js';
import { checkGrads } from '../transforms/check.js';
import { grad } from '../transforms/grad.js';
import { vjp } from '../transforms/vjp.js';
import { mul } from './arith.js';
import { broadcastTo } from './broadcast.js';
import { concat, stack } from './join.js';
import { reshape } from './reshape.js';
import { expandDims, flip, moveaxis, pad, permute, slice, squeeze, transpose, unsqueeze } from './shape.js';
import { sum } from './sum.js';

/** This file's tolerances: rtol 1e-9, atol 1e-10. */
const close = (actual: NDArray, expected: NDArray, rtol = 1e-9, atol = 1e-10) =>
  expectClose(actual, expected, rtol, atol);

describe('shape.json fixtures (PyTorch float64): outputs and VJPs', () => {
  interface Case {
    id: string;
    op: string;
    args: Record<string, never>;
    inputs: Record<string, Tensor>;
    output: Tensor;
    cotangent: Tensor;
    grads: Record<string, Tensor>;
  }
  const cases: Case[] = readConformance('shape').cases;
  // biome-ignore lint/suspicious/noExplicitAny: fixture args are untyped JSON
  const ops: Record<string, (args: any, ...xs: NDArray[]) => NDArray> = {
    reshape: (a, x) => reshape(x, a.shape),
    permute: (a, x) => permute(x, a.axes),
    transpose: (a, x) => transpose(x, a.axes[0], a.axes[1]),
    slice: (a, x) =>
      slice(
        x,
        ...a.starts.map((start: number, i: number) => ({ start, stop: a.stops[i], step: a.steps[i] })),
      ),
    broadcastTo: (a, x) => broadcastTo(x, a.shape),
    concat: (a, ...xs) => concat(xs, a.axis),
    stack: (a, ...xs) => stack(xs, a.axis),
    pad: (a, x) => pad(x, a.pads, { value: a.value }),
    flip: (a, x) => flip(x, a.axes),
    squeeze: (a, x) => squeeze(x, a.axis),
    unsqueeze: (a, x) => unsqueeze(x, a.axis),
    expandDims: (a, x) => expandDims(x, a.axis),
  };

  it('has cases for every shape op', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(ops)));
  });

  for (const c of cases) {
    it(c.id, () => {
      const names = Object.keys(c.inputs);
      const [out, pullback] = vjp(
        (...xs: NDArray[]) => ops[c.op](c.args, ...xs),
        ...names.map((k) => toArr(c.inputs[k])),
      );
      close(out, toArr(c.output));
      const grads = pullback(toArr(c.cotangent));
      for (const [i, k] of names.entries()) close(grads[i], toArr(c.grads[k]));
    });
  }
});

describe('permute, transpose, moveaxis', () => {
  const x = arange(24).reshape(2, 3, 4);

  it('reorders axes as a zero-copy view', () => {
    const y = permute(x, [2, 0, -2]);
    expect(y.shape).toEqual([4, 2, 3]);
    expect(y.data).toBe(x.data);
    expect(y.get(3, 1, 2)).toBe(x.get(1, 2, 3));
    expect(permute(x, [0, 1, 2])).toBe(x);
    expect(permute(f64(5), []).item()).toBe(5);
  });

  it('transpose: no axes reverses, two axes swap (PyTorch)', () => {
    expect(transpose(x).shape).toEqual([4, 3, 2]);
    expect(transpose(x).get(3, 2, 1)).toBe(x.get(1, 2, 3));
    expect(transpose(x, 0, -1).shape).toEqual([4, 3, 2]);
    expect(transpose(x, 1, 1)).toBe(x);
    expect(transpose(f64([1, 2])).toArray()).toEqual([1, 2]);
  });

  it('moveaxis keeps the other axes in order', () => {
    expect(moveaxis(x, 0, -1).shape).toEqual([3, 4, 2]);
    expect(moveaxis(x, [0, 1], [-1, -2]).shape).toEqual([4, 3, 2]);
    expect(moveaxis(x, 2, 0).get(3, 1, 2)).toBe(x.get(1, 2, 3));
  });

  it('errors name the op and the shapes', () => {
    expect(() => permute(x, [1, 0])).toThrow(
      new ShapeError('permute: axes must list all 3 axes, got [1,0] for shape [2,3,4]'),
    );
    expect(() => permute(x, [0, 0, 1])).toThrow(
      'permute: axes must be a permutation, got [0,0,1] for shape [2,3,4]',
    );
    expect(() => permute(x, [0, 1, 3])).toThrow(ShapeError);
    expect(() => transpose(x, 0, 3)).toThrow(
      'transpose: axis2 must be an integer in [-3, 2] for rank 3, got 3',
    );
    expect(() => transpose(x, 0)).toThrow(
      new ArgumentError('transpose: give no axis or two axes, got 0 and undefined'),
    );
    expect(() => moveaxis(x, [0, 1], [0])).toThrow(ArgumentError);
  });
});

describe('slice', () => {
  const x = arange(24).reshape(2, 3, 4);

  it('has the semantics of NDArray.slice and is a view', () => {
    const specs: SliceSpec[][] = [
      [1],
      [null, { start: -1, step: -2 }],
      [-1, { start: 1 }, { stop: -1, step: 2 }],
      [{ start: 5 }],
      [null, null, { start: 10, stop: -10, step: -3 }],
      [],
    ];
    for (const s of specs) {
      const y = slice(x, ...s);
      expect(y.toArray()).toEqual(x.slice(...s).toArray());
      expect(y.data).toBe(x.data);
    }
  });

  it('scatters the cotangent into zeros, including negative steps and integer indices', () => {
    const specs: SliceSpec[] = [1, { start: -1, step: -2 }];
    const w = f64([[10], [20]]);
    const g = grad((v: NDArray) => sum(mul(slice(v, ...specs), w)))(rand([2, 3, 4]));
    const expected = zeros([2, 3, 4], { dtype: 'float64' });
    assign(expected.slice(...specs), w);
    expect(g.toArray()).toEqual(expected.toArray());
  });

  it('a traced array slices differentiably through its method', () => {
    const g = grad((v: NDArray) => {
      expect(v).toBeInstanceOf(Tracer);
      return sum(v.slice({ start: 1 }, -1));
    })(rand([3, 2]));
    expect(g.toArray()).toEqual([
      [0, 0],
      [0, 1],
      [0, 1],
    ]);
  });

  it('whole-axis specs return the input, also when traced', () => {
    expect(slice(x, null, null)).toBe(x);
    const g = grad((v: NDArray) => sum(mul(v.slice(null), v)))(f64([1, 2]));
    expect(g.toArray()).toEqual([2, 4]);
  });

  it('size-0 and 0-d', () => {
    expect(slice(x, { start: 2, stop: 1 }).shape).toEqual([0, 3, 4]);
    const g = grad((v: NDArray) => sum(slice(v, { start: 3 })))(rand([3]));
    expect(g.toArray()).toEqual([0, 0, 0]);
    expect(slice(f64(7)).item()).toBe(7);
  });

  it('rejects bad specs before computing', () => {
    expect(() => slice(x, null, { step: 0 })).toThrow(
      new ArgumentError('slice: step must be nonzero, got 0 on axis 1'),
    );
    expect(() => slice(x, 0, 0, 0, 0)).toThrow('slice: got 4 indices for an array of rank 3, shape [2,3,4]');
    expect(() => slice(x, 2)).toThrow('slice: index 2 is out of bounds for axis 0 with size 2');
  });
});

describe('expandDims, unsqueeze, squeeze', () => {
  it('insert and remove size-1 axes as views', () => {
    const x = rand([2, 3]);
    expect(expandDims(x, 0).shape).toEqual([1, 2, 3]);
    expect(expandDims(x, -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -2).shape).toEqual([2, 1, 3]);
    expect(expandDims(x, 1).data).toBe(x.data);
    expect(expandDims(f64(3), 0).toArray()).toEqual([3]);
    const t = rand([3, 4]).transpose();
    expect(expandDims(t, 1).data).toBe(t.data);
    expect(squeeze(zeros([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), -1).shape).toEqual([1, 3]);
    expect(squeeze(zeros([1, 3, 1]), [0, 2]).shape).toEqual([3]);
    expect(squeeze(f64(2)).shape).toEqual([]);
    expect(squeeze(zeros([1, 0])).shape).toEqual([0]);
  });

  it('errors', () => {
    expect(() => unsqueeze(zeros([2, 3]), 4)).toThrow(
      new ShapeError('unsqueeze: axis must be an integer in [-3, 2] for rank 3, got 4'),
    );
    expect(() => expandDims(zeros([2, 3]), -4)).toThrow(
      'expandDims: axis must be an integer in [-3, 2] for rank 3, got -4',
    );
    expect(() => squeeze(zeros([1, 3, 1]), 3)).toThrow(
      'squeeze: axis must be an integer in [-3, 2] for rank 3, got 3',
    );
    expect(() => squeeze(zeros([1, 3, 1]), 1)).toThrow(
      'squeeze: axis 1 must have size 1 to be squeezed, got shape [1,3,1]',
    );
  });
});

describe('flip', () => {
  it('reverses the given axes as a view', () => {
    const x = arange(6).reshape(2, 3);
    expect(flip(x).toArray()).toEqual([
      [5, 4, 3],
      [2, 1, 0],
    ]);
    expect(flip(x, 1).toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(flip(x, [-2]).data).toBe(x.data);
    expect(flip(x, [])).toBe(x);
    expect(flip(f64(1)).item()).toBe(1);
    expect(flip(zeros([0, 2]), 0).shape).toEqual([0, 2]);
  });

  it('errors', () => {
    expect(() => flip(zeros([3, 4]), [0, 0])).toThrow(new ShapeError('flip: axes repeats axis 0, got [0,0]'));
    expect(() => flip(zeros([3, 4]), 2)).toThrow(
      'flip: axes must be an integer in [-2, 1] for rank 2, got 2',
    );
  });
});

describe('pad', () => {
  it('pads with a constant, keeping the dtype', () => {
    expect(pad(f64([1, 2]), [[1, 2]], { value: 9 }).toArray()).toEqual([9, 1, 2, 9, 9]);
    const p = pad(array([[1, 2]]), [
      [1, 0],
      [0, 1],
    ]);
    expect(p.dtype).toBe('int32');
    expect(p.toArray()).toEqual([
      [0, 0, 0],
      [1, 2, 0],
    ]);
    expect(pad(f64(3), []).item()).toBe(3);
    expect(
      pad(
        zeros([0, 2]),
        [
          [1, 1],
          [0, 0],
        ],
        { value: 5 },
      ).toArray(),
    ).toEqual([
      [5, 5],
      [5, 5],
    ]);
    const x = rand([2]);
    expect(pad(x, [[0, 0]])).toBe(x);
  });

  it('its VJP crops', () => {
    const g = grad((v: NDArray) => sum(mul(pad(v, [[1, 1]], { value: 3 }), f64([1, 2, 3, 4]))))(rand([2]));
    expect(g.toArray()).toEqual([2, 3]);
  });

  it('errors', () => {
    expect(() => pad(zeros([3, 4]), [[1, 1]])).toThrow(
      new ShapeError(
        'pad: pads must hold one [before, after] pair for each of the 2 axes, got [[1,1]] for shape [3,4]',
      ),
    );
    expect(() => pad(zeros([3]), [[-1, 1]])).toThrow(
      new ArgumentError('pad: each pad must be a pair of non-negative integers, got [-1,1]'),
    );
  });
});

describe('strided inputs give the same results as contiguous copies', () => {
  const views: [string, (x: NDArray) => NDArray][] = [
    ['transposed', (x) => x.transpose()],
    ['flipped', (x) => x.flip()],
    ['stepped', (x) => x.slice(...x.shape.map(() => ({ step: 2 })))],
    ['broadcast', (x) => x.slice(...x.shape.map(() => ({ stop: 1 }))).broadcastTo(x.shape)],
  ];
  const ops: [string, (x: NDArray) => NDArray][] = [
    ['permute', (x) => permute(x, [...x.shape.keys()].reverse())],
    ['slice', (x) => slice(x, { start: -1, step: -1 }, { start: 1 })],
    ['flip', (x) => flip(x, 0)],
    [
      'pad',
      (x) =>
        pad(
          x,
          [
            [1, 0],
            [2, 1],
            [0, 1],
          ],
          { value: -1 },
        ),
    ],
    ['expandDims', (x) => expandDims(x, 1)],
    ['concat', (x) => concat([x, x], 1)],
  ];
  it('for every op and view kind (random shapes)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
        fc.nat(),
        (shape, seed) => {
          const base = rand(shape, seed);
          for (const [, view] of views) {
            const v = view(base);
            for (const [, op] of ops) expect(op(v).toArray()).toEqual(op(v.copy()).toArray());
          }
        },
      ),
      { seed: 42, numRuns: 50 },
    );
  });
});

// The op is applied to v² so that gradients come out of `mul` as contiguous arrays: checkGrads reads
// `.data[k]` directly and misreads strided views (reported in check.ts).
describe('second-order gradient checks (float64)', () => {
  const x = rand([3, 4, 2], 7);
  const cases: [string, (v: NDArray) => NDArray][] = [
    ['permute', (v) => permute(v, [1, 2, 0])],
    ['transpose', (v) => transpose(v, 0, 2)],
    ['moveaxis', (v) => moveaxis(v, 0, -1)],
    ['slice', (v) => slice(v, { start: -1, step: -2 }, 1)],
    ['expandDims', (v) => expandDims(v, 1)],
    ['squeeze', (v) => squeeze(expandDims(v, 0))],
    ['flip', (v) => flip(v, [0, 2])],
    [
      'pad',
      (v) =>
        pad(
          v,
          [
            [1, 0],
            [0, 2],
            [1, 1],
          ],
          { value: 0.5 },
        ),
    ],
  ];
  for (const [name, op] of cases) {
    it(name, () => {
      checkGrads(
        (v: NDArray) => {
          const y = op(mul(v, v));
          return mul(y, y);
        },
        [x],
        { order: 2 },
      );
    });
  }
});
