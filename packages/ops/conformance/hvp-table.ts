/**
 * The scalar functions of hvp.json, one per `fn` name, written with our ops exactly as the README table
 * defines them (arguments not written there take the README defaults). Ops are looked up by name at call
 * time, so a function that uses a missing op fails with "unknown op <name>".
 */
import type { NDArray } from '@lucid-ts/ndarray';
import { type AnyFn, lookupOp, UnknownOpError } from './ops-table.js';

export type HvpInputs = Readonly<Record<string, NDArray>>;
export type HvpFn = (p: HvpInputs, ops: Record<string, unknown>) => NDArray;

/** Binds the op lookup once per call, so each definition reads like its README formula. */
function def(body: (o: (name: string) => AnyFn, p: HvpInputs) => unknown): HvpFn {
  return (p, ops) => body((name) => lookupOp(ops, name), p) as NDArray;
}

const conv = (stride: number[], padding: number[] | 'same', dilation: number[], groups: number) => ({
  stride,
  padding,
  dilation,
  groups,
});

/** `sum(y^2)` and `sum(y^3)`, with `^` as repeated elementwise multiplication. */
const sumSq = (o: (n: string) => AnyFn, y: unknown) => o('sum')(o('mul')(y, y));
const sumCube = (o: (n: string) => AnyFn, y: unknown) => o('sum')(o('mul')(o('mul')(y, y), y));

