/**
 * fairlink/core: the handler contract, plain data and the effects of a step.
 * No I/O and no dependencies: every engine is a shell around this.
 */

export { nodeId, nodeIds, type NodeId, type NodeName } from './ids.js';
export {
  clonePlain,
  decodePlain,
  encodePlain,
  findPlainViolation,
  plainToJson,
  type Plain,
  type PlainViolation,
} from './plain.js';
export {
  CHOICE_OPTIONS_MAX,
  defineProtocol,
  type Context,
  type FiredTimer,
  type HandlerName,
  type OperationOutcome,
  type Protocol,
  type TimerDataOf,
  type TimerDelay,
} from './protocol.js';
export {
  always,
  eventually,
  holdsOn,
  invariant,
  sometimes,
  type ClientEvent,
  type MessageInFlight,
  type Property,
  type PropertyKind,
  type SystemView,
  type Verdict,
} from './properties.js';
export type { Signature } from './signature.js';
export {
  happenedBeforeStamp,
  mergePast,
  pastAfterRecord,
  recordedInNodeOrder,
  stampedRecordOf,
  stampRecord,
  type CausalPast,
  type RecordedEvent,
  type StampedRecord,
} from './causality.js';
export type {
  ClientEffect,
  Effect,
  LogEffect,
  RecordEffect,
  SendEffect,
  TimerCancelEffect,
  TimerSetEffect,
} from './effects.js';
export { describeThrown, InputError, ProtocolFault, type ProtocolFaultKind } from './errors.js';
export { ForbiddenGlobalError, installGlobalGuard, withoutGlobalGuard } from './guard.js';
export {
  EFFECTS_PER_STEP_MAX,
  StepContext,
  type StepEnvironment,
  type StepOptions,
  type StepTrigger,
} from './step.js';

// Used by other modules of fairlink (not part of the package entry points).
export { formatCount } from './format-count.js';
export { setEntry } from './plain.js';
export {
  describeNotPlain,
  describePlainKind,
  layoutOf,
  PLAIN_KINDS,
  PLAIN_TYPES,
  objectKind,
  PlainKind,
  type PlainKindDescription,
  PlainLayout,
  plainKind,
  tagOf,
  unhandledLayout,
} from './plain-kind.js';
export { randomStream, type RandomStream, RandomStreams } from './random.js';
export { protocolFrames } from './stack.js';
