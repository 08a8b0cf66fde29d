/**
 * Actor systems as models: the very protocols the simulator runs, explored
 * over every interleaving.
 *
 * A state of the system is every node's state, durable storage, pending
 * timers and status, plus the messages in flight. Its actions are the
 * asynchronous model's nondeterminism: deliver a message, drop one (lossy
 * networks), fire a timer, crash or recover a node (within a budget), and let
 * a Byzantine node inject any message of a finite universe. Each action runs
 * one handler through the same `StepContext` the simulator uses, so the
 * handler contract (plain data, no real-world globals) is enforced alike.
 *
 * Semantics (DESIGN section 3):
 * - `unordered-duplicating`: the network is a set of messages ever sent; any may
 *   be delivered any number of times (covers delay, loss and duplication).
 * - `unordered`: a multiset; delivery consumes a copy; `lossy` adds a drop action.
 *   Sending a copy of a message that already has `copiesMax` copies in flight
 *   adds none (default 1), which keeps retransmitting protocols finite.
 * - `fifo`: a queue per ordered pair; only the head may be delivered (or dropped).
 * - Timers: `t1` set before `t2` with `t2.min >= t1.max` fires first; any
 *   other pending timer may fire at any time.
 * - Time is abstract: `now()` is 0 and `random()` is a fixed function of the
 *   node and the step, so a step is a function of its inputs.
 * - Choices (`choose`, `randomInt`) are nondeterminism: a step that makes them
 *   is one action per combination of options (`choices.ts`); a choice in
 *   `onBoot` makes one initial state per combination.
 * - Fairness, for `eventually`: every message to a live node that is
 *   deliverable infinitely often is delivered infinitely often (strong
 *   fairness per message), and every timer enabled infinitely often fires.
 *   Drops, crashes and Byzantine injections are owed nothing; so are
 *   recoveries, unless `crashes.fairRecovery` (see {@link ActorSystem}).
 *   Nothing forces an action that is owed nothing either: a behaviour may stop
 *   in a state where no owed action is enabled (`stopsWhenOwedNothing`), so a
 *   node that is down may stay down although it could recover.
 */

import { ProtocolFault } from '../core/index.js';
import { installGlobalGuard } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { clonePlain, encodePlain, findPlainViolation, plainToJson } from '../core/index.js';
import { CHOICE_OPTIONS_MAX, type Protocol } from '../core/index.js';
import type { Signature } from '../core/index.js';
import { StepContext, type StepEnvironment, type StepTrigger } from '../core/index.js';
import { randomStream } from '../core/index.js';
import { mergePast, stampRecord, type CausalPast, type StampedRecord } from '../core/index.js';
import type { TraceEvent, TraceHeader } from '../trace/index.js';
import { TRACE_FORMAT, TRACE_VERSION } from '../trace/index.js';
import { structuralEqual } from '../history/index.js';
import { CHOICE_COMBINATIONS_MAX, ChoiceScript, enumerateChoices } from './choices.js';
import { invokedCount, recordClientStep, type ClientHistory, type ClientRecord } from './client-history.js';
import { hashValue, stringHash } from './fingerprint.js';
import type { MessageInFlight, Property } from '../core/index.js';
import type { FairnessRequirement, Model } from './model.js';
import { ActorStateView, overActorStates } from './actor-view.js';
import type { Path } from './result.js';

/** How the network behaves in the model. */
export type NetworkSemantics = 'unordered-duplicating' | 'unordered' | 'fifo';

/**
 * What becomes of a message whose delivery the handler ignores (see `ActorSystem.network`).
 *
 * Why `'stay-in-flight'` loses no invariant violation, on the unordered networks. Call a
 * delivery ignored when it leaves the node's state as it was and has no effect. Compare the
 * two semantics step by step: from the same initial state, any path under `'consumed'` is
 * matched by a path under `'stay-in-flight'` (skip its ignored deliveries) that reaches a state
 * with the same node states, timers and client history, whose network holds at least the same
 * copies of every message. By induction: an ignored delivery changes only the network (one copy
 * fewer under `'consumed'`); any other delivery, drop, timer, crash or recovery reads only the
 * node and a message that is in both networks, so it does the same in both; and a send under a
 * `copiesMax` bound keeps "at least as many copies" (min(k + 1, max) >= min(c + 1, max) when
 * k >= c). Conversely every `'stay-in-flight'` path is a `'consumed'` path, since it only omits
 * actions. So the reachable node states and histories are the same, and a property that reads
 * them (not the network) fails under one semantics exactly when it fails under the other, with
 * a counterexample that is no longer.
 *
 * Limits: a property that reads the messages in flight may differ (one that asks for a message,
 * as "some reply is in flight", can only hold more often). Liveness is not preserved on the
 * non-duplicating network: there, an ignored message is gone for good on a real network, while
 * `'stay-in-flight'` keeps it for later, when it may no longer be ignored, so a protocol that
 * relies on such a message could pass. Hence the default `'consumed'` when the system has
 * `eventually` properties. On the duplicating network the message stays either way, and an
 * ignored delivery is a self-loop that fairness neither needs nor forbids.
 */
export type IgnoredDeliveries = 'stay-in-flight' | 'consumed';

/** A pending timer, in the order timers were set. */
export interface PendingTimer {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly data: unknown;
}

/** One node in a model state. */
export interface NodeSnapshot<State = unknown> {
  readonly status: 'up' | 'down' | 'crashed';
  readonly state: State | null;
  readonly durable: Readonly<Record<string, unknown>>;
  readonly timers: readonly PendingTimer[];
  /**
   * The node's causal past over recorded events and its recorded events (`context.record`), in
   * the order it recorded them; absent until it records or hears of a record, so that a protocol
   * that records nothing explores exactly the states it did without them (see core `causality.ts`).
   * Kept across a crash: causality survives it.
   */
  readonly past?: CausalPast;
  readonly recorded?: readonly StampedRecord[];
}

/**
 * A message in flight in an explored state: with its sender's causal past at the send, when the
 * sender had one (then one message sent from two different pasts is two envelopes).
 */
export interface Envelope extends MessageInFlight {
  readonly past?: CausalPast;
}

/** A state of an actor system. */
export interface ActorState {
  readonly nodes: Readonly<Record<string, NodeSnapshot>>;
  /** unordered semantics: envelopes sorted by their encoding; fifo: one queue per `from->to`. */
  readonly network: readonly MessageInFlight[] | Readonly<Record<string, readonly MessageInFlight[]>>;
  readonly crashes: number;
  readonly recoveries: number;
  /**
   * The client history so far (the nodes' `invoke` / `complete` calls), absent until a node
   * invokes an operation; properties read it as `view.history`.
   */
  readonly history?: ClientHistory;
}

