/**
 * The handler contract: a protocol is a set of handlers, each one atomic step.
 *
 * The names follow the lecture's notation, *On Boot / On Receive / On Timer*,
 * plus *On Recover* after a crash-recover restart. Handlers are synchronous and
 * deterministic; everything they do to the world goes through the context and
 * is carried out by the engine after the step (sans-I/O). The same protocol
 * object therefore runs unchanged in the simulator, the model checker and the
 * real runtime.
 */

import type { NodeId, NodeName } from './ids.js';
import type { Signature } from './signature.js';

/**
 * A timer as a handler sees it when it fires. A protocol names its timers as a union of these,
 * as it names its messages: `{ name: 'resend'; data: null } | { name: 'deadline'; data: number }`;
 * `setTimer` then takes only those names, each with its own data.
 */
export interface FiredTimer<TimerData = unknown, Name extends string = string> {
  /** The name the timer was set with; one pending timer per name and node. */
  readonly name: Name;
  /** The data the timer was set with (`null` when none). */
  readonly data: TimerData;
}

/**
 * The data a timer named `Name` carries in the protocol's timer union `Timer`. Distributes over
 * the union, and matches `Name` against each member's name type, so a member named by a pattern
 * (`` `resend:${string}` ``, or plain `string`) takes every name it covers.
 */
export type TimerDataOf<Timer extends FiredTimer, Name extends string> = Timer extends unknown
  ? Name extends Timer['name']
    ? Timer['data']
    : never
  : never;

/** `setTimer`'s data argument: optional exactly when the timer's data may be `null` (the default). */
type TimerDataArgument<Data> = null extends Data ? [data?: Data] : [data: Data];

/** A delay in milliseconds of the node's clock: fixed, or drawn uniformly from `[min, max]`. */
export type TimerDelay = number | readonly [min: number, max: number];

/** The client-operation outcomes of Jepsen's histories. */
export type OperationOutcome = 'ok' | 'fail' | 'info';

/**
 * What a handler may do. Reads (`now`, `random`, `load`, `verify`) are answered
 * at once; writes (`send`, timers, `persist`, `log`, client records) are
 * collected and carried out by the engine when the step ends, in this order:
 * persist first, then sends and timers ("persist before send").
 */
export interface Context<State, Message = unknown, Timer extends FiredTimer = FiredTimer> {
  /** This node. */
  readonly id: NodeId;
  /** Every node of this node's group, itself included, in a fixed order. */
  readonly nodes: readonly NodeId[];
  /** Every node of this node's group but itself. */
  readonly peers: readonly NodeId[];
  /** The node's volatile state: mutate it in place. Lost on a crash. */
  state: State;

