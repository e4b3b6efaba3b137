import { array, type NDArray } from '@lucid-ts/ndarray';
import { describe, expect, it } from 'vitest';
import { div, grad, hessian, jacfwd, jacrev, jvp, mul, sum, vjp } from '../index.js';

const f64 = (x: number[] | number[][]) => array(x, { dtype: 'float64' });

describe('Jacobians and Hessians', () => {
  const h = (x: NDArray) => mul(x, x);

  it('jacrev and jacfwd agree with the analytic Jacobian of an elementwise map', () => {
    const x = f64([1, 2, 3]);
    const expected = [
      [2, 0, 0],
      [0, 4, 0],
      [0, 0, 6],
    ];
    expect((jacrev(h)(x) as NDArray).toArray()).toEqual(expected);
    expect((jacfwd(h)(x) as NDArray).toArray()).toEqual(expected);
  });

  it('Jacobians of matrix-shaped inputs and outputs have shape out ++ in', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const jr = jacrev(h)(x) as NDArray;
    const jf = jacfwd(h)(x) as NDArray;
    expect(jr.shape).toEqual([2, 2, 2, 2]);
    expect(jf.toArray()).toEqual(jr.toArray());
    expect(jr.get(1, 0, 1, 0)).toBe(6);
    expect(jr.get(1, 0, 0, 1)).toBe(0);
  });

  it('several argnums give a tuple', () => {
    const [ja, jb] = jacrev((a: NDArray, b: NDArray) => mul(a, b), { argnums: [0, 1] })(
      f64([1, 2]),
      f64([3, 4]),
    ) as NDArray[];
    expect(ja.toArray()).toEqual([
      [3, 0],
      [0, 4],
    ]);
    expect(jb.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
  });

  it('hessian of sum(x³ / y) w.r.t. x is diag(6x / y)', () => {
    const y = f64([2, 4]);
    const hx = hessian((x: NDArray) => sum(div(mul(mul(x, x), x), y)))(f64([1, 2]));
    expect(hx.toArray()).toEqual([
      [3, 0],
      [0, 3],
    ]);
    expect(() => hessian((x: NDArray) => mul(x, 2))(f64([1, 2]))).toThrow(/hessian: f must return a scalar/);
  });

  it('Hessian-vector products agree across forward-over-reverse and reverse-over-reverse', () => {
    const fn = (x: NDArray) => sum(div(mul(mul(x, x), x), f64([2, 3, 5])));
    const x = f64([1, -2, 0.5]);
    const v = f64([0.3, 1, -2]);
    const [, fwdOverRev] = jvp(grad(fn), [x], [v]);
    const revOverRev = grad((z: NDArray) => sum(mul(grad(fn)(z), v)))(x);
    const [, pullback] = vjp(grad(fn), x);
    const [viaVjp] = pullback(v);
    for (let i = 0; i < 3; i++) {
      expect(fwdOverRev.get(i)).toBeCloseTo(revOverRev.get(i), 12);
      expect(viaVjp.get(i)).toBeCloseTo(revOverRev.get(i), 12);
    }
  });
});