/**
 * An action of an actor system. An action that runs a handler which makes choices (`choose`,
 * `randomInt`) has one action per combination of them: `choices` lists the option taken at each
 * choice point, in order (see `choices.ts`); without it, the handler makes none.
 */
export type ActorAction =
  | {
      readonly type: 'deliver';
      readonly from: string;
      readonly to: string;
      readonly message: unknown;
      /** The causal past the message was sent from, when its sender had one (core `causality.ts`). */
      readonly past?: CausalPast;
      readonly choices?: readonly number[];
    }
  | {
      readonly type: 'drop';
      readonly from: string;
      readonly to: string;
      readonly message: unknown;
      readonly past?: CausalPast;
    }
  | {
      readonly type: 'timer';
      readonly node: string;
      readonly name: string;
      readonly choices?: readonly number[];
    }
  | { readonly type: 'crash'; readonly node: string }
  | { readonly type: 'recover'; readonly node: string; readonly choices?: readonly number[] }
  | { readonly type: 'inject'; readonly from: string; readonly to: string; readonly message: unknown };

/** A node entry: a protocol, or a protocol with a group. */
/* eslint-disable @typescript-eslint/no-explicit-any -- any protocol fits; its own types are checked where it is defined */
export type ActorNode =
  Protocol<any, any, any> | { readonly protocol: Protocol<any, any, any>; readonly group?: string };
/* eslint-enable @typescript-eslint/no-explicit-any */

