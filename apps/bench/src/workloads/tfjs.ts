/**
 * W1–W10 with TensorFlow.js (backends `cpu` and `wasm`). tfjs is channels-last: inputs are converted
 * (NC… → N…C, weights [Cout,Cin,k…] → [k…,Cin,Cout]) outside the timed region, results converted back.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { Prepared } from './lucid.js';
import type { Result, Spec } from './spec.js';

let gradientsRegistered = false;
/**
 * tfjs-core registers its gradients only through an ES-module side-effect file whose directory imports
 * plain Node ESM (tsx) cannot resolve; Node's CommonJS loader (transformed by tsx) can, Vite (vitest) can import it.
 */
async function registerGradients(): Promise<void> {
  if (gradientsRegistered) return;
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  } catch {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  }
  gradientsRegistered = true;
}

export async function useBackend(name: 'cpu' | 'wasm', threads?: number): Promise<void> {
  await registerGradients();
  if (name === 'wasm' && threads) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    try {
      wasm.setThreadsCount(threads);
    } catch {
      // already initialised
    }
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs: backend ${name} failed to initialise`);
  await tf.ready();
}

const CL: Record<number, number[]> = { 3: [0, 2, 1], 4: [0, 2, 3, 1], 5: [0, 2, 3, 4, 1] };
const CF: Record<number, number[]> = { 3: [0, 2, 1], 4: [0, 3, 1, 2], 5: [0, 4, 1, 2, 3] };
const W_TF: Record<number, number[]> = { 4: [2, 3, 1, 0], 5: [2, 3, 4, 1, 0] };
const W_BACK: Record<number, number[]> = { 4: [3, 2, 0, 1], 5: [4, 3, 0, 1, 2] };

/** Input `name` as a tfjs tensor: activations channels-last, conv weights [k…, Cin, Cout]. */
function input(s: Spec, name: string, kind: 'act' | 'weight' | 'plain'): tf.Tensor {
  const { shape, data } = s.inputs[name];
  return tf.tidy(() => {
    const t = tf.tensor(data, shape, 'float32');
    if (kind === 'act') return tf.transpose(t, CL[shape.length]);
    if (kind === 'weight') return tf.transpose(t, W_TF[shape.length]);
    return t;
  });
}
function back(t: tf.Tensor, kind: 'act' | 'weight' | 'plain'): Float32Array {
  return tf.tidy(() => {
    const r =
      kind === 'act' ? tf.transpose(t, CF[t.rank]) : kind === 'weight' ? tf.transpose(t, W_BACK[t.rank]) : t;
    return Float32Array.from(r.dataSync() as Float32Array);
  });
}

function fwdBwd(
  s: Spec,
  op: (...xs: tf.Tensor[]) => tf.Tensor,
  names: [string, 'act' | 'weight' | 'plain'][],
  notes: string,
): Prepared {
  const xs = names.map(([n, k]) => input(s, n, k));
  const g = input(s, 'g', 'act');
  const vg = tf.valueAndGrads((...a: tf.Tensor[]) => tf.sum(tf.mul(op(...a), g)) as tf.Scalar);
  return {
    notes,
    run: () => tf.tidy(() => void vg(xs)),
    result: () => {
      const { value, grads } = vg(xs);
      const r: Result = { value: back(value, 'plain') };
      names.forEach(([n, k], i) => {
        r[`d${n}`] = back(grads[i], k);
      });
      tf.dispose([value, ...grads]);
      return r;
    },
  };
}

function crossEntropy(logits: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), 1))) as tf.Scalar;
}

function trainStep(
  s: Spec,
  loss: (ps: tf.Tensor[], x: tf.Tensor, y: tf.Tensor2D) => tf.Scalar,
  names: [string, 'act' | 'weight' | 'plain'][],
  xKind: 'act' | 'plain',
  notes: string,
): Prepared {
  const x = input(s, 'x', xKind);
  const lab = s.labels as Int32Array;
  const classes = s.inputs[names[names.length - 1][0]].shape[0];
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(lab, 'int32'), classes), 'float32')) as tf.Tensor2D;
  const ps = names.map(([n, k]) => input(s, n, k));
  const vg = tf.valueAndGrads((...p: tf.Tensor[]) => loss(p, x, y));
  const step = (): [tf.Tensor, tf.Tensor[]] => {
    const { value, grads } = vg(ps);
    return [value, ps.map((p, i) => tf.sub(p, tf.mul(grads[i], s.p.lr)))];
  };
  return {
    notes,
    run: () => tf.tidy(() => void step()),
    result: () =>
      tf.tidy(() => {
        const [v, nps] = step();
        const r: Result = { loss: back(v, 'plain') };
        names.forEach(([n, k], i) => {
          r[n] = back(nps[i], k);
        });
        return r;
      }),
  };
}

const ACT =
  'activations converted NC…→N…C and conv weights [Cout,Cin,k…]→[k…,Cin,Cout] outside the timed region';

export function prepareTfjs(s: Spec): Prepared {
  switch (s.id) {
    case 'W1': {
      const x = input(s, 'x', 'act') as tf.Tensor5D;
      const w = input(s, 'w', 'weight') as tf.Tensor5D;
      const b = input(s, 'b', 'plain');
      const f = (): tf.Tensor => tf.add(tf.conv3d(x, w, 1, 'same'), b);
      return {
        notes: ACT,
        run: () => tf.tidy(() => void f()),
        result: () => tf.tidy(() => ({ y: back(f(), 'act') })),
      };
    }
    case 'W2':
      return fwdBwd(
        s,
        (x, w, b) => tf.add(tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 1, 'same'), b),
        [
          ['x', 'act'],
          ['w', 'weight'],
          ['b', 'plain'],
        ],
        ACT,
      );
    case 'W3':
      return fwdBwd(s, (x) => tf.maxPool3d(x as tf.Tensor5D, 2, 2, 'valid'), [['x', 'act']], ACT);
    case 'W4':
      return fwdBwd(
        s,
        (x) =>
          tf.avgPool3d(
            tf.pad(x, [
              [0, 0],
              [1, 1],
              [1, 1],
              [1, 1],
              [0, 0],
            ]) as tf.Tensor5D,
            3,
            2,
            'valid',
          ),
        [['x', 'act']],
        `${ACT}; tfjs avgPool excludes padding from the divisor, so the input is zero-padded with tf.pad (inside the timed region) and pooled 'valid' to get PyTorch's count_include_pad`,
      );
    case 'W5':
      return fwdBwd(
        s,
        (x, w, b) => tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b),
        [
          ['x', 'act'],
          ['w', 'weight'],
          ['b', 'plain'],
        ],
        ACT,
      );
    case 'W6':
      return fwdBwd(s, (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), [['x', 'act']], ACT);
    case 'W7':
      return fwdBwd(
        s,
        (x) => {
          const [n, l, c] = x.shape;
          const p = tf.pad(x, [
            [0, 0],
            [1, 1],
            [0, 0],
          ]);
          const y = tf.avgPool(tf.reshape(p, [n, 1, l + 2, c]) as tf.Tensor4D, [1, 3], [1, 2], 'valid');
          return tf.reshape(y, [n, y.shape[2], c]);
        },
        [['x', 'act']],
        `NCL→NLC outside the timed region; no avgPool1d in tfjs: tf.pad + avgPool on [N,1,L,C] (padding counted in the divisor as PyTorch; tfjs's own padding would exclude it)`,
      );
    case 'W8': {
      const a = input(s, 'a', 'plain') as tf.Tensor2D;
      const b = input(s, 'b', 'plain') as tf.Tensor2D;
      return {
        run: () => tf.tidy(() => void tf.matMul(a, b)),
        result: () => tf.tidy(() => ({ c: back(tf.matMul(a, b), 'plain') })),
      };
    }
    case 'W9':
      return trainStep(
        s,
        ([w1, b1, w2, b2], x, y) => {
          const h = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1 as tf.Tensor2D, false, true), b1));
          return crossEntropy(
            tf.add(tf.matMul(h as tf.Tensor2D, w2 as tf.Tensor2D, false, true), b2) as tf.Tensor2D,
            y,
          );
        },
        [
          ['w1', 'plain'],
          ['b1', 'plain'],
          ['w2', 'plain'],
          ['b2', 'plain'],
        ],
        'plain',
        'linear as matMul(x, W, false, true) + b; cross-entropy as -mean(sum(logSoftmax·onehot))',
      );
    case 'W10':
      return trainStep(
        s,
        ([c1, c1b, c2, c2b, fw, fb], x, y) => {
          const h1 = tf.relu(tf.add(tf.conv3d(x as tf.Tensor5D, c1 as tf.Tensor5D, 1, 'same'), c1b));
          const h2 = tf.relu(tf.add(tf.conv3d(h1 as tf.Tensor5D, c2 as tf.Tensor5D, 1, 'valid'), c2b));
          const p = tf.maxPool3d(h2 as tf.Tensor5D, 2, 2, 'valid');
          const flat = tf.reshape(tf.transpose(p, [0, 4, 1, 2, 3]), [x.shape[0], 1024]) as tf.Tensor2D;
          return crossEntropy(tf.add(tf.matMul(flat, fw as tf.Tensor2D, false, true), fb) as tf.Tensor2D, y);
        },
        [
          ['c1', 'weight'],
          ['c1b', 'plain'],
          ['c2', 'weight'],
          ['c2b', 'plain'],
          ['fw', 'plain'],
          ['fb', 'plain'],
        ],
        'act',
        `${ACT}; pooled features transposed back to NCDHW before flatten (inside the timed region)`,
      );
    default:
      throw new Error(`tfjs: unknown workload ${s.id}`);
  }
}
