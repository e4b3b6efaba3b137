/**
 * Argument handling shared by convolution and pooling: an int applies to every spatial dimension, an
 * array gives one value per dimension (in the order of the input's spatial axes), and inputs are
 * channels-first `[N, C, *spatial]`, or unbatched `[C, *spatial]` as PyTorch accepts.
 */
import { ArgumentError, fmtShape, type NDArray, ShapeError } from '@lucid-ts/ndarray';

/**
 * Expands `value` (an int or one int per spatial dimension) to `d` integers, each at least `min`.
 * @example spatialArg('conv3d', 'stride', 2, 3, 1) // [2, 2, 2]
 */
export function spatialArg(
  fn: string,
  name: string,
  value: number | readonly number[],
  d: number,
  min: number,
): number[] {
  const list =
    typeof value === 'number'
      ? new Array<number>(d).fill(value)
      : Array.isArray(value)
        ? value.slice()
        : null;
  if (list === null || list.length !== d) {
    throw new ArgumentError(
      `${fn}: ${name} must be an integer or ${d} integer${d > 1 ? 's' : ''}, got ${JSON.stringify(value)}`,
    );
  }
  for (const v of list) {
    if (!Number.isInteger(v) || v < min) {
      throw new ArgumentError(`${fn}: ${name} must hold integers >= ${min}, got ${JSON.stringify(value)}`);
    }
  }
  return list;
}

/**
 * Checks that `x` is `[N, C, *spatial]` with `d` spatial axes, or unbatched `[C, *spatial]`. Returns the
 * batched view and whether a batch axis was added (to drop it again from the result).
 */
export function batched(fn: string, x: NDArray, d: number): { x: NDArray; unbatched: boolean } {
  if (x.ndim === d + 2) return { x, unbatched: false };
  if (x.ndim === d + 1) return { x: x.reshape([1, ...x.shape]), unbatched: true };
  throw new ShapeError(
    `${fn}: input must be [N, C, ${spatialNames(d)}] or [C, ${spatialNames(d)}], got shape ${fmtShape(x.shape)}`,
  );
}

function spatialNames(d: number): string {
  return ['L', 'H, W', 'D, H, W'][d - 1] ?? `${d} spatial axes`;
}
