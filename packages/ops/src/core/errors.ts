/** Raised when a cotangent reaches a primitive that has no derivative. Names the primitive. */
export class NotDifferentiableError extends Error {
  override name = 'NotDifferentiableError';
}