export const HVP_TABLE: Readonly<Record<string, HvpFn>> = Object.freeze({
  conv1d_tanh_sq: def((o, { x, w, b }) => sumSq(o, o('tanh')(o('conv1d')(x, w, b, conv([1], [1], [1], 1))))),
  conv2d_tanh_sq: def((o, { x, w, b }) =>
    sumSq(o, o('tanh')(o('conv2d')(x, w, b, conv([1, 1], [1, 1], [1, 1], 1)))),
  ),
  conv3d_tanh_sq: def((o, { x, w }) =>
    sumSq(o, o('tanh')(o('conv3d')(x, w, null, conv([1, 1, 1], [1, 1, 1], [1, 1, 1], 1)))),
  ),
  conv2d_strided_softplus: def((o, { x, w, b }) =>
    o('sum')(
      o('softplus')(o('conv2d')(x, w, b, conv([2, 2], [1, 1], [1, 1], 1)), { beta: 1, threshold: 20 }),
    ),
  ),
  conv1d_dilated_grouped_sin: def((o, { x, w, b }) =>
    o('sum')(o('sin')(o('conv1d')(x, w, b, conv([2], [2], [2], 2)))),
  ),
  conv3d_grouped_sigmoid_sq: def((o, { x, w, b }) =>
    sumSq(o, o('sigmoid')(o('conv3d')(x, w, b, conv([1, 2, 1], [0, 1, 1], [1, 1, 1], 2)))),
  ),
  // TF SAME at stride 2: our 'same' padding follows TensorFlow's rule for strides > 1.
  conv2d_tfsame_tanh_sq: def((o, { x, w }) =>
    sumSq(o, o('tanh')(o('conv2d')(x, w, null, conv([2, 2], 'same', [1, 1], 1)))),
  ),
  convTranspose2d_tanh_sq: def((o, { x, w, b }) =>
    sumSq(
      o,
      o('tanh')(
        o('convTranspose2d')(x, w, b, {
          stride: [2, 2],
          padding: [1, 1],
          outputPadding: [1, 1],
          dilation: [1, 1],
          groups: 1,
        }),
      ),
    ),
  ),
  conv2d_maxpool_sq: def((o, { x, w, b }) =>
    sumSq(
      o,
      o('maxPool2d')(o('conv2d')(x, w, b, conv([1, 1], [1, 1], [1, 1], 1)), {
        kernelSize: [2, 2],
        stride: [2, 2],
        padding: [0, 0],
        dilation: [1, 1],
        ceilMode: false,
      }),
    ),
  ),
  maxpool1d_sin: def((o, { x }) =>
    o('sum')(
      o('sin')(
        o('maxPool1d')(x, { kernelSize: [3], stride: [2], padding: [1], dilation: [1], ceilMode: false }),
      ),
    ),
  ),
  maxpool3d_cube: def((o, { x }) =>
    sumCube(
      o,
      o('maxPool3d')(x, {
        kernelSize: [2, 2, 2],
        stride: [1, 1, 1],
        padding: [1, 1, 1],
        dilation: [1, 1, 1],
        ceilMode: false,
      }),
    ),
  ),
  maxpool2d_dilated_ceil_tanh_sq: def((o, { x }) =>
    sumSq(
      o,
      o('tanh')(
        o('maxPool2d')(x, {
          kernelSize: [2, 2],
          stride: [2, 2],
          padding: [1, 0],
          dilation: [2, 1],
          ceilMode: true,
        }),
      ),
    ),
  ),
  avgpool2d_exp: def((o, { x }) =>
    o('sum')(
      o('exp')(
        o('avgPool2d')(x, {
          kernelSize: [3, 3],
          stride: [2, 2],
          padding: [1, 1],
          ceilMode: false,
          countIncludePad: false,
          divisorOverride: null,
        }),
      ),
    ),
  ),
  conv3d_avgpool_sq: def((o, { x, w, b }) =>
    sumSq(
      o,
      o('avgPool3d')(o('tanh')(o('conv3d')(x, w, b, conv([1, 1, 1], [1, 1, 1], [1, 1, 1], 1))), {
        kernelSize: [2, 2, 2],
        stride: [2, 2, 2],
        padding: [0, 0, 0],
        ceilMode: true,
        countIncludePad: true,
        divisorOverride: null,
      }),
    ),
  ),
  mlp_tanh_ce: def((o, { x, W1, b1, W2, b2, target }) =>
    o('crossEntropy')(o('linear')(o('tanh')(o('linear')(x, W1, b1)), W2, b2), target, {
      reduction: 'mean',
      labelSmoothing: 0,
    }),
  ),
  mlp_gelu_ce_smooth: def((o, { x, W1, b1, W2, b2, target }) =>
    o('crossEntropy')(
      o('linear')(o('gelu')(o('linear')(x, W1, b1), { approximate: 'tanh' }), W2, b2),
      target,
      { reduction: 'sum', labelSmoothing: 0.1 },
    ),
  ),
  softmax_dot: def((o, { x, c }) => o('sum')(o('mul')(o('softmax')(x, { axis: -1 }), c))),
  logsoftmax_sq: def((o, { x }) => sumSq(o, o('logSoftmax')(x, { axis: 1 }))),
  // normalizedShape is [3, 4] in this set; the weight has exactly that shape by definition, and using it
  // keeps the function right for fixture sets with other shapes.
  layernorm_cube: def((o, { x, w, b }) =>
    sumCube(o, o('layerNorm')(x, w, b, { normalizedShape: [...w.shape], eps: 1e-5 })),
  ),
  batchnorm_cube: def((o, { x, w, b }) => sumCube(o, o('batchNorm')(x, w, b, { eps: 1e-5 }))),
  groupnorm_tanh_sq: def((o, { x, w, b }) =>
    sumSq(o, o('tanh')(o('groupNorm')(x, w, b, { numGroups: 2, eps: 1e-5 }))),
  ),
  // sum(exp(sin(x)) * tanh(y) + sigmoid(x * y))
  elementwise_chain_a: def((o, { x, y }) =>
    o('sum')(o('add')(o('mul')(o('exp')(o('sin')(x)), o('tanh')(y)), o('sigmoid')(o('mul')(x, y)))),
  ),
  // sum(pow(a, b) / (1 + sqrt(a)) + log(1 + a^2) * cos(b) + silu(a * b))
  elementwise_chain_b: def((o, { a, b }) => {
    const first = o('div')(o('pow')(a, b), o('add')(1, o('sqrt')(a)));
    const second = o('mul')(o('log')(o('add')(1, o('mul')(a, a))), o('cos')(b));
    return o('sum')(o('add')(o('add')(first, second), o('silu')(o('mul')(a, b))));
  }),
  matmul_tanh_sq: def((o, { a, b }) => sumSq(o, o('tanh')(o('matmul')(a, b)))),
  mse_tanh_linear: def((o, { x, W, b, t }) =>
    o('mseLoss')(o('tanh')(o('linear')(x, W, b)), t, { reduction: 'mean' }),
  ),
  bce_logits_linear: def((o, { x, W, b, t }) =>
    o('binaryCrossEntropyWithLogits')(o('linear')(x, W, b), t, { reduction: 'mean' }),
  ),
});

/** The function for an hvp case, or an UnknownOpError naming the missing `fn`. */
export function hvpFn(fn: string): HvpFn {
  const f = Object.hasOwn(HVP_TABLE, fn) ? HVP_TABLE[fn] : undefined;
  if (!f) throw new UnknownOpError(`unknown fn ${fn}: no definition in the conformance hvp table`);
  return f;
}