/** What to explore. */
export interface ActorSystem {
  readonly nodes: Readonly<Record<string, ActorNode>>;
  readonly network?: {
    readonly semantics?: NetworkSemantics;
    /** Whether copies may be lost (an explicit drop action; not with `unordered-duplicating`, which covers loss). */
    readonly lossy?: boolean;
    /**
     * Copies of one message in flight at most, for `unordered` (default 1): sending a copy of a
     * message that already has this many in flight adds none, which keeps a protocol that
     * resends until acknowledged finite. `Infinity` is the exact multiset (Stateright's
     * non-duplicating network). The model's `network` and trace headers state the bound.
     */
    readonly copiesMax?: number;
    /**
     * A delivery that the handler ignores (the node's state is unchanged, and it sends, sets,
     * persists and records nothing):
     * - `'stay-in-flight'`: is not a transition; the message stays in flight (Stateright's
     *   semantics). Safe for invariants: see {@link IgnoredDeliveries}.
     * - `'consumed'`: is a transition that removes the message, as on a real network.
     *
     * Default: `'stay-in-flight'` for `unordered-duplicating` (where it only removes
     * self-loops) and for `unordered` when the system has no `eventually` property; `'consumed'`
     * otherwise. `fifo` always consumes: an ignored head would block its queue.
     */
    readonly ignoredDeliveries?: IgnoredDeliveries;
  };
  /** Crash budget: how many crashes in a behaviour, and whether crashed nodes may recover. */
  readonly crashes?: {
    readonly max: number;
    readonly recover?: boolean;
    readonly nodes?: readonly string[];
    /**
     * With `recover`: whether recovery is fair, that is, a node that is down eventually
     * recovers (weak fairness, one task per node). Default false: the lecture's fairness owes
     * recovery nothing, so a behaviour in which a node crashes and stays down is fair, and a
     * property such as "every message is delivered" fails on it; with `fairRecovery`, liveness
     * under crash-recover can be stated.
     *
     * Why weak fairness is enough, and exact: crashes and recoveries are counted in the state
     * (`crashes`, `recoveries`), so no cycle takes either, and along a cycle every node's status
     * is constant. A node down along a cycle can recover in every state of it, so a cycle that
     * never recovers it is unfair; and a state with a down node is never where a behaviour
     * stops. Strong fairness would rule out exactly the same behaviours.
     */
    readonly fairRecovery?: boolean;
  };
  /**
   * Byzantine nodes: members of the group \`nodes\` (correct nodes count them in \`context.nodes\`,
   * as in the simulator), running no protocol: each may send any message of its finite universe,
   * to the recipient the universe names, at any time and any number of times. That covers every
   * behaviour of the simulator's vocabulary (silent, equivocate, replay, mutate, custom) whose
   * messages lie in the universe; see docs/byzantine.md.
   */
  readonly byzantine?: Readonly<
    Record<string, readonly { readonly to: string; readonly message: unknown }[]>
  >;
  /**
   * The properties, over the same {@link SystemView} the simulator shows (`view.state(node)`,
   * `view.durable(node)`, `view.history`, ...): a scenario lists its properties once for both
   * engines. Ghost memory is the simulator's only (a state has many pasts here).
   */
  readonly properties: readonly Property[];
  /** A bound on the state space: states outside are checked but not expanded. */
  readonly within?: (state: ActorState) => boolean;
  /** Groups of interchangeable node ids, for symmetry reduction when a run asks for it (`--symmetry`). */
  readonly interchangeable?: readonly (readonly string[])[];
  /**
   * Per node, a projection of its state applied after every step, like TLC's VIEW: it erases
   * what only records history (a count of copies sent, a time of arrival) so that a protocol
   * that runs forever has finitely many states. Sound only when the protocol never reads
   * what the projection erases; properties see the projected state.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly abstract?: Readonly<Record<string, (state: any) => unknown>>;
}

/** A handler broke the rules during model checking: reported with the state and action. */
export class ActorStepError extends Error {
  override readonly name = 'ActorStepError';
  constructor(
    readonly fault: ProtocolFault | Error,
    readonly state: ActorState,
    readonly action: ActorAction | { readonly type: 'boot' },
  ) {
    super(`${fault.message} (in action ${plainToJson(action)})`);
  }
}

function protocolOf(entry: ActorNode): Protocol {
  return ('protocol' in entry && typeof entry.protocol === 'object' ? entry.protocol : entry) as Protocol;
}

function groupOf(entry: ActorNode): string {
  return ('protocol' in entry && typeof entry.protocol === 'object' ? entry.group : undefined) ?? 'nodes';
}

/**
 * Keys of envelopes already met, by identity. Envelopes and their messages are frozen plain data
 * shared by every state they are in, and a state's network is sorted and searched by these keys
 * on every step: serialising them each time took a quarter of the search of the perfect link.
 */
const envelopeKeys = new WeakMap<object, string>();

/**
 * Where `envelope` is in `list` (the same message between the same nodes), or -1. An action to
 * deliver or drop holds the very message object of its envelope, so identity mostly answers;
 * keys are for copies (an injected message, a replayed action).
 */
function indexOfEnvelope(list: readonly Envelope[], envelope: Envelope): number {
  const same = list.findIndex(
    (candidate) =>
      candidate.message === envelope.message &&
      candidate.from === envelope.from &&
      candidate.to === envelope.to &&
      candidate.past === envelope.past,
  );
  if (same >= 0) return same;
  const key = envelopeKey(envelope);
  return list.findIndex((candidate) => envelopeKey(candidate) === key);
}

function envelopeKey(envelope: Envelope): string {
  let key = envelopeKeys.get(envelope);
  if (key === undefined) {
    // Only the envelope's own fields: actions carry a `type` as well.
    const past = envelope.past;
    key = plainToJson(
      past === undefined
        ? [envelope.from, envelope.to, envelope.message]
        : [envelope.from, envelope.to, envelope.message, past],
    );
    envelopeKeys.set(envelope, key);
  }
  return key;
}

/** Builds the model of an actor system. */
export function actorModel(system: ActorSystem): Model<ActorState, ActorAction> & ActorModelExtras {
  const semantics = system.network?.semantics ?? 'unordered';
  const lossy = (system.network?.lossy ?? false) && semantics !== 'unordered-duplicating';
  const copiesMax = system.network?.copiesMax ?? 1;
  if (!(copiesMax >= 1))
    throw new TypeError(`actorModel: network.copiesMax must be at least 1, got ${copiesMax}`);
  const ignoredDeliveries = ignoredDeliveriesOf(system, semantics);
  const ignoredStay = ignoredDeliveries === 'stay-in-flight';
  const ids = Object.keys(system.nodes);
  const byzantineIds = Object.keys(system.byzantine ?? {});
  const allIds = [...ids, ...byzantineIds];
  const known = new Set(allIds);
  const groups = new Map<string, NodeId[]>();
  for (const id of ids) {
    const group = groupOf(system.nodes[id] as ActorNode);
    groups.set(group, [...(groups.get(group) ?? []), id as NodeId]);
  }
  const crashable = new Set(system.crashes?.nodes ?? ids);
  const fairRecovery = system.crashes?.fairRecovery ?? false;
  if (fairRecovery && system.crashes?.recover !== true)
    throw new TypeError(
      'actorModel: crashes.fairRecovery needs crashes.recover: true (without it nothing recovers)',
    );
  // Byzantine nodes are members of the group `nodes`, as in the simulator.
  const viewGroups = new Map(groups);
  if (byzantineIds.length > 0)
    viewGroups.set('nodes', [...(groups.get('nodes') ?? []), ...(byzantineIds as NodeId[])]);
  const view = new ActorStateView(allIds as NodeId[], viewGroups, new Set(byzantineIds));
  const networkDescription: NetworkDescription = {
    semantics,
    lossy,
    ...(semantics === 'unordered' ? { copiesMax } : {}),
    ignoredDeliveries,
  };

  /**
   * What a step reads that differs from step to step; the node's context and environment read it
   * from here, so that they are made once per node rather than once per step.
   */
  const current = {
    state: undefined as unknown as ActorState,
    id: '',
    nodeState: undefined as unknown,
    trigger: undefined as unknown as StepTrigger,
    operations: 0,
    random: undefined as { next(): number } | undefined,
  };
  /** The choices of the step running now: scripted by its action, noted for enumeration. */
  const choiceScript = new ChoiceScript();
  const environment: StepEnvironment = {
    now: () => 0,
    choose: (_node, options) => choiceScript.next(options),
    choiceOptionsMax: CHOICE_OPTIONS_MAX,
    // The step's randomness is a function of what it runs on, drawn only if the handler asks.
    random: () =>
      (current.random ??= randomStream(
        hashValue([current.id, current.nodeState, current.trigger]),
        'check',
      )).next(),
    sign: (signer, value) =>
      `${signer}:${stringHash(`${signer}\u0000${plainToJson(value)}`).toString(36)}` as Signature,
    verify: (signer, value, signature) =>
      signature === `${signer}:${stringHash(`${signer}\u0000${plainToJson(value)}`).toString(36)}`,
    isKnownNode: (node) => known.has(node),
    nextOperation: () => invokedCount(current.state.history, current.id) + ++current.operations,
  };
  /** Per node: its context (reused: a step starts by resetting it) and its durable storage. */
  const contexts = new Map<string, { context: StepContext; durable: Map<string, unknown> }>();
  const contextOf = (id: string): { context: StepContext; durable: Map<string, unknown> } => {
    let entry = contexts.get(id);
    if (entry === undefined) {
      const protocol = protocolOf(system.nodes[id] as ActorNode);
      // Byzantine nodes are members of their group (\`nodes\`) here as in the simulator: a correct
      // node counts them in \`context.nodes\`, so quorum sizes are the same in both engines.
      const members = viewGroups.get(groupOf(system.nodes[id] as ActorNode)) ?? [];
      const durable = new Map<string, unknown>();
      const peers = members.filter((member) => member !== id);
      // The state is checked below, and only when the step is a transition.
      const context = new StepContext(id as NodeId, members, peers, protocol, durable, environment, {
        checkState: false,
      });
      entry = { context, durable };
      contexts.set(id, entry);
    }
    return entry;
  };

  /**
   * Runs one handler; returns the new node snapshot and the envelopes it sent, or `undefined`
   * when `ignorable` and the handler ignored its input (see {@link IgnoredDeliveries}).
   */
  const runStep = (
    state: ActorState,
    id: string,
    trigger: StepTrigger,
    snapshot: NodeSnapshot,
    fresh: boolean,
    action: ActorAction | { readonly type: 'boot' },
    ignorable = false,
    received?: CausalPast,
  ): StepOutcome | undefined => {
    const { context, durable } = contextOf(id);
    current.state = state;
    current.id = id;
    current.nodeState = snapshot.state;
    current.trigger = trigger;
    current.operations = 0;
    current.random = undefined;
    durable.clear();
    for (const key in snapshot.durable) durable.set(key, snapshot.durable[key]);
    // Protocol code runs under the guard: here only, where it runs, so that a step or a listing
    // whose handlers are all known already pays nothing for it.
    const restore = installGlobalGuard();
    let nextState: unknown;
    try {
      context.state = fresh ? context.protocol.init(id as NodeId) : clonePlain(snapshot.state);
      const fault = context.run(trigger);
      if (fault) throw new ActorStepError(fault, state, action);
      const projection = system.abstract?.[id];
      nextState = projection ? projection(context.state) : context.state;
    } finally {
      restore();
    }
    // The receive comes first in the step: what the sender knew of recorded events, this node knows.
    let past = mergePast(snapshot.past, received);
    if (
      ignorable &&
      context.effects.length === 0 &&
      context.persisted === undefined &&
      past === snapshot.past &&
      structuralEqual(nextState, snapshot.state)
    )
      return undefined;
    const violation = findPlainViolation(nextState);
    if (violation) {
      const detail = `state is not plain at ${violation.path}: ${violation.problem}`;
      throw new ActorStepError(
        new ProtocolFault('non-plain-state', id as NodeId, context.currentHandler, detail),
        state,
        action,
      );
    }
    // The node's own list unless a timer is set or cancelled: an unchanged part is no new part.
    let timers: readonly PendingTimer[] = snapshot.timers;
    const sent: Envelope[] = [];
    let recorded = snapshot.recorded;
    // The choices come first, as in the simulator, which records each one as it is made.
    const events: TraceEvent[] =
      choiceScript.made.length === 0
        ? []
        : choiceScript.made.map((index, point) => ({
            t: 0,
            type: 'choose',
            node: id,
            index,
            of: choiceScript.options[point] as number,
          }));
    let client: ClientRecord[] | undefined;
    for (const effect of context.effects) {
      switch (effect.kind) {
        case 'send':
          sent.push(
            past === undefined
              ? { from: id, to: effect.to, message: effect.message }
              : { from: id, to: effect.to, message: effect.message, past },
          );
          break;
        case 'record': {
          const record = stampRecord(id as NodeId, recorded?.length ?? 0, past, effect.label, effect.data);
          recorded = [...(recorded ?? []), record];
          past = record.past;
          break;
        }
        case 'timer-set':
          timers = [
            ...timers.filter((timer) => timer.name !== effect.name),
            { name: effect.name, min: effect.min, max: effect.max, data: effect.data },
          ];
          events.push({ t: 0, type: 'timer-set', node: id, name: effect.name, due: effect.max });
          break;
        case 'timer-cancel':
          if (timers.some((timer) => timer.name === effect.name)) {
            timers = timers.filter((timer) => timer.name !== effect.name);
            events.push({ t: 0, type: 'timer-cancel', node: id, name: effect.name });
          }
          break;
        case 'log':
          events.push({ t: 0, type: 'log', node: id, text: effect.text });
          break;
        case 'client':
          (client ??= []).push(
            effect.type === 'invoke'
              ? { type: 'invoke', f: effect.f, value: effect.value }
              : { type: effect.type, value: effect.value },
          );
          events.push({
            t: 0,
            type: effect.type,
            node: id,
            op: effect.operation,
            f: effect.f === '' ? (state.history?.clients[id]?.pending?.f ?? '') : effect.f,
            value: encodePlain(effect.value),
          });
          break;
      }
    }
    const persisted = context.persisted
      ? { ...snapshot.durable, ...Object.fromEntries(context.persisted) }
      : snapshot.durable;
    const snapshotAfter: NodeSnapshot = { status: 'up', state: nextState, durable: persisted, timers };
    return {
      snapshot:
        past === undefined ? snapshotAfter : { ...snapshotAfter, past, ...(recorded ? { recorded } : {}) },
      sent,
      events,
      history: client === undefined ? state.history : recordClientStep(state.history, id, client),
      recordsClient: client !== undefined,
    };
  };

  /**
   * Deliveries already run, by the node they ran on, the message, and the sender and receiver: a delivery is a function of
   * the node (state, storage, timers), the sender and the message, and the checker shares those
   * objects between the many states that hold them, so most deliveries are found here by
   * identity and not run again (Stateright's checker gets the same from Rust's copy-on-write
   * states: an ignored delivery costs it no copy). `null` records an ignored delivery. Steps
   * that record client operations are not kept: their operation ids depend on the history.
   * A miss (a copy of an object, from another worker) only costs running the step.
   */
  /** A number per (sender, receiver), made without building a string on every delivery. */
  const nodeNumbers = new Map(allIds.map((id, index) => [id, index]));
  const routeOf = (from: string, to: string): number => {
    const sender = nodeNumbers.get(from);
    const receiver = nodeNumbers.get(to);
    // A node the system does not name (never in a network it built): no number, nothing kept.
    if (sender === undefined || receiver === undefined) return -1;
    return sender * allIds.length + receiver;
  };
  const deliveries = new WeakMap<NodeSnapshot, WeakMap<object, Map<number, StepOutcome | null>>>();
  /**
   * The kept deliveries of `envelope` to `target`, by route (created if `create`), or undefined
   * when such a delivery is not kept. Equal nodes share one snapshot object, so the key names
   * the receiver too. A message that carries a causal past is not kept: the step merges that
   * past into the receiver's.
   */
  const keptDeliveries = (
    target: NodeSnapshot,
    envelope: Envelope,
    route: number,
    create: boolean,
  ): Map<number, StepOutcome | null> | undefined => {
    const message = envelope.message;
    if (typeof message !== 'object' || message === null || route < 0 || envelope.past !== undefined)
      return undefined;
    let byNode = deliveries.get(target);
    if (byNode === undefined) {
      if (!create) return undefined;
      deliveries.set(target, (byNode = new WeakMap()));
    }
    let byMessage = byNode.get(message);
    if (byMessage === undefined && create)
      byNode.set(message, (byMessage = new Map<number, StepOutcome | null>()));
    return byMessage;
  };
  const deliverStep = (
    state: ActorState,
    action: Extract<ActorAction, { type: 'deliver' }>,
    target: NodeSnapshot,
  ): StepOutcome | undefined => {
    const message = action.message;
    const route = routeOf(action.from, action.to);
    const byMessage = keptDeliveries(target, action, route, true);
    if (byMessage !== undefined) {
      const known = byMessage.get(route);
      if (known !== undefined) return known ?? undefined;
    }
    const result = runStep(
      state,
      action.to,
      { handler: 'onMessage', from: action.from as NodeId, message },
      target,
      false,
      action,
      ignoredStay,
      action.past,
    );
    // A step that made choices is not kept: the next one may script other choices.
    const keep = choiceScript.made.length === 0 && (result === undefined || !result.recordsClient);
    if (byMessage !== undefined && keep) {
      byMessage.set(route, result ?? null);
    }
    return result;
  };

  /** The state's parts that a step rewrites: a node, the network, the history. */
  const afterStep = (
    state: ActorState,
    id: string,
    result: StepOutcome,
    network: ActorState['network'],
    ownedNetwork = false,
  ): ActorState => {
    const next: ActorState = {
      ...state,
      nodes: withNode(state, id, result.snapshot),
      network: addToNetwork(network, result.sent, ownedNetwork),
    };
    // A step that recorded nothing keeps the state's history (a kept outcome may come from another state).
    if (result.recordsClient) (next as { history?: ClientHistory | undefined }).history = result.history;
    return next;
  };

  /** The network with `sent` added; `owned`: `network` is a fresh list, to add to in place. */
  const addToNetwork = (
    network: ActorState['network'],
    sent: readonly MessageInFlight[],
    owned = false,
  ): ActorState['network'] => {
    if (sent.length === 0) return network;
    if (semantics === 'fifo') {
      const queues = { ...(network as Record<string, readonly MessageInFlight[]>) };
      for (const envelope of sent) {
        const key = `${envelope.from}->${envelope.to}`;
        queues[key] = [...(queues[key] ?? []), envelope];
      }
      return queues;
    }
    const list = owned ? (network as MessageInFlight[]) : [...(network as readonly MessageInFlight[])];
    const bound = semantics === 'unordered-duplicating' ? 1 : copiesMax;
    for (const envelope of sent) {
      const key = envelopeKey(envelope);
      // Keep the multiset sorted so that equal multisets are equal states: a copy goes before
      // the first envelope whose key is not less than its own, which is where its copies start.
      let index = 0;
      let end = list.length;
      while (index < end) {
        const middle = (index + end) >>> 1;
        if (envelopeKey(list[middle] as MessageInFlight) < key) index = middle + 1;
        else end = middle;
      }
      if (bound !== Infinity) {
        let copies = 0;
        while (index + copies < list.length && envelopeKey(list[index + copies] as MessageInFlight) === key)
          copies++;
        if (copies >= bound) continue;
      }
      list.splice(index, 0, envelope);
    }
    return list;
  };

  const removeFromNetwork = (
    network: ActorState['network'],
    envelope: MessageInFlight,
  ): ActorState['network'] | undefined => {
    if (semantics === 'fifo') {
      const key = `${envelope.from}->${envelope.to}`;
      const queue = (network as Record<string, readonly MessageInFlight[]>)[key];
      if (!queue || queue.length === 0 || indexOfEnvelope(queue.slice(0, 1), envelope) !== 0)
        return undefined;
      const queues = { ...(network as Record<string, readonly MessageInFlight[]>) };
      if (queue.length === 1) delete queues[key];
      else queues[key] = queue.slice(1);
      return queues;
    }
    const list = network as readonly MessageInFlight[];
    const index = indexOfEnvelope(list, envelope);
    if (index < 0) return undefined;
    if (semantics === 'unordered-duplicating') return network;
    return list.toSpliced(index, 1);
  };

  /** Whether `envelope` may be delivered now: it is in flight (at the head of its queue, on fifo). */
  const deliverable = (network: ActorState['network'], envelope: MessageInFlight): boolean => {
    if (semantics !== 'fifo') return indexOfEnvelope(network as readonly MessageInFlight[], envelope) >= 0;
    const queue = (network as Record<string, readonly MessageInFlight[]>)[`${envelope.from}->${envelope.to}`];
    return queue !== undefined && queue.length > 0 && indexOfEnvelope(queue.slice(0, 1), envelope) === 0;
  };

  const inFlight = (network: ActorState['network']): readonly MessageInFlight[] =>
    semantics === 'fifo'
      ? Object.values(network as Record<string, readonly MessageInFlight[]>).flatMap((queue) =>
          queue.length ? [queue[0] as MessageInFlight] : [],
        )
      : (network as readonly MessageInFlight[]);

  const withNode = (state: ActorState, id: string, snapshot: NodeSnapshot): ActorState['nodes'] => ({
    ...state.nodes,
    [id]: snapshot,
  });

  /** The timers of a node that may fire now, by the ordering rule. */
  const fireable = (timers: readonly PendingTimer[]): PendingTimer[] =>
    timers.filter((timer, index) => !timers.slice(0, index).some((earlier) => timer.min >= earlier.max));

  /** The actions that run a handler, which may make choices. */
  type HandlerAction = Extract<ActorAction, { type: 'deliver' | 'timer' | 'recover' }>;

  /**
   * Runs the handler of an enabled `action` with the choices it scripts; `undefined` when the
   * handler made other choices than the action's (then the action is not one of the step's
   * outcomes) or ignored its delivery.
   */
  const runHandler = (state: ActorState, action: HandlerAction): StepOutcome | undefined => {
    const script = action.choices ?? [];
    if (state === probedState) {
      // `next` mostly takes the listed actions in order: look where the last one was found first.
      const at = probedActions[probeCursor] === action ? probeCursor : probedActions.indexOf(action);
      if (at >= 0) {
        // Used once: taken again (the checker's determinism recheck), the handler runs afresh.
        probedActions[at] = null;
        probeCursor = at + 1;
        return probedResults[at];
      }
    }
    choiceScript.reset(script);
    const result = runHandlerFollowing(state, action);
    return choiceScript.followed(script) ? result : undefined;
  };

  /** Runs the handler of an enabled `action`, taking the choices `choiceScript` scripts. */
  const runHandlerFollowing = (state: ActorState, action: HandlerAction): StepOutcome | undefined => {
    switch (action.type) {
      case 'deliver':
        return deliverStep(state, action, state.nodes[action.to] as NodeSnapshot);
      case 'timer': {
        const node = state.nodes[action.node] as NodeSnapshot;
        const timer = fireable(node.timers).find(
          (candidate) => candidate.name === action.name,
        ) as PendingTimer;
        const without: NodeSnapshot = {
          ...node,
          timers: node.timers.filter((candidate) => candidate !== timer),
        };
        const trigger: StepTrigger = { handler: 'onTimer', timer: { name: timer.name, data: timer.data } };
        return runStep(state, action.node, trigger, without, false, action);
      }
      case 'recover': {
        const node = state.nodes[action.node] as NodeSnapshot;
        const protocol = protocolOf(system.nodes[action.node] as ActorNode);
        const handler = protocol.onRecover ? 'onRecover' : 'onBoot';
        return runStep(state, action.node, { handler }, node, true, action);
      }
    }
  };

  /**
   * What `actions` learnt by running the handlers of the state it listed last, by action object:
   * `next` is handed the very objects `actions` listed, so it need not run a handler again
   * (`deliverStep` keeps most deliveries, but not those that record client operations). Plain
   * lists, emptied by every listing: a map keyed by so many short-lived action objects cost
   * more than the handlers it saved.
   */
  let probedState: ActorState | undefined;
  const probedActions: (ActorAction | null)[] = [];
  const probedResults: (StepOutcome | undefined)[] = [];
  let probeCursor = 0;
  /** A handler that failed while its choices were counted fails in `next`, which reports it with its state and action. */
  const failedProbes = new WeakMap<ActorAction, Error>();

  /** A step that has too many combinations of choices to explore: a finding naming its node and handler. */
  const tooManyChoices =
    (state: ActorState, id: string, action: ActorAction | { readonly type: 'boot' }) => () =>
      new ActorStepError(
        new ProtocolFault(
          'bad-call',
          id as NodeId,
          contextOf(id).context.currentHandler,
          `makes more than ${CHOICE_COMBINATIONS_MAX} combinations of choices (choose, randomInt) in one step; the model checker explores each one (make fewer or smaller choices)`,
        ),
        state,
        action,
      );

  /** Lists `action`, once per combination of the choices its handler makes. */
  const pushOutcomes = (state: ActorState, action: HandlerAction, out: ActorAction[]): void => {
    // Most steps make no choice: one run tells, and `next` reuses it.
    choiceScript.reset([]);
    let first: StepOutcome | undefined;
    try {
      first = runHandlerFollowing(state, action);
    } catch (thrown) {
      failedProbes.set(action, thrown instanceof Error ? thrown : new Error(String(thrown)));
      out.push(action);
      return;
    }
    if (choiceScript.made.length === 0) {
      // A delivery the handler ignores, which stays in flight, is no transition: not listed at
      // all (most deliveries on Paxos; enabledness is read off transitions, so fairness agrees).
      if (first === undefined && action.type === 'deliver') return;
      probedActions.push(action);
      probedResults.push(first);
      out.push(action);
      return;
    }
    const id = action.type === 'deliver' ? action.to : action.node;
    let combinations: readonly {
      readonly choices: readonly number[];
      readonly value: StepOutcome | undefined;
    }[];
    try {
      combinations = enumerateChoices(
        (script) => {
          choiceScript.reset(script);
          const value = runHandlerFollowing(state, action);
          return { made: choiceScript.made, options: choiceScript.options, value };
        },
        tooManyChoices(state, id, action),
        CHOICE_COMBINATIONS_MAX,
        { made: choiceScript.made, options: choiceScript.options, value: first },
      );
    } catch (thrown) {
      failedProbes.set(action, thrown instanceof Error ? thrown : new Error(String(thrown)));
      out.push(action);
      return;
    }
    // Each run made its combination in full, so `next` can reuse it as the run of that action.
    for (const { choices, value } of combinations) {
      const outcome = { ...action, choices };
      probedActions.push(outcome);
      probedResults.push(value);
      out.push(outcome);
    }
  };

  /**
   * The initial states: every node boots, in order; a boot that makes choices makes one state
   * per combination. `choices[i][n]` are the choice events of node `ids[n]`'s boot for `states[i]`.
   */
  const initialStates = (): { states: ActorState[]; choices: TraceEvent[][][] } => {
    const restore = installGlobalGuard();
    try {
      let states: ActorState[] = [
        {
          nodes: Object.fromEntries(
            ids.map((id) => [id, { status: 'up', state: null, durable: {}, timers: [] }]),
          ),
          network: semantics === 'fifo' ? {} : [],
          crashes: 0,
          recoveries: 0,
        },
      ];
      let choices: TraceEvent[][][] = [[]];
      for (const id of ids) {
        const nextStates: ActorState[] = [];
        const nextChoices: TraceEvent[][][] = [];
        states.forEach((state, index) => {
          const boot = { type: 'boot' } as const;
          const outcomes = enumerateChoices(
            (script) => {
              choiceScript.reset(script);
              const value = runStep(
                state,
                id,
                { handler: 'onBoot' },
                state.nodes[id] as NodeSnapshot,
                true,
                boot,
              );
              return { made: choiceScript.made, options: choiceScript.options, value: value as StepOutcome };
            },
            tooManyChoices(state, id, boot),
          );
          for (const outcome of outcomes) {
            nextStates.push(afterStep(state, id, outcome.value, state.network));
            nextChoices.push([
              ...(choices[index] ?? []),
              outcome.value.events.filter((event) => event.type === 'choose'),
            ]);
          }
        });
        states = nextStates;
        choices = nextChoices;
      }
      return { states, choices };
    } finally {
      restore();
    }
  };

  /** The `choose` events of each node's boot (in `ids` order) that made the initial state `state`. */
  const bootChoicesOf = (state: ActorState): TraceEvent[][] => {
    const initials = initialStates();
    return initials.choices[initials.states.findIndex((initial) => structuralEqual(initial, state))] ?? [];
  };

  const step = (state: ActorState, action: ActorAction, events?: TraceEvent[]): ActorState | undefined => {
    const failed = failedProbes.get(action);
    if (failed !== undefined) throw failed;
    return takeStep(state, action, events);
  };

  const takeStep = (
    state: ActorState,
    action: ActorAction,
    events?: TraceEvent[],
  ): ActorState | undefined => {
    switch (action.type) {
      case 'deliver': {
        const target = state.nodes[action.to];
        if (target === undefined) {
          // A message to a Byzantine node: it is ignored (and consumed, if ignored messages are).
          if (ignoredStay) return undefined;
          const network = removeFromNetwork(state.network, action);
          return network === undefined ? undefined : { ...state, network };
        }
        if (target.status !== 'up') return undefined;
        if (semantics === 'fifo') {
          if (!deliverable(state.network, action)) return undefined;
          const result = runHandler(state, action);
          if (result === undefined) return undefined;
          recordStep(result, events);
          return afterStep(
            state,
            action.to,
            result,
            removeFromNetwork(state.network, action) as ActorState['network'],
          );
        }
        const list = state.network as readonly MessageInFlight[];
        const at = indexOfEnvelope(list, action);
        if (at < 0) return undefined;
        // Most deliveries are ignored (the message stays in flight): the network is copied
        // without the message only once the handler did something, and then added to in place.
        const result = runHandler(state, action);
        if (result === undefined) return undefined;
        recordStep(result, events);
        return semantics === 'unordered-duplicating'
          ? afterStep(state, action.to, result, list)
          : afterStep(state, action.to, result, list.toSpliced(at, 1), true);
      }
      case 'drop': {
        if (!lossy) return undefined;
        const network = removeFromNetwork(state.network, action);
        return network === undefined ? undefined : { ...state, network };
      }
      case 'timer': {
        const node = state.nodes[action.node];
        if (node?.status !== 'up') return undefined;
        if (!fireable(node.timers).some((candidate) => candidate.name === action.name)) return undefined;
        const result = runHandler(state, action);
        if (result === undefined) return undefined;
        recordStep(result, events);
        return afterStep(state, action.node, result, state.network);
      }
      case 'crash': {
        const node = state.nodes[action.node];
        if (
          node?.status !== 'up' ||
          state.crashes >= (system.crashes?.max ?? 0) ||
          !crashable.has(action.node)
        )
          return undefined;
        const recover = system.crashes?.recover ?? false;
        return {
          ...state,
          crashes: state.crashes + 1,
          nodes: withNode(state, action.node, {
            status: recover ? 'down' : 'crashed',
            state: null,
            durable: node.durable,
            timers: [],
            // Causality survives the crash: the recovery comes after what the node did before.
            ...(node.past === undefined ? {} : { past: node.past }),
            ...(node.recorded === undefined ? {} : { recorded: node.recorded }),
          }),
        };
      }
      case 'recover': {
        const node = state.nodes[action.node];
        if (node?.status !== 'down') return undefined;
        const result = runHandler(state, action);
        if (result === undefined) return undefined;
        recordStep(result, events);
        return { ...afterStep(state, action.node, result, state.network), recoveries: state.recoveries + 1 };
      }
      case 'inject': {
        const universe = system.byzantine?.[action.from] ?? [];
        if (
          !universe.some(
            (item) => item.to === action.to && plainToJson(item.message) === plainToJson(action.message),
          )
        )
          return undefined;
        const envelope: MessageInFlight = { from: action.from, to: action.to, message: action.message };
        recordStep({ sent: [envelope], events: [] }, events);
        return { ...state, network: addToNetwork(state.network, [envelope]) };
      }
    }
  };

  const model: Model<ActorState, ActorAction> & ActorModelExtras = {
    init: () => initialStates().states,
    actions(state, out) {
      probedActions.length = 0;
      probedResults.length = 0;
      probeCursor = 0;
      probedState = state;
      let previous: Envelope | undefined;
      for (const envelope of inFlight(state.network) as readonly Envelope[]) {
        // Copies of one message are sorted together: one action delivers (or drops) any of them.
        if (
          previous !== undefined &&
          semantics !== 'fifo' &&
          (previous === envelope ||
            (previous.to === envelope.to &&
              previous.from === envelope.from &&
              envelopeKey(previous) === envelopeKey(envelope)))
        )
          continue;
        previous = envelope;
        const target = state.nodes[envelope.to];
        if (target === undefined) {
          if (!ignoredStay) out.push(deliverOf(envelope));
        } else if (target.status === 'up') {
          // A delivery already run here (most of them) is listed without running anything: one
          // it ignores, staying in flight, is no transition and not listed at all.
          const route = routeOf(envelope.from, envelope.to);
          const known = keptDeliveries(target, envelope, route, false)?.get(route);
          if (known === undefined) pushOutcomes(state, deliverOf(envelope), out);
          else if (known !== null) {
            const action = deliverOf(envelope);
            probedActions.push(action);
            probedResults.push(known);
            out.push(action);
          }
        }
        if (lossy) out.push({ ...deliverOf(envelope), type: 'drop' });
      }
      for (const id of ids) {
        const node = state.nodes[id] as NodeSnapshot;
        if (node.status === 'up') {
          for (const timer of fireable(node.timers))
            pushOutcomes(state, { type: 'timer', node: id, name: timer.name }, out);
          if (state.crashes < (system.crashes?.max ?? 0) && crashable.has(id))
            out.push({ type: 'crash', node: id });
        } else if (node.status === 'down') {
          pushOutcomes(state, { type: 'recover', node: id }, out);
        }
      }
      for (const from of byzantineIds) {
        for (const item of system.byzantine?.[from] ?? [])
          out.push({ type: 'inject', from, to: item.to, message: item.message });
      }
    },
    next: (state, action) => step(state, action),
    properties: system.properties.map((property) => overActorStates(property, view)),
    ...(system.within ? { within: system.within } : {}),
    ...(system.interchangeable ? { symmetry: { interchangeable: system.interchangeable } } : {}),
    // The asynchronous model forces nothing that fairness does not owe: a behaviour may stop
    // where only drops, crashes, unfair recoveries or Byzantine injections are enabled.
    stopsWhenOwedNothing: true,
    fairness(action): FairnessRequirement | undefined {
      switch (action.type) {
        case 'deliver':
          return {
            kind: 'strong',
            task:
              action.past === undefined
                ? ['deliver', action.from, action.to, action.message]
                : ['deliver', action.from, action.to, action.message, action.past],
          };
        case 'timer':
          return { kind: 'strong', task: ['timer', action.node, action.name] };
        case 'recover':
          // Weak suffices: along a cycle a down node stays down (see `crashes.fairRecovery`).
          return fairRecovery ? { kind: 'weak', task: ['recover', action.node] } : undefined;
        default:
          return undefined;
      }
    },
    trace(path, header) {
      return pathToTrace(path, header);
    },
    network: networkDescription,
    initialChoices(state) {
      const said = bootChoicesOf(state)
        .flat()
        .map((event) =>
          event.type === 'choose' ? `${event.node} chose option ${event.index} of ${event.of}` : '',
        );
      return said.join(', ');
    },
  };

  /** When replaying for a trace, keeps a step's events and its sends. */
  function recordStep(
    result: { readonly sent: readonly MessageInFlight[]; readonly events: readonly TraceEvent[] },
    events: TraceEvent[] | undefined,
  ): void {
    if (!events) return;
    events.push(...result.events);
    for (const envelope of result.sent) {
      events.push({
        t: 0,
        type: 'send',
        node: envelope.from,
        to: envelope.to,
        msg: '',
        body: encodePlain(envelope.message),
      });
    }
  }

  /** Replays a path, turning it into simulator-format trace events (time = step number). */
  function pathToTrace(
    path: Path<ActorState, ActorAction>,
    header: TraceHeaderInput,
  ): { header: TraceHeader; events: TraceEvent[] } {
    const events: TraceEvent[] = [];
    const pending = new Map<string, string[]>();
    let messages = 0;
    const stamp = (raw: readonly TraceEvent[], t: number): void => {
      for (const event of raw) {
        if (event.type === 'send') {
          const msg = `m${++messages}`;
          const key = plainToJson([event.node, event.to, event.body]);
          pending.set(key, [...(pending.get(key) ?? []), msg]);
          events.push({ ...event, t, msg });
        } else {
          events.push({ ...event, t });
        }
      }
    };
    const msgOf = (from: string, to: string, message: unknown, consume: boolean): string => {
      const key = plainToJson([from, to, encodePlain(message)]);
      const list = pending.get(key) ?? [];
      const msg = list[0] ?? '?';
      if (consume && semantics !== 'unordered-duplicating') pending.set(key, list.slice(1));
      return msg;
    };
    // The choices of the boots that made the path's initial state, node by node.
    const bootChoices = path.states[0] === undefined ? [] : bootChoicesOf(path.states[0]);
    ids.forEach((id, index) => {
      stamp([{ t: 0, type: 'boot', node: id }], 0);
      stamp(bootChoices[index] ?? [], 0);
    });
    // Boot effects: re-run init to capture the sends of onBoot.
    const bootEvents: TraceEvent[] = [];
    const initial = path.states[0];
    if (initial) {
      for (const envelope of inFlight(initial.network)) {
        bootEvents.push({
          t: 0,
          type: 'send',
          node: envelope.from,
          to: envelope.to,
          msg: '',
          body: encodePlain(envelope.message),
        });
      }
    }
    stamp(bootEvents, 0);
    path.actions.forEach((action, index) => {
      const t = index + 1;
      const before = path.states[index] as ActorState;
      const raw: TraceEvent[] = [];
      switch (action.type) {
        case 'deliver':
          events.push({
            t,
            type: 'deliver',
            node: action.to,
            from: action.from,
            msg: msgOf(action.from, action.to, action.message, true),
          });
          break;
        case 'drop':
          events.push({
            t,
            type: 'drop',
            node: action.to,
            from: action.from,
            msg: msgOf(action.from, action.to, action.message, true),
            reason: 'loss',
          });
          break;
        case 'timer':
          events.push({ t, type: 'timer-fire', node: action.node, name: action.name });
          break;
        case 'crash':
          events.push({ t, type: 'crash', node: action.node });
          break;
        case 'recover':
          events.push({ t, type: 'recover', node: action.node });
          break;
        case 'inject':
          break;
      }
      step(before, action, raw);
      stamp(raw, t);
    });
    if (path.cycleStart !== undefined) {
      events.push({
        t: path.actions.length,
        type: 'log',
        node: ids[0] ?? '',
        text: `the behaviour repeats from step ${path.cycleStart} forever`,
      });
    }
    return {
      header: {
        format: TRACE_FORMAT,
        version: TRACE_VERSION,
        engine: 'check',
        scenario: header.scenario,
        seed: 0,
        params: header.params,
        nodes: [
          ...ids.map((id) => ({
            id,
            protocol: protocolOf(system.nodes[id] as ActorNode).name,
            group: groupOf(system.nodes[id] as ActorNode),
          })),
          ...byzantineIds.map((id) => ({ id, protocol: 'byzantine', group: 'nodes', byzantine: 'universe' })),
        ],
        config: {
          ...networkDescription,
          crashes: system.crashes?.max ?? 0,
          ...(fairRecovery ? { fairRecovery } : {}),
        },
      },
      events,
    };
  }

  return model;
}

/** The action that delivers `envelope` (with its causal past, when it has one). */
function deliverOf(envelope: Envelope): Extract<ActorAction, { type: 'deliver' }> {
  const { from, to, message, past } = envelope;
  return past === undefined
    ? { type: 'deliver', from, to, message }
    : { type: 'deliver', from, to, message, past };
}

/** What a trace header needs from the caller. */
export interface TraceHeaderInput {
  readonly scenario: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** The network an actor model explores, with every default made explicit. */
export interface NetworkDescription {
  readonly semantics: NetworkSemantics;
  readonly lossy: boolean;
  /** For `unordered`: copies of one message in flight at most (`null` in JSON: no bound). */
  readonly copiesMax?: number;
  readonly ignoredDeliveries: IgnoredDeliveries;
}

/** What one handler run produced, for the model's state. */
interface StepOutcome {
  readonly snapshot: NodeSnapshot;
  readonly sent: Envelope[];
  readonly events: TraceEvent[];
  readonly history: ClientHistory | undefined;
  /** Whether the step recorded client operations (then `history` is the state's own). */
  readonly recordsClient: boolean;
}

/** The semantics of ignored deliveries: as asked, or the default (see `ActorSystem.network`). */
function ignoredDeliveriesOf(system: ActorSystem, semantics: NetworkSemantics): IgnoredDeliveries {
  const asked = system.network?.ignoredDeliveries;
  if (semantics === 'fifo') {
    if (asked === 'stay-in-flight') {
      throw new TypeError(
        "actorModel: network.ignoredDeliveries 'stay-in-flight' needs an unordered network: on fifo, an ignored head would block its queue",
      );
    }
    return 'consumed';
  }
  if (asked !== undefined) {
    if (asked !== 'stay-in-flight' && asked !== 'consumed') {
      throw new TypeError(`actorModel: network.ignoredDeliveries must be 'stay-in-flight' or 'consumed'`);
    }
    return asked;
  }
  if (semantics === 'unordered-duplicating') return 'stay-in-flight';
  return system.properties.some((property) => property.kind === 'eventually') ? 'consumed' : 'stay-in-flight';
}

/** What an actor model offers beyond the Model interface. */
export interface ActorModelExtras {
  /** The network semantics explored, defaults included (also in trace headers). */
  readonly network: NetworkDescription;
  /** The choices the boots made to reach initial state `state`, in words (`''` when none). */
  initialChoices(state: ActorState): string;
  /** The trace of a path, in the simulator's format (time is the step number). */
  trace(
    path: Path<ActorState, ActorAction>,
    header: TraceHeaderInput,
  ): { header: TraceHeader; events: TraceEvent[] };
}
