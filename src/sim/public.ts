/**
 * fairlink/sim: the discrete-event simulator. A scenario (nodes, network, faults, properties)
 * runs under one seed; a failing run shrinks to a small one and replays byte for byte.
 *
 * @module fairlink/sim
 */

export {
  byzantine,
  checkDeterminism,
  constant,
  custom,
  defineScenario,
  exponential,
  oneOf,
  shrinkFailure,
  simulate,
  uniform,
  type ByzantineBehaviour,
  type ByzantineTools,
  type ByzantineTransform,
  type DeterminismOptions,
  type DeterminismReport,
  type Distribution,
  type EquivocateOptions,
  type Failure,
  type Fault,
  type FaultSchedule,
  type LinkOverride,
  type LinkSettings,
  type MutateOptions,
  type NetworkSettings,
  type NodeSpec,
  type OneOf,
  type ParamSpec,
  type ParamSpecs,
  type ParamValue,
  type Params,
  type PartitionShape,
  type RandomFaultKind,
  type RandomNemesis,
  type ReplayOptions,
  type RunOptions,
  type RunStats,
  type Scenario,
  type ShrinkOptions,
  type ShrinkOutcome,
  type SimulationConfig,
  type SimulationResult,
  type TimedFault,
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
