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
export { randomStream, RandomStreams, type RandomStream } from '../core/index.js';
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

// Used by other modules of fairlink (not part of the package entry points).
export {
  type CampaignFailure,
  type CampaignProgress,
  type CampaignResult,
  runCampaign,
  type SeedFailure,
  type SeedRange,
  type Shard,
} from './campaign.js';
export { bundleModule, compiledModuleUrl } from './compiled-module.js';
export { draw } from './distributions.js';
export {
  checkScenarioFile,
  loadScenario,
  prepareScenario,
  scenarioModuleUrl,
  type PreparedScenario,
} from './load-scenario.js';
export type { ScriptedAction, SimSnapshot } from './simulator.js';
export { type Grudge } from './network.js';
export { buildGrudge, grudgeToRecord, type NamedGrudge } from './partitions.js';
export { checkScheduleFits, scriptFromTrace } from './script.js';
export { formatDuration } from './shrink.js';
export { ScriptStepError } from './simulator.js';
