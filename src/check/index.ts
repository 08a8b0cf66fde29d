/**
 * fairlink's model checker: exhaustive (breadth-first, depth-first, parallel) and random
 * exploration of models, with invariants, reachability and liveness under fairness.
 *
 * @module
 */
export { check } from './check.js';
export { loadModel, type ModelSource } from './model-source.js';
export { checkInWorkers } from './parallel.js';
export { fingerprint } from './fingerprint.js';
export {
  always,
  defineModel,
  eventually,
  sometimes,
  type FairnessKind,
  type FairnessRequirement,
  type Model,
  type Property,
  type PropertyKind,
  type Symmetry,
} from './model.js';
export type {
  CheckOptions,
  CheckResult,
  Path,
  Progress,
  PropertyOutcome,
  PropertyStatus,
  StopReason,
  Strategy,
} from './result.js';
