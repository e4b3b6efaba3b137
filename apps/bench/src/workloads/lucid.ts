/** W1–W10 with Lucid.ts (@lucid-ts/ops), float32, NC… layouts. */
import { NDArray } from '@lucid-ts/ndarray';
import {
  avgPool1d,
  avgPool3d,
  conv2d,
  conv3d,
  crossEntropy,
  linear,
  matmul,
  maxPool2d,
  maxPool3d,
  mul,
  relu,
  reshape,
  sub,
  sum,
  valueAndGrad,
} from '@lucid-ts/ops';
import type { Result, Spec } from './spec.js';

export interface Prepared {
  run(): unknown;
  /** Runs once and returns the result in NC… layout, for the agreement check. */
  result(): Result | Promise<Result>;
  notes?: string;
}

const arr = (s: Spec, name: string): NDArray => new NDArray(s.inputs[name].data, s.inputs[name].shape);
export const toF32 = (a: NDArray): Float32Array => Float32Array.from(a.contiguous().data as Float32Array);

function fwdBwd(s: Spec, op: (...xs: NDArray[]) => NDArray, names: string[]): Prepared {
  const xs = names.map((n) => arr(s, n));
  const g = arr(s, 'g');
  const argnums = names.map((_, i) => i);
  const vg = valueAndGrad((...a: NDArray[]) => sum(mul(op(...a), g)), { argnums });
  return {
    run: () => vg(...xs),
    result: () => {
      const [v, gs] = vg(...xs) as [NDArray, NDArray[]];
      const r: Result = { value: toF32(v) };
      names.forEach((n, i) => {
        r[`d${n}`] = toF32(gs[i]);
      });
      return r;
    },
  };
}

function trainStep(
  s: Spec,
  loss: (params: NDArray[], x: NDArray, y: NDArray) => NDArray,
  names: string[],
): Prepared {
  const x = arr(s, 'x');
  const y = new NDArray(s.labels as Int32Array, [(s.labels as Int32Array).length]);
  const params = names.map((n) => arr(s, n));
  const vg = valueAndGrad((ps: NDArray[]) => loss(ps, x, y));
  const step = (): [NDArray, NDArray[]] => {
    const [v, gs] = vg(params) as [NDArray, NDArray[]];
    return [v, params.map((p, i) => sub(p, mul(gs[i], s.p.lr)))];
  };
  return {
    run: step,
    result: () => {
      const [v, ps] = step();
      const r: Result = { loss: toF32(v) };
      names.forEach((n, i) => {
        r[n] = toF32(ps[i]);
      });
      return r;
    },
  };
}

export function prepareLucid(s: Spec): Prepared {
  switch (s.id) {
    case 'W1': {
      const [x, w, b] = ['x', 'w', 'b'].map((n) => arr(s, n));
      const f = (): NDArray => conv3d(x, w, b, { padding: 1 });
      return { run: f, result: () => ({ y: toF32(f()) }) };
    }
    case 'W2':
      return fwdBwd(s, (x, w, b) => conv3d(x, w, b, { padding: 1 }), ['x', 'w', 'b']);
    case 'W3':
      return fwdBwd(s, (x) => maxPool3d(x, { kernelSize: 2, stride: 2 }), ['x']);
    case 'W4':
      return fwdBwd(s, (x) => avgPool3d(x, { kernelSize: 3, stride: 2, padding: 1 }), ['x']);
    case 'W5':
      return fwdBwd(s, (x, w, b) => conv2d(x, w, b, { padding: 1 }), ['x', 'w', 'b']);
    case 'W6':
      return fwdBwd(s, (x) => maxPool2d(x, { kernelSize: 2, stride: 2 }), ['x']);
    case 'W7':
      return fwdBwd(s, (x) => avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1 }), ['x']);
    case 'W8': {
      const [a, b] = ['a', 'b'].map((n) => arr(s, n));
      return { run: () => matmul(a, b), result: () => ({ c: toF32(matmul(a, b)) }) };
    }
    case 'W9':
      return trainStep(
        s,
        ([w1, b1, w2, b2], x, y) => crossEntropy(linear(relu(linear(x, w1, b1)), w2, b2), y),
        ['w1', 'b1', 'w2', 'b2'],
      );
    case 'W10':
      return trainStep(
        s,
        ([c1, c1b, c2, c2b, fw, fb], x, y) => {
          const h1 = relu(conv3d(x, c1, c1b, { padding: 1 }));
          const h2 = relu(conv3d(h1, c2, c2b));
          const p = maxPool3d(h2, { kernelSize: 2 });
          return crossEntropy(linear(reshape(p, [x.shape[0], 1024]), fw, fb), y);
        },
        ['c1', 'c1b', 'c2', 'c2b', 'fw', 'fb'],
      );
    default:
      throw new Error(`lucid: unknown workload ${s.id}`);
  }
}
