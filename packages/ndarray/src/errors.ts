/**
 * Error classes shared by every Lucid.ts package. Their `name`s are stable, so callers can branch on
 * `err.name` or `instanceof`. Messages follow `<function>: <argument> <expectation>, got <actual>`.
 */

/** A shape (or axis) does not fit what the function needs. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A dtype is not supported by, or not compatible with, the function. */
export class DTypeError extends Error {
  override name = 'DTypeError';
}

/** Any other invalid argument: an index out of range, a bad option, a value of the wrong kind. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

/** Formats a shape the way every error message shows it: `[2,3,4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
