/**
 * fairlink's model checker: exhaustive (breadth-first, depth-first, parallel) and random
 * exploration of models, with invariants, reachability and liveness under fairness.
 *
 * ```ts
 * import { always, check, eventually, type Model } from 'fairlink/check';
 *
 * // A counter that a process increments up to 3, then resets; it may also idle.
 * const counter: Model<number, 'inc' | 'reset' | 'idle'> = {
 *   init: () => [0],
 *   actions: (n, out) => out.push(n < 3 ? 'inc' : 'reset', 'idle'),
 *   next: (n, action) => (action === 'inc' ? n + 1 : action === 'reset' ? 0 : n),
 *   properties: [always('at most 3', (n) => n <= 3), eventually('reaches 3', (n) => n === 3)],
 *   fairness: (action) => (action === 'idle' ? undefined : 'weak'),
 * };
 * const result = check(counter); // verdict 'ok': idling forever is unfair, since inc stays enabled
 * ```
 *
 * For several worker threads, give the model as a module: `checkInWorkers({ module, params })`.
 *
 * @module
 */
export { check } from './check.js';
export { loadModel, type ModelSource } from './model-source.js';
export { checkInWorkers } from './parallel.js';
export { fingerprint } from './fingerprint.js';
export { forgetIgnored, type IgnoresForever } from './forget.js';
export {
  defineModel,
  type FairnessKind,
  type FairnessRequirement,
  type Model,
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
export {
  actorModel,
  ActorStepError,
  type ActorAction,
  type ActorModelExtras,
  type ActorNode,
  type ActorState,
  type ActorSystem,
  type IgnoredDeliveries,
  type NetworkDescription,
  type NetworkSemantics,
  type NodeSnapshot,
  type PendingTimer,
} from './actors.js';
export type {
  ClientHistory,
  ClientOperations,
  CompletedOperation,
  InvalidHistory,
  PendingOperation,
} from './client-history.js';
export {
  linearizable,
  sequentiallyConsistent,
  type LinearizableOptions,
  type SequentiallyConsistentOptions,
} from '../history/index.js';

// Used by other modules of fairlink (not part of the package entry points).
export { describeChoices } from './choices.js';
export { replay } from './path.js';
export { guardedModel, ModelError } from './guarded-model.js';
