/**
 * fairlink/sim: the deterministic discrete-event simulator.
 */

export { constant, custom, exponential, uniform, type Distribution } from './distributions.js';
export type { ByzantineBehaviour, ByzantineTools } from './byzantine-types.js';
export type { Fault, FaultSchedule, RandomFaultKind, RandomNemesis, TimedFault } from './faults.js';
export type { LinkOverride, LinkSettings, NetworkSettings } from './network.js';
export type { PartitionShape } from './partitions.js';
export { eventually, invariant, type HistoryEvent, type Property, type SystemView, type Verdict } from './properties.js';
export { randomStream, RandomStreams, type RandomStream } from './random.js';
export { defineScenario, isScenario, resolveParams, type ParamValue, type Params, type Scenario } from './scenario.js';
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
