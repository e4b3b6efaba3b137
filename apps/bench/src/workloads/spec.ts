/** Shapes and inputs of W1–W10 (WORKLOADS.md), shared by every library. Layouts NCDHW/NCHW/NCL. */
import { labels, normal } from '../data.js';
import { matmulFlops, w1Flops, w2Flops, w5Flops } from '../flops.js';

export interface Input {
  shape: number[];
  data: Float32Array;
}
export interface Spec {
  id: string;
  name: string;
  flops?: number;
  /** Float inputs, by name, in the library-independent layout. */
  inputs: Record<string, Input>;
  /** Integer labels (W9, W10). */
  labels?: Int32Array;
  /** Operator parameters. */
  p: Record<string, number>;
}
/** A workload's result for cross-checking: named float arrays in the NC… layout. */
export type Result = Record<string, Float32Array>;

const out = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;
const inp = (seed: number, shape: number[]): Input => ({ shape, data: normal(seed, shape) });

export const WORKLOAD_IDS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'W9', 'W10'] as const;

export function makeSpec(id: string, tiny = false): Spec {
  switch (id) {
    case 'W1':
    case 'W2': {
      const [n, cin, cout, d, h, w] = tiny ? [1, 2, 3, 4, 4, 4] : [4, 8, 16, 16, 32, 32];
      const inputs: Record<string, Input> = {
        x: inp(1, [n, cin, d, h, w]),
        w: inp(2, [cout, cin, 3, 3, 3]),
        b: inp(3, [cout]),
      };
      if (id === 'W2') inputs.g = inp(4, [n, cout, d, h, w]);
      const f = w1Flops(n, cin, cout, d, h, w, 3);
      return id === 'W1'
        ? { id, name: 'conv3d fwd', flops: f, inputs, p: { padding: 1 } }
        : { id, name: 'conv3d fwd+bwd', flops: w2Flops(n, cin, cout, d, h, w, 3), inputs, p: { padding: 1 } };
    }
    case 'W3':
    case 'W4': {
      const [n, c, d, h, w] = tiny ? [1, 2, 5, 6, 6] : [4, 16, 16, 32, 32];
      const [k, s, p] = id === 'W3' ? [2, 2, 0] : [3, 2, 1];
      return {
        id,
        name: id === 'W3' ? 'maxPool3d fwd+bwd' : 'avgPool3d fwd+bwd',
        inputs: {
          x: inp(5, [n, c, d, h, w]),
          g: inp(6, [n, c, out(d, k, s, p), out(h, k, s, p), out(w, k, s, p)]),
        },
        p: { k, s, p },
      };
    }
    case 'W5': {
      const [n, cin, cout, h, w] = tiny ? [1, 2, 3, 5, 5] : [4, 32, 64, 32, 32];
      return {
        id,
        name: 'conv2d fwd+bwd',
        flops: w5Flops(n, cin, cout, h, w, 3),
        inputs: {
          x: inp(7, [n, cin, h, w]),
          w: inp(8, [cout, cin, 3, 3]),
          b: inp(9, [cout]),
          g: inp(10, [n, cout, h, w]),
        },
        p: { padding: 1 },
      };
    }
    case 'W6': {
      const [n, c, h, w] = tiny ? [1, 2, 4, 6] : [8, 64, 64, 64];
      return {
        id,
        name: 'maxPool2d fwd+bwd',
        inputs: { x: inp(11, [n, c, h, w]), g: inp(12, [n, c, h / 2, w / 2]) },
        p: { k: 2, s: 2, p: 0 },
      };
    }
    case 'W7': {
      const [n, c, l] = tiny ? [1, 2, 9] : [16, 64, 1024];
      return {
        id,
        name: 'avgPool1d fwd+bwd',
        inputs: { x: inp(13, [n, c, l]), g: inp(14, [n, c, out(l, 3, 2, 1)]) },
        p: { k: 3, s: 2, p: 1 },
      };
    }
    case 'W8': {
      const m = tiny ? 8 : 512;
      return {
        id,
        name: `matmul ${m}³`,
        flops: matmulFlops(m, m, m),
        inputs: { a: inp(15, [m, m]), b: inp(16, [m, m]) },
        p: { m },
      };
    }
    case 'W9': {
      const [b, i, h, o] = tiny ? [4, 6, 5, 3] : [128, 784, 256, 10];
      return {
        id,
        name: 'MLP train step',
        inputs: {
          x: inp(17, [b, i]),
          w1: { shape: [h, i], data: normal(18, [h, i]).map((v) => v / Math.sqrt(i)) },
          b1: { shape: [h], data: new Float32Array(h) },
          w2: { shape: [o, h], data: normal(19, [o, h]).map((v) => v / Math.sqrt(h)) },
          b2: { shape: [o], data: new Float32Array(o) },
        },
        labels: labels(3, b, o),
        p: { lr: 0.1 },
      };
    }
    case 'W10': {
      const b = tiny ? 2 : 8;
      return {
        id,
        name: '3D CNN train step',
        inputs: {
          x: inp(20, [b, 1, 10, 10, 10]),
          c1: { shape: [8, 1, 3, 3, 3], data: normal(21, [8, 1, 3, 3, 3]).map((v) => v / Math.sqrt(27)) },
          c1b: { shape: [8], data: new Float32Array(8) },
          c2: { shape: [16, 8, 3, 3, 3], data: normal(22, [16, 8, 3, 3, 3]).map((v) => v / Math.sqrt(216)) },
          c2b: { shape: [16], data: new Float32Array(16) },
          fw: { shape: [10, 1024], data: normal(23, [10, 1024]).map((v) => v / 32) },
          fb: { shape: [10], data: new Float32Array(10) },
        },
        labels: labels(5, b, 10),
        p: { lr: 0.1 },
      };
    }
    default:
      throw new Error(`unknown workload ${id}`);
  }
}
