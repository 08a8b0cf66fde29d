/**
 * fairlink/core: the handler contract a protocol is written against, its plain data, and the
 * property language every engine judges runs with.
 *
 * @module fairlink/core
 */

export {
  CHOICE_OPTIONS_MAX,
  InputError,
  ProtocolFault,
  always,
  clonePlain,
  defineProtocol,
  eventually,
  invariant,
  nodeId,
  nodeIds,
  sometimes,
  type CausalPast,
  type ClientEvent,
  type Context,
  type FiredTimer,
  type HandlerName,
  type MessageInFlight,
  type NodeId,
  type NodeName,
  type OperationOutcome,
  type Plain,
  type Property,
  type PropertyKind,
  type RecordedEvent,
  type Protocol,
  type ProtocolFaultKind,
  type Signature,
  type SystemView,
  type TimerDataOf,
  type TimerDelay,
  type Verdict,
} from './index.js';
