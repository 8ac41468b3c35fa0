/**
 * @module training/optim
 * The optimizer side of training, in TypeScript over the Float32Array gradients the ONNX training
 * graphs return: AdamW, the warmup-then-cosine schedule, gradient clipping and checkpoints.
 */
export { createAdamW } from './adamw';
export type { AdamW, AdamWOptions, AdamWState } from './adamw';
export { clipGradNorm, globalL2Norm, hasNonFinite } from './clip';
export {
  decodeTrainingCheckpoint,
  encodeTrainingCheckpoint,
  MOMENT_PREFIX,
  readTrainingCheckpoint,
  TRAINING_CHECKPOINT_FORMAT,
  TRAINING_CHECKPOINT_VERSION,
  TrainingCheckpointError,
  writeTrainingCheckpoint,
} from './checkpoint';
export type { TrainingCheckpoint, TrainingCheckpointErrorCode } from './checkpoint';
export { assertCosineSchedule, lrAt } from './schedule';
export type { CosineScheduleOptions } from './schedule';
