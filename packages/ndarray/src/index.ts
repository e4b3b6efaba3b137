export type { ArrayLike, DTypeOption } from './creation.js';
export {
  arange,
  array,
  eye,
  fromTypedArray,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  zeros,
  zerosLike,
} from './creation.js';
export type { DType, TypedArray, TypedArrayMap } from './dtype.js';
export { allocate, castScalar, checkDType, DTYPES, dtypeOf, isFloat } from './dtype.js';
export { ArgumentError, DTypeError, fmtShape, ShapeError } from './errors.js';
export { formatArray } from './format.js';
export type { ReduceOptions } from './iter.js';
export { assign, map, reduce, zip } from './iter.js';
export type { Layout, SliceSpec } from './layout.js';
export { coalesce, inferShape, isContiguousLayout, layoutExtent, reshapeStrides } from './layout.js';
export type { StridedOperand } from './loops.js';
export { forEachRun } from './loops.js';
export type { NestedArray } from './ndarray.js';
export { isNDArray, NDArray } from './ndarray.js';
export {
  broadcastShapes,
  broadcastShapesFor,
  checkShape,
  contiguousStrides,
  normalizeAxes,
  normalizeAxis,
  shapeSize,
  shapesEqual,
} from './shape.js';
