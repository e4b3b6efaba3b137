import { ArgumentError, type NDArray } from '@lucid-ts/ndarray';
import * as ops from '@lucid-ts/ops';
import { describe, expect, it } from 'vitest';
import {
  elu,
  gelu,
  leakyRelu,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from './activation.js';

const x = ops.random.normal(ops.random.key(2), [3, 4], { dtype: 'float64' });
const flat = (a: NDArray) => Array.from(a.copy().data);

describe('activation layers', () => {
  it('have no params and equal their ops', () => {
    const cases: [ReturnType<typeof relu>, NDArray, string][] = [
      [relu(), ops.relu(x), 'relu()'],
      [gelu(), ops.gelu(x), 'gelu()'],
      [gelu({ approximate: 'tanh' }), ops.gelu(x, { approximate: 'tanh' }), 'gelu(approximate=tanh)'],
      [silu(), ops.silu(x), 'silu()'],
      [tanh(), ops.tanh(x), 'tanh()'],
      [sigmoid(), ops.sigmoid(x), 'sigmoid()'],
      [leakyRelu(), ops.leakyRelu(x), 'leakyRelu()'],
      [
        leakyRelu({ negativeSlope: 0.2 }),
        ops.leakyRelu(x, { negativeSlope: 0.2 }),
        'leakyRelu(negativeSlope=0.2)',
      ],
      [elu({ alpha: 0.5 }), ops.elu(x, { alpha: 0.5 }), 'elu(alpha=0.5)'],
      [softplus({ beta: 2 }), ops.softplus(x, { beta: 2 }), 'softplus(beta=2)'],
      [softmax(), ops.softmax(x, { axis: -1 }), 'softmax()'],
      [softmax({ axis: 0 }), ops.softmax(x, { axis: 0 }), 'softmax(axis=0)'],
      [logSoftmax({ axis: 0 }), ops.logSoftmax(x, { axis: 0 }), 'logSoftmax(axis=0)'],
    ];
    for (const [layer, expected, name] of cases) {
      expect(layer.name).toBe(name);
      expect(layer.init(ops.random.key(0))).toEqual({});
      expect(layer.initState()).toBeNull();
      expect(flat(layer.apply({}, x))).toEqual(flat(expected));
    }
  });

  it('are differentiable', () => {
    ops.checkGrads((v: NDArray) => ops.sum(gelu().apply({}, v)), [x]);
    ops.checkGrads((v: NDArray) => ops.sum(ops.mul(softmax().apply({}, v), x)), [x]);
  });

  it('check their options when made and name themselves in errors', () => {
    expect(() => gelu({ approximate: 'erf' as never })).toThrow(ArgumentError);
    expect(() => leakyRelu({ negativeSlope: Number.NaN })).toThrow(/leakyRelu: negativeSlope/);
    expect(() => softplus({ beta: 0 })).toThrow(/beta must be nonzero/);
    expect(() => softmax({ axis: 2 }).apply({}, x)).toThrow(/^softmax\(axis=2\): /);
    expect(() => relu().apply({}, [1, 2] as never)).toThrow(
      new ArgumentError('relu(): input must be an NDArray, got object'),
    );
  });
});
