export type { AdamOptions, AdamState } from './adam.js';
export { adam, adamw } from './adam.js';
export { clipGradNorm, countParams, globalNorm } from './clip.js';
export type {
  LeafUpdate,
  LearningRate,
  Optimizer,
  OptimizerSpec,
  OptimizerState,
  Schedule,
} from './optimizer.js';
export { defineOptimizer } from './optimizer.js';
export type { RmspropOptions, RmspropState } from './rmsprop.js';
export { rmsprop } from './rmsprop.js';
export type {
  CosineAnnealingOptions,
  ExponentialDecayOptions,
  LinearWarmupOptions,
  StepLrOptions,
} from './schedules.js';
export { cosineAnnealing, exponentialDecay, linearWarmup, stepLr } from './schedules.js';
export type { SgdOptions, SgdState } from './sgd.js';
export { sgd } from './sgd.js';
export type { PathLeaf } from './tree.js';
export { leafPaths } from './tree.js';
