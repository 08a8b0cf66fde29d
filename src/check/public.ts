/**
 * fairlink/check: the model checker. Exhaustive (breadth-first, depth-first, parallel) and
 * random exploration of models, with invariants, reachability and liveness under fairness;
 * `actorModel` turns a system of protocols into a model.
 *
 * ```ts
 * import { always, check, eventually, type Model } from 'fairlink/check';
 *
 * const counter: Model<number, 'inc' | 'reset' | 'idle'> = {
 *   init: () => [0],
 *   actions: (n, out) => out.push(n < 3 ? 'inc' : 'reset', 'idle'),
 *   next: (n, action) => (action === 'inc' ? n + 1 : action === 'reset' ? 0 : n),
 *   properties: [always('at most 3', (n) => n <= 3), eventually('reaches 3', (n) => n === 3)],
 *   fairness: (action) => (action === 'idle' ? undefined : 'weak'),
 * };
 * const result = check(counter);
 * ```
 *
 * @module fairlink/check
 */

export {
  ActorStepError,
  actorModel,
  check,
  checkInWorkers,
  defineModel,
  forgetIgnored,
  linearizable,
  sequentiallyConsistent,
  type ActorAction,
  type ActorModelExtras,
  type ActorNode,
  type ActorState,
  type ActorSystem,
  type CheckOptions,
  type CheckResult,
  type ClientHistory,
  type FairnessKind,
  type FairnessRequirement,
  type IgnoresForever,
  type LinearizableOptions,
  type Model,
  type ModelSource,
  type NetworkSemantics,
  type Path,
  type PropertyOutcome,
  type PropertyStatus,
  type SequentiallyConsistentOptions,
  type StopReason,
  type Strategy,
  type Symmetry,
} from './index.js';
// The one property language: the same objects as in fairlink/core (one name, one meaning).
export {
  always,
  eventually,
  invariant,
  sometimes,
  type ClientEvent,
  type MessageInFlight,
  type Property,
  type PropertyKind,
  type SystemView,
  type Verdict,
} from '../core/index.js';
