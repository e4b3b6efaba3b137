/**
 * The three convolution primitives. A convolution is the trilinear form
 * `T(x, w, g) = Σ g[n,o,p] · w[o,c,k] · x[n,c, p·s + k·d − pb]`, and each primitive is one of its partial
 * maps, so the VJP rules of all three are written with each other and differentiate again (hvp, grad of
 * grad): `conv(x, w)` is the forward convolution, `convInputGrad(g, w)` the transposed convolution (the
 * adjoint in x), `convWeightGrad(x, g)` the weight cotangent (the adjoint in w). All three share one
 * {@link ConvGeometry}: padding, including asymmetric 'same', lives in it, so no pad op is involved and
 * `convInputGrad` crops. Bias is not a primitive's concern: the public functions add it with a broadcast
 * add, whose VJP sums.
 *
 * These functions are internal: they trust their caller (conv.ts) to have validated shapes and dtypes.
 */
import { fmtShape, type NDArray, shapesEqual } from '@lucid-ts/ndarray';
import { definePrimitive } from '../core/primitive.js';
import { bind } from '../core/tracer.js';
import {
  type ConvGeometry,
  convForwardKernel,
  convInputGradKernel,
  convWeightGradKernel,
} from '../kernels/conv.js';

export type { ConvGeometry };

/** Guards the internal contract: a mismatch here is a bug in a caller, not a user error. */
function expectShape(prim: string, what: string, a: NDArray, shape: readonly number[]): void {
  if (!shapesEqual(a.shape, shape)) {
    throw new Error(
      `internal: ${prim}: ${what} must have shape ${fmtShape(shape)}, got ${fmtShape(a.shape)}`,
    );
  }
}

const convPrim = definePrimitive<ConvGeometry>({
  name: 'conv',
  impl: ([x, w], geom) => convForwardKernel(x, w, geom),
  // y = T(x, w, ·) is bilinear: dx = convInputGrad(ct, w), dw = convWeightGrad(x, ct).
  vjp: (ct, { inputs: [x, w], params, needsGradient: [nx, nw] }) => [
    nx ? convInputGrad(ct, w, params) : null,
    nw ? convWeightGrad(x, ct, params) : null,
  ],
});

const convInputGradPrim = definePrimitive<ConvGeometry>({
  name: 'convInputGrad',
  impl: ([g, w], geom) => convInputGradKernel(g, w, geom),
  // <ct, convInputGrad(g, w)> = T(ct, w, g): dg = conv(ct, w), dw = convWeightGrad(ct, g).
  vjp: (ct, { inputs: [g, w], params, needsGradient: [ng, nw] }) => [
    ng ? conv(ct, w, params) : null,
    nw ? convWeightGrad(ct, g, params) : null,
  ],
});

const convWeightGradPrim = definePrimitive<ConvGeometry>({
  name: 'convWeightGrad',
  impl: ([x, g], geom) => convWeightGradKernel(x, g, geom),
  // <ct, convWeightGrad(x, g)> = T(x, ct, g): dx = convInputGrad(g, ct), dg = conv(x, ct).
  vjp: (ct, { inputs: [x, g], params, needsGradient: [nx, ng] }) => [
    nx ? convInputGrad(g, ct, params) : null,
    ng ? conv(x, ct, params) : null,
  ],
});

/** `y = conv(x, w)`: x `[N, Cin, *inSize]`, w `[Cout, Cin/groups, *kernelSize]` → `[N, Cout, *outSize]`. */
export function conv(x: NDArray, w: NDArray, geom: ConvGeometry): NDArray {
  const [n, cin] = x.shape;
  expectShape('conv', 'x', x, [n, cin, ...geom.inSize]);
  expectShape('conv', 'w', w, [w.shape[0], cin / geom.groups, ...geom.kernelSize]);
  return bind(convPrim, [x, w], geom);
}

/**
 * The transposed convolution: g `[N, Cout, *outSize]`, w `[Cout, Cin/groups, *kernelSize]` →
 * `[N, Cin, *inSize]`. The explicit `inSize` fixes the result when a strided conv left input rows unread.
 */
export function convInputGrad(g: NDArray, w: NDArray, geom: ConvGeometry): NDArray {
  expectShape('convInputGrad', 'g', g, [g.shape[0], w.shape[0], ...geom.outSize]);
  expectShape('convInputGrad', 'w', w, [w.shape[0], w.shape[1], ...geom.kernelSize]);
  return bind(convInputGradPrim, [g, w], geom);
}

/** The weight cotangent: x `[N, Cin, *inSize]`, g `[N, Cout, *outSize]` → `[Cout, Cin/groups, *kernelSize]`. */
export function convWeightGrad(x: NDArray, g: NDArray, geom: ConvGeometry): NDArray {
  expectShape('convWeightGrad', 'x', x, [x.shape[0], x.shape[1], ...geom.inSize]);
  expectShape('convWeightGrad', 'g', g, [x.shape[0], g.shape[1], ...geom.outSize]);
  return bind(convWeightGradPrim, [x, g], geom);
}
