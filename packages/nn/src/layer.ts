/**
 * The layer protocol. A layer is a plain object made from its config; it holds no arrays. `init(key)`
 * makes its params pytree, `initState()` its state (batch-norm running statistics; `null` for most
 * layers), and `forward(params, state, x, options)` is a pure function returning the output and the new
 * state. `apply(params, x, options)` is the stateless shorthand. Since params are plain pytrees, the
 * gradient of a loss with respect to them is just `grad`.
 */
import { ArgumentError, type NDArray } from '@lucid-ts/ndarray';
import { type PyTree, random } from '@lucid-ts/ops';

/** A PRNG key from `random.key(seed)` / `random.split`. */
export type Key = NDArray;

export interface ForwardOptions {
  /** Training mode: dropout drops, batch norm uses batch statistics and updates its running ones. */
  training?: boolean;
  /** Randomness for this call (dropout); required when training a layer that uses it. */
  key?: Key;
}

export interface Layer<P extends PyTree = PyTree, S extends PyTree = PyTree> {
  /** Readable config, used in error messages: `conv3d(in=2, out=4, k=3)`. */
  readonly name: string;
  init(key: Key): P;
  initState(): S;
  forward(params: P, state: S, x: NDArray, options?: ForwardOptions): [NDArray, S];
  /** `forward` without state threading: the initial state (or `options.state`) is used and the new one dropped. */
  apply(params: P, x: NDArray, options?: ForwardOptions & { state?: S }): NDArray;
}

export interface LayerDefinition<P extends PyTree, S extends PyTree> {
  name: string;
  init(key: Key): P;
  initState?: () => S;
  forward(params: P, state: S, x: NDArray, options: ForwardOptions): [NDArray, S];
}

/** Builds a layer from its parts, filling in `initState` (null) and `apply`. */
export function defineLayer<P extends PyTree, S extends PyTree = null>(
  def: LayerDefinition<P, S>,
): Layer<P, S> {
  const initState = def.initState ?? (() => null as S);
  return {
    name: def.name,
    init: def.init,
    initState,
    forward: (params, state, x, options = {}) => def.forward(params, state, x, options),
    apply: (params, x, options = {}) => def.forward(params, options.state ?? initState(), x, options)[0],
  };
}

/** A layer without state or params-free randomness: `call(params, x, options)` is its whole forward. */
export function statelessLayer<P extends PyTree>(
  name: string,
  init: (key: Key) => P,
  call: (params: P, x: NDArray, options: ForwardOptions) => NDArray,
): Layer<P, null> {
  return defineLayer<P, null>({ name, init, forward: (p, s, x, o) => [call(p, x, o), s] });
}

/**
 * Composes layers in order. Params and state are arrays of the children's; a key given to `forward` is
 * split so that each child gets its own.
 * @example const mlp = sequential(linear({ inFeatures: 4, outFeatures: 8 }), relu(), linear({ inFeatures: 8, outFeatures: 2 }));
 */
export function sequential(...layers: Layer[]): Layer<PyTree[], PyTree[]> {
  if (layers.length === 0) throw new ArgumentError('sequential: needs at least one layer, got 0');
  return defineLayer<PyTree[], PyTree[]>({
    name: `sequential(${layers.map((l) => l.name).join(', ')})`,
    init: (key) => {
      const keys = random.split(key, layers.length);
      return layers.map((l, i) => l.init(keys[i]));
    },
    initState: () => layers.map((l) => l.initState()),
    forward: (params, state, x, options) => {
      if (!Array.isArray(params) || params.length !== layers.length) {
        throw new ArgumentError(
          `sequential: params must be an array of ${layers.length} entries, got ${Array.isArray(params) ? params.length : typeof params}`,
        );
      }
      const keys = options.key ? random.split(options.key, layers.length) : null;
      const next: PyTree[] = [];
      let y = x;
      layers.forEach((layer, i) => {
        const [out, s] = layer.forward(params[i], state[i], y, {
          ...options,
          key: keys ? keys[i] : undefined,
        });
        y = out;
        next.push(s);
      });
      return [y, next];
    },
  });
}
