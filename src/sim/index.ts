/**
 * fairlink/sim: the deterministic discrete-event simulator.
 */

export { constant, custom, exponential, uniform, type Distribution } from './distributions.js';
export type { ByzantineBehaviour, ByzantineTools } from './byzantine-types.js';
export {
  byzantine,
  type ByzantineTransform,
  type EquivocateOptions,
  type MutateOptions,
  type ReplayOptions,
} from './byzantine.js';
export { checkDeterminism, type DeterminismOptions, type DeterminismReport } from './determinism.js';
export type { Fault, FaultSchedule, RandomFaultKind, RandomNemesis, TimedFault } from './faults.js';
export type { LinkOverride, LinkSettings, NetworkSettings } from './network.js';
export type { PartitionShape } from './partitions.js';
// The one property language, the same objects as in fairlink/core (one name, one meaning).
export * from '../core/properties.js';
export { randomStream, RandomStreams, type RandomStream } from './random.js';
export { formatShrinkToken, parseShrinkToken } from './replay-token.js';
export {
  defineScenario,
  isScenario,
  oneOf,
  resolveParams,
  type OneOf,
  type ParamSpec,
  type ParamSpecs,
  type ParamValue,
  type Params,
  type Scenario,
} from './scenario.js';
export {
  registerClient,
  registerService,
  type MatchedReply,
  type PendingRequest,
  type RegisterClient,
  type RegisterReply,
  type RegisterRequest,
  type RegisterRequests,
  type RegisterServiceOptions,
  type RequestSender,
} from './shared-memory.js';
export {
  sameFailure,
  shrinkFailure,
  SHRINK_RUNS_MAX_DEFAULT,
  type ShrinkOptions,
  type ShrinkOutcome,
  type ShrinkProgress,
} from './shrink.js';
export {
  HANDLER_BY_CODE,
  simulate,
  validateConfig,
  type Failure,
  type NodeSpec,
  type RunOptions,
  type RunStats,
  type ShrinkDirectives,
  type SimulationConfig,
  type SimulationResult,
} from './simulator.js';
