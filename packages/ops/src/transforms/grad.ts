/** `grad` and `valueAndGrad`: reverse mode for functions with a scalar output. */
import { ArgumentError, fmtShape, isFloat, NDArray, ones } from '@lucid-ts/ndarray';
import { Tracer } from '../core/tracer.js';
import { type PyTree, treeMap } from '../core/tree.js';
import { backward, gradLeaf, traceCall, untrace } from './vjp.js';

export interface GradOptions {
  /** Which positional arguments to differentiate: one index (result: one gradient) or several (a tuple). */
  argnums?: number | readonly number[];
  /** `f` returns `[value, aux]`; `aux` is passed through undifferentiated. */
  hasAux?: boolean;
}

function checkArgnums(fn: string, argnums: number | readonly number[], nargs: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= nargs) {
      throw new ArgumentError(
        `${fn}: argnums must be indices of the ${nargs} arguments, got ${JSON.stringify(argnums)}`,
      );
    }
  }
  return list;
}

/**
 * Like {@link grad}, but returns `[value, gradients]` (with `hasAux`: `[[value, aux], gradients]`).
 * JAX `jax.value_and_grad`.
 */
// biome-ignore lint/suspicious/noExplicitAny: gradients mirror arbitrary argument pytrees
export function valueAndGrad<Args extends PyTree[]>(f: (...args: Args) => any, options: GradOptions = {}) {
  const { argnums = 0, hasAux = false } = options;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return (...args: Args): [any, any] => {
    const nums = checkArgnums('grad', argnums, args.length);
    const { out, trace, inputs } = traceCall(
      f as unknown as (...a: PyTree[]) => PyTree,
      args,
      args.map((_, i) => nums.includes(i)),
    );
    let value: unknown = out;
    let aux: unknown;
    if (hasAux) {
      if (!Array.isArray(out) || out.length !== 2) {
        throw new ArgumentError('grad: with hasAux, f must return a pair [value, aux]');
      }
      [value, aux] = out;
    }
    if (typeof value === 'number') value = new NDArray(new Float32Array([value]), []);
    if (!(value instanceof NDArray) || value.size !== 1 || !isFloat(value.dtype)) {
      const got =
        value instanceof NDArray ? `${value.dtype} array of shape ${fmtShape(value.shape)}` : typeof value;
      throw new ArgumentError(`grad: f must return a float scalar (an array with one element), got ${got}`);
    }
    const v = value;
    const roots: [Tracer, NDArray][] =
      v instanceof Tracer && v.trace === trace ? [[v, ones(v.shape, { dtype: v.dtype })]] : [];
    const cts = backward(roots);
    const grads = nums.map((i) => treeMap((leaf) => gradLeaf(leaf, cts), inputs[i]));
    const primal = untrace(v, trace);
    return [
      hasAux ? [primal, untrace(aux as PyTree, trace)] : primal,
      typeof argnums === 'number' ? grads[0] : grads,
    ];
  };
}

/**
 * The gradient of a scalar-valued `f` with respect to argument `argnums` (default 0), with the structure
 * of that argument. JAX `jax.grad`; PyTorch `torch.func.grad`.
 * @example grad((x) => sum(mul(x, x)))(array([1, 2])) // [2, 4]
 */
// biome-ignore lint/suspicious/noExplicitAny: gradients mirror arbitrary argument pytrees
export function grad<Args extends PyTree[]>(f: (...args: Args) => any, options: GradOptions = {}) {
  const vg = valueAndGrad(f, options);
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return (...args: Args): any => vg(...args)[1];
}
