/**
 * Forward mode and Jacobians. `jvp` is derived from reverse mode by the "double VJP" identity: the pullback
 * `c ↦ Jᵀc` is linear in `c`, so its own VJP at any point maps a tangent `t` to `J t`. Every primitive
 * therefore needs only its VJP rule, and forward mode composes with everything reverse mode does.
 */
import { ArgumentError, fmtShape, NDArray, zeros } from '@lucid-ts/ndarray';
import { type PyTree, treeFlatten, treeMap } from '../core/tree.js';
import { asArray } from '../ops/convert.js';
import { stack } from '../ops/join.js';
import { reshape } from '../ops/reshape.js';
import { grad } from './grad.js';
import { vjp } from './vjp.js';

/**
 * Forward-mode derivative: `[f(...primals), J·tangents]`, where `tangents` has the structure of
 * `primals`. JAX `jax.jvp(f, primals, tangents)`.
 * @example jvp((x) => mul(x, x), [array([3])], [array([1])]) // [[9], [6]]
 */
export function jvp<Args extends PyTree[], Out extends PyTree>(
  f: (...args: Args) => Out,
  primals: Args,
  tangents: Args,
): [Out, Out] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ArgumentError('jvp: primals and tangents must be arrays of the same length');
  }
  const [out, pullback] = vjp(f, ...primals);
  // Any cotangent point works (the pullback is linear); zeros of the output's shapes will do.
  const dummy = treeMap((leaf) => {
    const x = asArray(leaf);
    return zeros(x.shape, { dtype: x.dtype });
  }, out) as Out;
  const [, transposed] = vjp((ct: Out) => pullback(ct) as PyTree, dummy);
  const [tangentOut] = transposed(tangents as PyTree);
  return [out, tangentOut as Out];
}

function selected(fn: string, args: readonly PyTree[], argnums: number | readonly number[]): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) {
      throw new ArgumentError(
        `${fn}: argnums must be indices of the ${args.length} arguments, got ${JSON.stringify(argnums)}`,
      );
    }
    if (!(args[i] instanceof NDArray) && typeof args[i] !== 'number') {
      throw new ArgumentError(`${fn}: argument ${i} must be an array or a number`);
    }
  }
  return list;
}

function oneHot(shape: readonly number[], dtype: NDArray['dtype'], i: number): NDArray {
  const e = zeros(shape, { dtype });
  e.data[i] = 1;
  return e;
}

function asOutput(fn: string, y: unknown): NDArray {
  if (y instanceof NDArray) return y;
  if (typeof y === 'number') return asArray(y);
  throw new ArgumentError(
    `${fn}: f must return a single array, got ${treeFlatten(y as PyTree)[0].length} leaves`,
  );
}

export interface JacobianOptions {
  /** Argument(s) to differentiate: one index gives one Jacobian, an array a tuple. */
  argnums?: number | readonly number[];
}

/**
 * The Jacobian of an array-valued `f` by reverse mode (one pullback per output element), with shape
 * `[...out.shape, ...arg.shape]`. JAX `jax.jacrev`.
 */
export function jacrev(f: (...args: NDArray[]) => NDArray, options: JacobianOptions = {}) {
  const { argnums = 0 } = options;
  return (...args: NDArray[]): NDArray | NDArray[] => {
    const nums = selected('jacrev', args, argnums);
    const g = (...sel: NDArray[]) => {
      const full = args.slice();
      nums.forEach((k, j) => {
        full[k] = sel[j];
      });
      return asOutput('jacrev', f(...full));
    };
    const [out, pullback] = vjp(g, ...nums.map((k) => asArray(args[k])));
    const rows: NDArray[][] = nums.map(() => []);
    for (let i = 0; i < out.size; i++) {
      const cts = pullback(oneHot(out.shape, out.dtype, i));
      cts.forEach((c, j) => {
        rows[j].push(c);
      });
    }
    const jacs = nums.map((k, j) => {
      const a = asArray(args[k]);
      if (out.size === 0) return zeros([...out.shape, ...a.shape], { dtype: a.dtype });
      return reshape(stack(rows[j], 0), [...out.shape, ...a.shape]);
    });
    return typeof argnums === 'number' ? jacs[0] : jacs;
  };
}

/**
 * The Jacobian of an array-valued `f` by forward mode (one `jvp` per input element), with shape
 * `[...out.shape, ...arg.shape]`. JAX `jax.jacfwd`.
 */
export function jacfwd(f: (...args: NDArray[]) => NDArray, options: JacobianOptions = {}) {
  const { argnums = 0 } = options;
  return (...args: NDArray[]): NDArray | NDArray[] => {
    const nums = selected('jacfwd', args, argnums);
    const jacs = nums.map((k) => {
      const a = asArray(args[k]);
      const g = (x: NDArray) => {
        const full = args.slice();
        full[k] = x;
        return asOutput('jacfwd', f(...full));
      };
      const cols: NDArray[] = [];
      let outShape: readonly number[] = [];
      for (let i = 0; i < a.size; i++) {
        const [y, t] = jvp(g, [a], [oneHot(a.shape, a.dtype, i)]);
        outShape = y.shape;
        cols.push(t);
      }
      if (a.size === 0) return zeros([...asOutput('jacfwd', g(a)).shape, ...a.shape], { dtype: a.dtype });
      // Columns stacked last: [...out.shape, a.size] -> [...out.shape, ...a.shape].
      return reshape(stack(cols, -1), [...outShape, ...a.shape]);
    });
    return typeof argnums === 'number' ? jacs[0] : jacs;
  };
}

/**
 * The Hessian of a scalar-valued `f` with respect to argument `argnum`: shape `[...x.shape, ...x.shape]`.
 * Reverse over reverse (`jacrev(grad(f))`). JAX `jax.hessian`.
 */
export function hessian(f: (...args: NDArray[]) => NDArray, options: { argnum?: number } = {}) {
  const { argnum = 0 } = options;
  return (...args: NDArray[]): NDArray => {
    const y = f(...args);
    if (!(y instanceof NDArray) || y.size !== 1) {
      throw new ArgumentError(
        `hessian: f must return a scalar, got shape ${fmtShape((y as NDArray)?.shape ?? [])}`,
      );
    }
    const g = grad(f, { argnums: argnum }) as (...a: NDArray[]) => NDArray;
    return jacrev(g, { argnums: argnum })(...args) as NDArray;
  };
}