  /**
   * Sends `message` to `to` (a `NodeId`, or a string literal such as `'b'`: see `NodeName`).
   * The medium may delay, drop, duplicate or reorder it.
   */
  send<Name extends string>(to: NodeName<Name>, message: Message): void;
  /** Sends `message` to every peer (every other node of the group). */
  broadcast(message: Message): void;
  /**
   * Sets the timer `name` to fire after `delay` ms of local time, replacing a
   * pending timer of the same name. `data` comes back in `onTimer` (`null` when left out).
   * `name` and `data` are typed by the protocol's timer union, as `onTimer` receives them.
   */
  setTimer<Name extends Timer['name']>(
    name: Name,
    delay: TimerDelay,
    ...data: TimerDataArgument<TimerDataOf<Timer, Name>>
  ): void;
  /** Cancels the pending timer `name`, if any. */
  cancelTimer(name: Timer['name']): void;
  /** Writes `value` under `key` in durable storage: it survives crash-recover. */
  persist(key: string, value: unknown): void;
  /** Reads durable storage (including what this step persisted). */
  load<T = unknown>(key: string): T | undefined;
  /** The node's local clock in ms (skewed or drifting under clock faults). */
  now(): number;
  /**
   * A seeded random number in [0, 1), from this node's own stream. Not a choice the model
   * checker explores (a float has too many outcomes): there it is a fixed function of the step.
   * For a choice that matters to correctness, use `choose` or `randomInt`.
   */
  random(): number;
  /**
   * A nondeterministic choice of an integer in [min, max], like `choose` over that range: the
   * simulator draws it from this node's seeded stream, the model checker explores every value
   * (at most {@link CHOICE_OPTIONS_MAX} of them).
   */
  randomInt(min: number, max: number): number;
  /**
   * A nondeterministic choice of one of `options` (non-empty): the simulator draws it from
   * this node's seeded stream, the model checker explores every option (at most
   * {@link CHOICE_OPTIONS_MAX}), so a property that fails for one choice only is always found.
   */
  choose<T>(options: readonly T[]): T;
  /** Records a line in the trace. */
  log(text: string): void;
  /**
   * Records an event of this node for properties: they list recorded events with
   * `view.recorded()` and ask `view.happenedBefore(a, b)` (Lamport's relation: earlier on the
   * same node, or linked by a chain of sends and receives), which the engine tracks itself, so
   * that a protocol need not carry its past events in its messages to have its clocks checked.
   * `data` (plain, `null` when left out) is what the property compares, such as the clock values
   * the protocol stamped on the event. Within a step, a record comes after the step's receive
   * and after the sends asked for before it.
   */
  record(label: string, data?: unknown): void;
  /** Signs `value` as this node. Nobody else can produce this signature. */
  sign(value: unknown): Signature;
  /** Whether `signature` is `signer`'s signature of `value`. */
  verify(signer: NodeId, value: unknown, signature: Signature): boolean;

  /** Client nodes: records the invocation of an operation; returns its id. */
  invoke(f: string, value: unknown): number;
  /** Client nodes: records how operation `operation` ended. */
  complete(operation: number, outcome: OperationOutcome, value: unknown): void;
}

/**
 * A protocol: the program of one node. `State` is the volatile state,
 * `Message` the union of messages it sends and receives, `Timer` the union of
 * timers it sets (each a {@link FiredTimer} with a literal name; by default any
 * name with any data).
 */
export interface Protocol<State = unknown, Message = unknown, Timer extends FiredTimer = FiredTimer> {
  /** A name for traces and errors, such as `stubborn-link` or `kv-server`. */
  readonly name: string;
  /** The volatile state of a freshly started node (at boot and after recovery). */
  init(id: NodeId): State;
  /** On Boot: runs once when the node starts. */
  onBoot?(context: Context<State, Message, Timer>): void;
  /** On Receive: a message from `from` arrived. */
  onMessage?(context: Context<State, Message, Timer>, from: NodeId, message: Message): void;
  /** On Timer: a timer set earlier fired. */
  onTimer?(context: Context<State, Message, Timer>, timer: Timer): void;
  /** On Recover: the node restarted after a crash with only its durable storage. */
  onRecover?(context: Context<State, Message, Timer>): void;
}

/**
 * How many outcomes one `choose` or `randomInt` call may have in the model checker, which
 * explores each: a larger choice is a bad call there (the simulator draws any size).
 */
export const CHOICE_OPTIONS_MAX = 64;

/** The names of the four handlers, as errors and traces name them. */
export type HandlerName = 'onBoot' | 'onMessage' | 'onTimer' | 'onRecover';

/**
 * Identity function that gives a protocol literal its types; `State` is
 * inferred from `init`.
 */
export function defineProtocol<State, Message = unknown, Timer extends FiredTimer = FiredTimer>(
  protocol: Protocol<State, Message, Timer>,
): Protocol<State, Message, Timer> {
  if (typeof protocol.name !== 'string' || protocol.name === '') {
    throw new TypeError('defineProtocol: a protocol needs a non-empty `name`');
  }
  if (typeof protocol.init !== 'function') {
    throw new TypeError(`defineProtocol: protocol '${protocol.name}' needs an \`init\` function`);
  }
  return protocol;
}
