import { ArgumentError, array, type NDArray } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import {
  add,
  bind,
  checkGrads,
  customVjp,
  definePrimitive,
  div,
  grad,
  jvp,
  mul,
  NotDifferentiableError,
  neg,
  notDifferentiable,
  stopGradient,
  sub,
  sum,
  Tracer,
  valueAndGrad,
  vjp,
} from '../index.js';

const f64 = (x: number[] | number) => array(x, { dtype: 'float64' });

describe('vjp and grad on the base ops', () => {
  it('grad of sum(x*x) is 2x, with broadcasting summed back', () => {
    expect(grad((x: NDArray) => sum(mul(x, x)))(f64([1, 2, 3])).toArray()).toEqual([2, 4, 6]);
    const g = grad((a: NDArray, b: NDArray) => sum(mul(a, b)), { argnums: [0, 1] })(f64([1, 2]), f64(3));
    expect(g[0].toArray()).toEqual([3, 3]);
    expect(g[1].toArray()).toEqual(3);
    expect(g[1].shape).toEqual([]);
  });

  it('vjp returns the output and a pullback over pytrees', () => {
    const [y, pb] = vjp((p: { w: NDArray; b: NDArray }) => add(mul(p.w, 2), p.b), {
      w: f64([1, 2]),
      b: f64([3, 4]),
    });
    expect(y.toArray()).toEqual([5, 8]);
    expect(y).not.toBeInstanceOf(Tracer);
    const [ct] = pb(f64([1, 10]));
    expect(ct.w.toArray()).toEqual([2, 20]);
    expect(ct.b.toArray()).toEqual([1, 10]);
  });

  it('div and sub rules', () => {
    const [da, db] = grad((a: NDArray, b: NDArray) => sum(sub(div(a, b), b)), { argnums: [0, 1] })(
      f64(3),
      f64(2),
    );
    expect(da.item()).toBeCloseTo(0.5, 12);
    expect(db.item()).toBeCloseTo(-3 / 4 - 1, 12);
  });

  it('second and third derivatives by nesting grad', () => {
    const cube = (x: NDArray) => sum(mul(mul(x, x), x));
    const d1 = grad(cube);
    const d2 = grad((x: NDArray) => sum(d1(x)));
    const d3 = grad((x: NDArray) => sum(d2(x)));
    expect(d1(f64(2)).item()).toBe(12);
    expect(d2(f64(2)).item()).toBe(12);
    expect(d3(f64(2)).item()).toBe(6);
  });

  it('nested transforms do not confuse perturbations', () => {
    // d/dx [ x * d/dy (x + y) ] = d/dx [x * 1] = 1 (perturbation confusion gives 2).
    const inner = (x: NDArray) => grad((y: NDArray) => sum(add(x, y)))(f64(1));
    const outer = grad((x: NDArray) => sum(mul(x, inner(x))));
    expect(outer(f64(3)).item()).toBe(1);
  });

  it('jvp through the double-VJP identity', () => {
    const [y, t] = jvp((x: NDArray) => mul(x, x), [f64([3, 4])], [f64([1, 2])]);
    expect(y.toArray()).toEqual([9, 16]);
    expect(t.toArray()).toEqual([6, 16]);
    // jvp of grad: Hessian-vector product of sum(x^3) is 6 x v.
    const [, hv] = jvp(
      grad((x: NDArray) => sum(mul(mul(x, x), x))),
      [f64([1, 2])],
      [f64([1, 1])],
    );
    expect(hv.toArray()).toEqual([6, 12]);
  });

  it('valueAndGrad with aux; stopGradient blocks the gradient', () => {
    const [[v, aux], g] = valueAndGrad((x: NDArray) => [sum(mul(x, stopGradient(x))), mul(x, 2)], {
      hasAux: true,
    })(f64([1, 2]));
    expect(v.item()).toBe(5);
    expect(aux.toArray()).toEqual([2, 4]);
    expect(aux).not.toBeInstanceOf(Tracer);
    expect(g.toArray()).toEqual([1, 2]);
  });

  it('errors: non-scalar output, bad argnums, not-differentiable primitive', () => {
    expect(() => grad((x: NDArray) => mul(x, 2))(f64([1, 2]))).toThrow(
      'grad: f must return a float scalar (an array with one element), got float64 array of shape [2]',
    );
    expect(() => grad((x: NDArray) => sum(x), { argnums: 1 })(f64(1))).toThrow(ArgumentError);
    const opaque = definePrimitive({ name: 'opaque', impl: ([x]) => x.copy(), vjp: notDifferentiable });
    expect(() => grad((x: NDArray) => sum(bind(opaque, [x], {})))(f64([1]))).toThrow(NotDifferentiableError);
    expect(() => grad((x: NDArray) => sum(bind(opaque, [x], {})))(f64([1]))).toThrow(
      /opaque: has no derivative/,
    );
  });

  it('integer inputs are not differentiated', () => {
    const g = grad((x: NDArray, k: NDArray) => sum(mul(x, k)), { argnums: [0, 1] })(
      f64([1, 2]),
      array([3, 4]),
    );
    expect(g[0].toArray()).toEqual([3, 4]);
    expect(g[1].dtype).toBe('int32');
    expect(g[1].toArray()).toEqual([0, 0]);
  });

  it('customVjp replaces the rule', () => {
    const scaledGrad = customVjp(
      (x: NDArray) => mul(x, 1),
      (x: NDArray) => [mul(x, 1), null],
      (_res, ct) => [mul(ct, 10)],
    );
    expect(grad((x: NDArray) => sum(scaledGrad(x)))(f64([1, 2])).toArray()).toEqual([10, 10]);
    expect(scaledGrad(f64([1, 2])).toArray()).toEqual([1, 2]);
  });

  it('checkGrads passes on a smooth function and catches a wrong rule', () => {
    checkGrads(
      (x: NDArray, y: NDArray) => div(mul(x, y), add(mul(y, y), 1)),
      [f64([0.5, -1]), f64([2, 0.3])],
      { order: 2 },
    );
    const wrong = definePrimitive({
      name: 'wrongSquare',
      impl: ([x]) => mul(x, x),
      vjp: (ct, { inputs: [x] }) => [mul(ct, x)], // should be 2x
    });
    expect(() => checkGrads((x: NDArray) => bind(wrong, [x], {}), [f64([1, 2])])).toThrow(/checkGrads/);
  });

  it('checkGrads reads strided results in row-major order', () => {
    const x = array(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: 'float64' },
    );
    checkGrads((v: NDArray) => v.transpose(), [x], { order: 2 });
    checkGrads((v: NDArray) => v.flip(1).slice(null, { step: 2 }), [x], { order: 2 });
  });

  it('a tracer reads like an array inside a transform', () => {
    grad((x: NDArray) => {
      expect(x).toBeInstanceOf(Tracer);
      expect(x.shape).toEqual([2]);
      expect(x.toArray()).toEqual([1, 2]);
      expect(neg(x).toArray()).toEqual([-1, -2]);
      return sum(x);
    })(f64([1, 2]));
  });
});
