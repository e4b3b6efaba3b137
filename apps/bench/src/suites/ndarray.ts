/**
 * Workloads of @lucid-ts/ndarray: the strided loops every later kernel is built on. Each workload
 * checks its own result once before it is timed.
 */
import { arange, forEachRun, map, type NDArray, reduce, zeros } from '@lucid-ts/ndarray';
import type { Workload } from '../workload.js';

const float32 = (shape: number[]): NDArray => {
  const a = zeros(shape);
  for (let i = 0; i < a.size; i++) a.data[i] = ((i * 2654435761) % 1000) / 1000;
  return a;
};

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`ndarray workload self-check failed: ${what}`);
}

export const ndarrayWorkloads: Workload[] = [
  {
    id: 'N1',
    name: 'contiguous() of permuted [64,64,64] f32',
    elements: 64 ** 3,
    setup() {
      const v = float32([64, 64, 64]).permute(2, 0, 1);
      const c = v.contiguous();
      check(c.get(5, 7, 9) === v.get(5, 7, 9), 'permuted copy');
      return () => v.contiguous();
    },
  },
  {
    id: 'N2',
    name: 'contiguous() of flipped, stepped [256,1024] f32',
    elements: 128 * 1024,
    setup() {
      const v = float32([256, 1024]).slice({ step: 2 }).flip(1);
      check(v.contiguous().get(3, 0) === v.get(3, 0), 'flipped copy');
      return () => v.contiguous();
    },
  },
  {
    id: 'N3',
    name: 'map x*2+1 over 1M f32 (contiguous)',
    elements: 1 << 20,
    setup() {
      const a = float32([1 << 20]);
      check(map(a, (x) => x * 2 + 1).get(7) === Math.fround(a.get(7) * 2 + 1), 'map');
      return () => map(a, (x) => x * 2 + 1);
    },
  },
  {
    id: 'N4',
    name: 'map x*2+1 over transposed [1024,1024] f32',
    elements: 1 << 20,
    setup() {
      const a = float32([1024, 1024]).transpose();
      return () => map(a, (x) => x * 2 + 1);
    },
  },
  {
    id: 'N5',
    name: 'sum over last axis of [1024,1024] f32',
    elements: 1 << 20,
    setup() {
      const a = arange(1 << 20, undefined, 1, { dtype: 'float32' }).reshape(1024, 1024);
      check(reduce(a, (s, x) => s + x, 0, { axis: -1 }).get(0) === (1023 * 1024) / 2, 'row sum');
      return () => reduce(a, (s, x) => s + x, 0, { axis: -1 });
    },
  },
  {
    id: 'N6',
    name: 'sum over first axis of [1024,1024] f32',
    elements: 1 << 20,
    setup() {
      const a = float32([1024, 1024]);
      return () => reduce(a, (s, x) => s + x, 0, { axis: 0 });
    },
  },
  {
    id: 'N7',
    name: '10k view chains (reshape, permute, slice, flip, broadcast)',
    elements: 10_000,
    setup() {
      const a = arange(24).reshape(2, 3, 4);
      return () => {
        let v = a;
        for (let i = 0; i < 10_000; i++) {
          v = a
            .reshape(4, 6)
            .transpose()
            .slice({ step: 2 })
            .flip(0)
            .reshape(3, 4)
            .expandDims(0)
            .broadcastTo([2, 3, 4]);
        }
        return v;
      };
    },
  },
  {
    id: 'N8',
    name: 'forEachRun strided sum over [64,64,64] sliced view',
    elements: 32 * 64 * 32,
    setup() {
      const a = float32([64, 64, 64]).slice({ step: 2 }, null, { step: -2 });
      return () => {
        let s = 0;
        forEachRun(a.shape, [a], (n, [o], [st]) => {
          for (let i = 0; i < n; i++) s += a.data[o + i * st];
        });
        return s;
      };
    },
  },
];
