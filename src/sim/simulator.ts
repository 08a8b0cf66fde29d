/**
 * The discrete-event simulator: one run of a system, for one seed.
 *
 * Virtual time advances from event to event; nothing waits on a real clock,
 * so a minute of protocol time costs only the handlers' own work. All
 * randomness comes from streams of the one seed (network, faults, each node),
 * and all ties are broken by scheduling order: the same configuration and
 * seed give the same run, event for event.
 */

import { createHmac } from 'node:crypto';
import type { Effect } from '../core/index.js';
import { InputError, ProtocolFault } from '../core/index.js';
import { installGlobalGuard, withoutGlobalGuard } from '../core/index.js';
import { nodeId, type NodeId } from '../core/index.js';
import { encodePlain, plainToJson } from '../core/index.js';
import type { FiredTimer, HandlerName, Protocol } from '../core/index.js';
import type { Signature } from '../core/index.js';
import { protocolFrames } from '../core/index.js';
import { StepContext, type StepEnvironment, type StepTrigger } from '../core/index.js';
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent, type TraceHeader } from '../trace/index.js';
import type { ByzantineBehaviour, ByzantineTools } from './byzantine-types.js';
import {
  expandNemesis,
  validateSchedule,
  type Fault,
  type FaultSchedule,
  type RandomNemesis,
  type TimedFault,
} from './faults.js';
import { Network, validateNetwork, type LossOverrides, type NetworkSettings } from './network.js';
import { buildGrudge, grudgeToRecord, validatePartition, type PartitionShape } from './partitions.js';
import type { ClientEvent, Property, PropertyKind, SystemView } from '../core/index.js';
import { frozenWriteOf, SendSites } from './frozen-sends.js';
import { EventQueue } from './queue.js';
import { RandomStreams, type RandomStream } from '../core/index.js';
import { SendKeys } from './send-keys.js';
import {
  happenedBeforeStamp,
  mergePast,
  recordedInNodeOrder,
  stampedRecordOf,
  stampRecord,
  type CausalPast,
  type StampedRecord,
} from '../core/index.js';

const NO_RECORDS: readonly StampedRecord[] = Object.freeze([]);

/** How a node is placed in a system. */
export interface NodeSpec {
  // The protocol's own types are checked where it is defined; here any protocol fits.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly protocol: Protocol<any, any, any>;
  /** The node's group: `nodes`, `peers` and `broadcast` stay inside it. Default `nodes`. */
  readonly group?: string;
  /** Makes the node Byzantine: a factory, called once per run. */
  readonly byzantine?: () => ByzantineBehaviour;
  /** The node's clock at boot: offset and rate error. */
  readonly clock?: { readonly skewMs?: number; readonly drift?: number };
}

/** A system to simulate and what to check of it. */
export interface SimulationConfig {
  /** Node name -> protocol (or a spec with group, Byzantine behaviour, clock). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly nodes: Readonly<Record<string, Protocol<any, any, any> | NodeSpec>>;
  readonly network?: NetworkSettings;
  readonly faults?: FaultSchedule;
  /**
   * What to check, in the language `fairlink check` shares: `always` (`invariant`) properties
   * after every step (those `judgedAtEnd`, such as `linearizable(model)`, once when the run
   * ends), `eventually` properties at some point before the run ends. `sometimes` goals are the
   * checker's: one run need not reach them.
   */
  readonly properties?: readonly Property[];
  /** Length of the safety phase (with faults), virtual ms. */
  readonly durationMs: number;
  /** A liveness phase after the safety phase: faults heal, then `eventually` must hold within `withinMs`. */
  readonly liveness?: { readonly withinMs: number; readonly network?: NetworkSettings };
  /** Ends the run early (successfully) once true, checked after every step. */
  readonly stopWhen?: (view: SystemView) => boolean;
  /** Check that node state is plain data after every step (default true; costs time on big states). */
  readonly checkState?: boolean;
  /** A bound on steps, against runaway protocols (default 20 million). */
  readonly stepsMax?: number;
}

/** Decisions that shrinking overrides, on top of the seed. */
export interface ShrinkDirectives {
  /** Send indices whose loss is cancelled (the copy is delivered). */
  readonly forcedDeliveries?: ReadonlySet<number>;
  /** Indices into the expanded fault schedule of faults left out. */
  readonly removedFaults?: ReadonlySet<number>;
  /** Ends the run at this virtual time. */
  readonly endMs?: number;
  /**
   * When present, the only copies lost to the drop probability: the sends
   * named here (see send-keys.ts), on links whose drop probability is above
   * 0; every other loss is cancelled. Named by content, these survive changes
   * elsewhere in the run better than send indices.
   */
  readonly keptLosses?: ReadonlySet<string>;
}

/** Options of one run. */
export interface RunOptions {
  readonly seed: number;
  /** Record the trace (default false: a campaign records only the runs it reports). */
  readonly trace?: boolean;
  /** For the trace header. */
  readonly scenario?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly shrink?: ShrinkDirectives;
  /** A readable form of `shrink`, written in the trace header. */
  readonly shrunk?: string;
  /**
   * Where the run writes which node and handler it is in (index 0: node index
   * + 1, index 1: handler code, index 2: steps modulo 2^31), so a watchdog in
   * another thread can name a handler that never returns.
   */
  readonly watch?: Int32Array;
  /**
   * A scripted adversary instead of the seeded network and clock: the run boots every node,
   * then carries out these actions in order, one per unit of virtual time (a model checker's
   * counterexample, replayed in the simulator). Properties are checked after every step.
   */
  readonly script?: readonly ScriptedAction[];
  /**
   * With `script`: each node's choices (`choose`, `randomInt`) in the order it makes them, as
   * a checker trace's `choose` events give them; past the end of its list a node draws from
   * its seeded stream (a scripted choice takes a draw too, so that draws after it are those of
   * the seeded run that made it).
   */
  readonly scriptChoices?: Readonly<Record<string, readonly number[]>>;
  /**
   * With `script`: skip an action that cannot happen (a message not in flight, a timer not
   * pending, a node not up) instead of throwing. Schedule shrinking leaves actions out, and
   * what they enabled later in the schedule then no longer happens; time advances only on
   * actions carried out, so the run is the one its own trace replays strictly.
   */
  readonly lenientScript?: boolean;
  /**
   * With `script`: what the network did to a message as it was sent, by the trace's message id
   * (`m12`): lost it, or made a second copy. A seeded run decides that inside the sending step,
   * so a replay that is to give the same trace decides it there too (`scriptFromTrace` with
   * `faults` lists them). A replay that follows the trace sends the same messages in the same
   * order, so the ids name the same sends.
   */
  readonly scriptSendFates?: Readonly<Record<string, SendFate>>;
  /**
   * Called after every step and every other event the run carries out (and once after the
   * boots of a scripted run), with a way to take a snapshot of the whole system at that moment:
   * the explorer (`fairlink explore`) shows a run's states with it. Taking a snapshot copies
   * every node's state, so an observer takes one only at the moments it needs.
   */
  readonly observe?: (moment: SimMoment) => void;
}

/** A moment of a run, as {@link RunOptions.observe} sees it. */
export interface SimMoment {
  /** How many trace events the run has recorded so far (with `trace: true`). */
  readonly eventCount: number;
  /** The whole system now, as plain JSON data (Maps, Sets and bigints encoded as `encodePlain` does). */
  snapshot(): SimSnapshot;
}

/** The whole system at one moment of a run: what the explorer shows. */
export interface SimSnapshot {
  readonly timeMs: number;
  readonly nodes: readonly {
    readonly id: string;
    readonly status: 'up' | 'down' | 'crashed';
    /** Paused (a pause fault): its arrivals and timers wait until it resumes. */
    readonly paused: boolean;
    /** Its clock's offset and rate error, when it is not the true time. */
    readonly clock?: { readonly skewMs: number; readonly drift: number };
    /** `encodePlain` of the node's state; null when it is not up. */
    readonly state: unknown;
    readonly durable: Readonly<Record<string, unknown>>;
    /** Pending timers' names. */
    readonly timers: readonly string[];
  }[];
  /** Messages sent and not yet delivered or dropped, by the trace's message id (`m<number>`). */
  readonly inFlight: readonly {
    readonly msg: string;
    readonly from: string;
    readonly to: string;
    readonly message: unknown;
  }[];
  /** The client history so far. */
  readonly history: readonly ClientEvent[];
  /** The partition in place, as the trace records it (for each node, whose traffic it drops); null: none. */
  readonly partition: Readonly<Record<string, readonly string[]>> | null;
  /** Each property's verdict now: true, false, or why it does not hold. */
  readonly properties: readonly {
    readonly name: string;
    readonly kind: PropertyKind;
    readonly verdict: boolean | string;
  }[];
}

/** What the network did to a message at its send, in a scripted run (`RunOptions.scriptSendFates`). */
export type SendFate = 'loss' | 'duplicate';

/**
 * One step of a scripted run: what the network, the timers or a fault does next. `atMs`, when
 * given, is the virtual time it happens at (a simulator trace's own times, so that handlers
 * reading the clock do what they did); without it, action i happens at time i.
 */
export type ScriptedAction = (
  | {
      readonly type: 'deliver' | 'drop';
      readonly from: string;
      readonly to: string;
      readonly message: unknown;
      /** The trace's id of the copy meant (`m12`), when several alike are in flight: else the oldest. */
      readonly msg?: string;
    }
  | { readonly type: 'timer'; readonly node: string; readonly name: string }
  /**
   * `recoverAt`: only recorded in the crash event (a replayed crash-recover fault); the recovery
   * is its own action. `forGood`: a replayed `crash` fault: the node is `crashed`, never to
   * recover (else it is `down`, and a `recover` may restart it).
   */
  | { readonly type: 'crash'; readonly node: string; readonly recoverAt?: number; readonly forGood?: boolean }
  | { readonly type: 'recover'; readonly node: string }
  /** The simulator's partition fault, over the fault targets; it lasts until a `heal`. */
  | { readonly type: 'partition'; readonly shape: PartitionShape }
  | { readonly type: 'heal' }
  /**
   * The rest of the simulator's faults, as a seeded run's trace records them. A paused node's
   * arrivals and timers wait in a seeded run; in a scripted one, they happen when the script
   * says (after its `resume`). A clog holds a link's traffic until `untilMs`; in a scripted
   * run, deliveries come when the script says, so it only marks the link.
   */
  | { readonly type: 'pause' | 'resume'; readonly node: string }
  | { readonly type: 'clog'; readonly from: string; readonly to: string; readonly untilMs: number }
  | { readonly type: 'clock'; readonly node: string; readonly skewMs: number; readonly drift: number }
  /** The liveness phase begins: faults heal (the partition, clogs), as in a seeded run. */
  | { readonly type: 'liveness' }
  /**
   * Time passes to `atMs`, nothing happens: a run that went on past its last step (to its end
   * time, or to where it stopped) judges what it judges at the end then, and says when.
   */
  | { readonly type: 'wait' }
) & {
  readonly atMs?: number;
  /**
   * The choices (`choose`, `randomInt`) the action's step makes, in order, as the trace of
   * the run it comes from recorded them; for that step they stand in for the node's list in
   * `RunOptions.scriptChoices`, past their end the node draws. Schedule shrinking gives them,
   * so that a step keeps its choices when earlier steps of its node are left out.
   */
  readonly choices?: readonly number[];
  /**
   * Deliveries and losses: which step sent the message, as the index of its action in the
   * script (-1: a boot) and its place among that step's sends on this link. A lenient replay
   * whose schedule lost the exact message (shrinking changed its content) takes the message
   * that step sent there instead. Schedule shrinking gives it.
   */
  readonly sentBy?: { readonly action: number; readonly nth: number };
};

/**
 * The node whose handler a scripted action runs (a message's receiver, a timer's node), or the
 * node it crashes; none for the faults that run no handler (partition, heal, pause, clog, ...).
 */
export function actingNode(action: ScriptedAction): string | undefined {
  switch (action.type) {
    case 'deliver':
    case 'drop':
      return action.to;
    case 'timer':
    case 'crash':
    case 'recover':
      return action.node;
    default:
      return undefined;
  }
}

/**
 * A scripted action that cannot happen in the simulated system (a timer that is not pending, a
 * message never sent, a node that is not up): the script does not describe this system. Bad
 * input, not a verdict on the protocol; `step` (from 1) lets the caller name where it came from.
 */
export class ScriptStepError extends InputError {
  constructor(
    readonly step: number,
    readonly reason: string,
  ) {
    super(`script step ${step}: ${reason}`);
  }
}

/** Why a run failed. */
export type Failure =
  | {
      readonly kind: 'invariant';
      readonly property: string;
      readonly detail: string;
      readonly timeMs: number;
    }
  | {
      readonly kind: 'eventually';
      readonly property: string;
      readonly detail: string;
      readonly timeMs: number;
    }
  | { readonly kind: 'at-end'; readonly property: string; readonly detail: string; readonly timeMs: number }
  | {
      readonly kind: 'protocol-fault';
      readonly node: string;
      readonly handler: HandlerName;
      readonly fault: ProtocolFault['kind'];
      readonly detail: string;
      readonly timeMs: number;
      /** The protocol's frames of the error's stack, innermost first (see core/stack.ts). */
      readonly stack?: readonly string[];
    }
  | { readonly kind: 'livelock'; readonly detail: string; readonly timeMs: number };

/** Counters of one run. */
export interface RunStats {
  steps: number;
  sends: number;
  deliveries: number;
  drops: number;
  duplicates: number;
  timersFired: number;
  faults: number;
}

/** The outcome of one run. */
export interface SimulationResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure?: Failure;
  /** Virtual time at which the run ended, ms. */
  readonly endMs: number;
  readonly stats: RunStats;
  readonly history: readonly ClientEvent[];
  /** The fault schedule as expanded for this seed (what shrinking removes from). */
  readonly schedule: readonly TimedFault[];
  /** Send indices whose copy was lost to the network's drop probability (what shrinking cancels). */
  readonly losses: readonly number[];
  /** With `shrink` directives: the send key (send-keys.ts) of each loss, in the order of `losses`. */
  readonly lossKeys?: readonly string[];
  readonly trace?: { readonly header: TraceHeader; readonly events: readonly TraceEvent[] };
}

/** Handler codes for the watch array. */
const HANDLER_CODES: Readonly<Record<HandlerName, number>> = {
  onBoot: 1,
  onMessage: 2,
  onTimer: 3,
  onRecover: 4,
};
/** The inverse of HANDLER_CODES. */
export const HANDLER_BY_CODE: readonly (HandlerName | undefined)[] = [
  undefined,
  'onBoot',
  'onMessage',
  'onTimer',
  'onRecover',
];

/** Events at one virtual instant beyond this mean the protocol never lets time advance. */
const EVENTS_AT_ONE_INSTANT_MAX = 1_000_000;

type QueuedEvent =
  | {
      readonly kind: 'deliver';
      time: number;
      sequence: number;
      readonly from: NodeId;
      readonly to: NodeId;
      /** The slot of `to`, found when the message was sent. */
      readonly target: NodeSlot | undefined;
      readonly message: unknown;
      /** The message id's number: the trace calls it `m<number>` (built only when tracing). */
      readonly messageNumber: number;
      /** The sender's causal past at the send (`causality.ts`); absent while it has none. */
      readonly past: CausalPast | undefined;
    }
  | {
      readonly kind: 'timer';
      time: number;
      sequence: number;
      readonly node: NodeId;
      readonly name: string;
      readonly token: number;
      readonly data: unknown;
    }
  | { readonly kind: 'boot'; time: number; sequence: number; readonly node: NodeId }
  | { readonly kind: 'fault'; time: number; sequence: number; readonly fault: Fault; readonly index: number }
  | { readonly kind: 'recover'; time: number; sequence: number; readonly node: NodeId }
  | { readonly kind: 'resume'; time: number; sequence: number; readonly node: NodeId }
  | { readonly kind: 'heal'; time: number; sequence: number; readonly partition: number }
  | { readonly kind: 'liveness'; time: number; sequence: number };

interface NodeSlot {
  readonly id: NodeId;
  readonly index: number;
  readonly protocol: Protocol<unknown, unknown>;
  readonly group: string;
  readonly members: readonly NodeId[];
  readonly peers: readonly NodeId[];
  status: 'up' | 'down' | 'crashed';
  paused: boolean;
  readonly pausedEvents: QueuedEvent[];
  context: StepContext | undefined;
  readonly durable: Map<string, unknown>;
  readonly timers: Map<string, number>;
  clockAnchorMs: number;
  clockSkewMs: number;
  clockDrift: number;
  readonly random: RandomStream;
  readonly timerRandom: RandomStream;
  readonly byzantine: ByzantineBehaviour | undefined;
  readonly byzantineRandom: RandomStream | undefined;
  /**
   * The node this one last sent to, and its id: most nodes send to the same few, and this saves
   * a lookup by id. The id is kept here so that a miss does not touch the other node's slot.
   */
  lastTargetId: NodeId | undefined;
  lastTarget: NodeSlot | undefined;
  /**
   * The node's causal past over recorded events, and its recorded events (`causality.ts`):
   * absent until it records or hears of a record. Kept across crashes: causality survives them.
   */
  past: CausalPast | undefined;
  records: StampedRecord[] | undefined;
}

/** The moment `RunOptions.observe` sees: read when the observer asks, not before. */
function momentOf(simulation: { readonly eventCount: number; snapshot(): SimSnapshot }): SimMoment {
  return {
    get eventCount() {
      return simulation.eventCount;
    },
    snapshot: () => simulation.snapshot(),
  };
}

/**
 * What kind of message a message is, for a lenient script's stand-ins: its `type` (or `kind`)
 * field when it has one, else its field names; a value that is not an object is its own kind.
 */
function messageKind(message: unknown): string {
  if (typeof message !== 'object' || message === null) return plainToJson(message);
  if (Array.isArray(message)) return 'array';
  const record = message as Record<string, unknown>;
  for (const field of ['type', 'kind']) {
    if (typeof record[field] === 'string') return `${field}:${record[field]}`;
  }
  return Object.keys(record).sort().join(',');
}

/** Names a send in a scripted run: sender, receiver and content. */
function scriptSendKey(from: string, to: string, key: string): string {
  return JSON.stringify([from, to, key]);
}

/** Normalises a node entry to a spec. */
function toSpec(entry: Protocol<unknown, unknown> | NodeSpec): NodeSpec {
  return 'protocol' in entry && typeof entry.protocol === 'object' ? entry : { protocol: entry as Protocol };
}

/** Validates a configuration, naming the first problem. */
export function validateConfig(config: SimulationConfig): void {
  if (typeof config !== 'object' || config === null)
    throw new InputError('the scenario built no configuration object');
  if (typeof config.nodes !== 'object' || config.nodes === null || Object.keys(config.nodes).length === 0) {
    throw new InputError('nodes: a system needs at least one node');
  }
  const names = new Set<string>();
  for (const [name, entry] of Object.entries(config.nodes)) {
    try {
      nodeId(name);
    } catch (error) {
      throw new InputError(`nodes: ${(error as Error).message.replace('nodeId: ', '')}`);
    }
    const spec = toSpec(entry);
    const protocol = spec.protocol as Partial<Protocol> | undefined;
    if (
      typeof protocol !== 'object' ||
      protocol === null ||
      typeof protocol.init !== 'function' ||
      typeof protocol.name !== 'string'
    ) {
      throw new InputError(`nodes.${name}: not a protocol (needs a name and an init function)`);
    }
    if (spec.byzantine !== undefined && typeof spec.byzantine !== 'function') {
      throw new InputError(`nodes.${name}.byzantine must be a behaviour factory, such as byzantine.silent`);
    }
    if (spec.clock?.drift !== undefined && !(spec.clock.drift > -1)) {
      throw new InputError(`nodes.${name}.clock.drift must be above -1`);
    }
    names.add(name);
  }
  if (!(Number.isFinite(config.durationMs) && config.durationMs >= 0)) {
    throw new InputError(`durationMs must be a finite number of ms >= 0, got ${String(config.durationMs)}`);
  }
  if (config.liveness && !(Number.isFinite(config.liveness.withinMs) && config.liveness.withinMs >= 0)) {
    throw new InputError(
      `liveness.withinMs must be a finite number of ms >= 0, got ${String(config.liveness.withinMs)}`,
    );
  }
  validateNetwork(config.network ?? {}, names);
  if (config.liveness?.network) validateNetwork(config.liveness.network, names);
  if (config.faults) validateSchedule(config.faults, names);
  for (const key of ['invariants', 'eventually', 'atEnd']) {
    // The lists of the old configuration: a scenario still using them would run unchecked.
    if (key in config) throw new InputError(`${key}: list every property under \`properties\` instead`);
  }
  (config.properties ?? []).forEach((property, index) => {
    if (
      typeof property?.holds !== 'function' ||
      typeof property.name !== 'string' ||
      !PROPERTY_KINDS.has(property.kind)
    ) {
      throw new InputError(
        `properties[${index}]: not a property (use always(name, fn), sometimes(name, fn) or eventually(name, fn))`,
      );
    }
  });
}

const PROPERTY_KINDS: ReadonlySet<unknown> = new Set<PropertyKind>(['always', 'sometimes', 'eventually']);

/** Runs one simulation. Never throws for protocol bugs: those are failures in the result. */
export function simulate(config: SimulationConfig, options: RunOptions): SimulationResult {
  validateConfig(config);
  const result = new Simulation(config, options).run();
  const failure = result.failure;
  if (failure?.kind === 'protocol-fault' && failure.fault === 'threw' && frozenWriteOf(failure.detail)) {
    // A handler changed a frozen object: run again, deterministically, noting each send's objects,
    // so the failure can name the send that froze it (frozen-sends.ts says why only then).
    return new Simulation(config, options, new SendSites()).run();
  }
  return result;
}

class Simulation implements StepEnvironment {
  private time = 0;
  private sequence = 0;
  private readonly queue = new EventQueue<QueuedEvent>();
  private readonly slots: NodeSlot[] = [];
  private readonly slotById = new Map<string, NodeSlot>();
  private readonly groups = new Map<string, NodeId[]>();
  private readonly streams: RandomStreams;
  private network: Network;
  private readonly faultRandom: RandomStream;
  /** Made on the first signature: most protocols never sign, and a run is often short. */
  private signingKey: Buffer | undefined;
  private readonly events: TraceEvent[] | undefined;
  private readonly history: ClientEvent[] = [];
  private readonly losses: number[] = [];
  private readonly lossKeys: string[] = [];
  private readonly lossOverrides: LossOverrides;
  private readonly stats: RunStats = {
    steps: 0,
    sends: 0,
    deliveries: 0,
    drops: 0,
    duplicates: 0,
    timersFired: 0,
    faults: 0,
  };
  private readonly schedule: TimedFault[];
  /** The nodes faults may hit: the nemesis' `targets`, else the `nodes` group. Partitions cut among them. */
  private readonly faultTargets: readonly string[];
  private readonly endMs: number;
  /** `always` properties judged after every step. */
  private readonly invariants: readonly Property[];
  /** `always` properties judged once, when the run ends. */
  private readonly atEnd: readonly Property[];
  private readonly pendingEventually: Property[];
  private failure: Failure | undefined;
  /** The node whose handler is running, if any: its reads need no lookup by id. */
  private running: NodeSlot | undefined;
  private messageCount = 0;
  /** Events recorded so far (`context.record`), across nodes: the view's list is rebuilt when it grows. */
  private recordedCount = 0;
  private operationCount = 0;
  private timerToken = 0;
  private partitionCount = 0;
  private inLiveness = false;
  /** Scripted runs only: messages sent and not yet delivered or dropped, and timers' data by token. */
  private scriptInFlight:
    | {
        from: NodeId;
        to: NodeId;
        message: unknown;
        messageNumber: number;
        key: string;
        past: CausalPast | undefined;
        /** The script's action whose step sent it (-1: a boot), and its place among that step's sends on the link. */
        action: number;
        nth: number;
      }[]
    | undefined;
  /** Scripted runs only: the action being carried out (-1: the boots), and its sends so far per link. */
  private scriptAction = -1;
  /** Handlers run so far (boots included): whether a scripted action was a step, as a seeded run counts them. */
  private handlersRun = 0;
  private scriptActionSends = new Map<string, number>();
  /**
   * Scripted runs only: every (sender, receiver, content) ever sent, which the network may
   * duplicate, and the number of its last send (a duplicate is a copy of that message).
   */
  private scriptSent: Map<string, number> | undefined;
  /** Scripted runs only: the sender's causal past at the last send of each `scriptSent` key. */
  private scriptSentPast: Map<string, CausalPast> | undefined;
  private scriptTimerData: Map<number, unknown> | undefined;
  /** Scripted runs only: each node's choices still to make. */
  private scriptChoices: Map<string, number[]> | undefined;
  /** Scripted runs only: a scripted choice the handler could not make (the script is not of this system). */
  private scriptChoiceProblem: string | undefined;
  private readonly view: SystemView;
  /** What `RunOptions.observe` is given. */
  private readonly moment: SimMoment = momentOf(this);

  constructor(
    private readonly config: SimulationConfig,
    private readonly options: RunOptions,
    /** Where each sent object was first sent, in a run that explains a write to a frozen object. */
    private readonly sendSites?: SendSites,
  ) {
    this.streams = new RandomStreams(options.seed);
    this.faultRandom = this.streams.stream('faults');
    const shrink = options.shrink;
    this.lossOverrides = shrink
      ? { sendKeys: new SendKeys(), ...(shrink.keptLosses ? { keptLosses: shrink.keptLosses } : {}) }
      : {};
    this.network = new Network(
      config.network ?? {},
      this.streams.stream('network'),
      shrink?.forcedDeliveries,
      this.lossOverrides,
    );
    this.events = options.trace ? [] : undefined;
    const liveness = config.liveness?.withinMs ?? 0;
    this.endMs = Math.min(options.shrink?.endMs ?? Infinity, config.durationMs + liveness);
    const properties = config.properties ?? [];
    this.invariants = properties.filter((property) => property.kind === 'always' && !property.judgedAtEnd);
    this.atEnd = properties.filter((property) => property.kind === 'always' && property.judgedAtEnd === true);
    this.pendingEventually = properties.filter((property) => property.kind === 'eventually');

    const entries = Object.entries(config.nodes);
    for (const [name, entry] of entries) {
      const group = toSpec(entry).group ?? 'nodes';
      const members = this.groups.get(group) ?? [];
      members.push(name as NodeId);
      this.groups.set(group, members);
    }
    entries.forEach(([name, entry], index) => {
      const spec = toSpec(entry);
      const id = name as NodeId;
      const group = spec.group ?? 'nodes';
      const members = this.groups.get(group) ?? [];
      // What every delivery reads comes first: fields are laid out in this order, and with many
      // nodes a slot is rarely in the cache when a message arrives, so fewer cache lines are missed.
      const slot: NodeSlot = {
        status: 'down',
        paused: false,
        context: undefined,
        byzantine: spec.byzantine?.(),
        id,
        lastTargetId: undefined,
        lastTarget: undefined,
        random: this.streams.stream(`node:${name}`),
        index,
        protocol: spec.protocol as Protocol<unknown, unknown>,
        group,
        members,
        peers: members.filter((member) => member !== id),
        pausedEvents: [],
        durable: new Map(),
        timers: new Map(),
        clockAnchorMs: 0,
        clockSkewMs: spec.clock?.skewMs ?? 0,
        clockDrift: spec.clock?.drift ?? 0,
        timerRandom: this.streams.stream(`timers:${name}`),
        byzantineRandom: spec.byzantine ? this.streams.stream(`byzantine:${name}`) : undefined,
        past: undefined,
        records: undefined,
      };
      this.slots.push(slot);
      this.slotById.set(name, slot);
    });

    const faults = config.faults ?? [];
    const nemesis = Array.isArray(faults) ? undefined : (faults as RandomNemesis);
    // A random nemesis hits only its `targets`; otherwise faults hit the `nodes` group.
    this.faultTargets = nemesis?.targets ?? this.groups.get('nodes') ?? this.slots.map((slot) => slot.id);
    const expanded = nemesis
      ? expandNemesis(nemesis, this.faultTargets, config.durationMs, this.faultRandom)
      : [...(faults as readonly TimedFault[])];
    this.schedule = expanded.sort((a, b) => a.atMs - b.atMs);
    this.view = this.makeView();
  }

  // --- StepEnvironment: the reads a handler may make. ---

  now(node: NodeId): number {
    return this.localTime(this.slotOf(node));
  }

  random(node: NodeId): number {
    return this.slotOf(node).random.next();
  }

  /** A choice is drawn from the node's stream (as `randomInt` always was), or replayed from a script. */
  choose(node: NodeId, options: number): number {
    const slot = this.slotOf(node);
    const scripted = this.scriptChoices?.get(slot.id);
    // A choice takes one draw of the stream even when scripted: what the node draws after its
    // scripted choices is then what it drew in the run that made them.
    const drawn = Math.floor(slot.random.next() * options);
    let index = drawn;
    if (scripted !== undefined && scripted.length > 0) {
      index = scripted.shift() as number;
      if (!(Number.isInteger(index) && index >= 0 && index < options)) {
        // A shrunk schedule's step may face another choice than it made: it draws this one.
        if (!this.options.lenientScript) {
          // Not thrown here: the handler would take it for its own failure. `runScript` throws it.
          this.scriptChoiceProblem ??= `${slot.id} chose option ${index} of a choice that has ${options} options`;
        }
        index = drawn;
      }
    }
    this.record({ t: this.time, type: 'choose', node: slot.id, index, of: options });
    return index;
  }

  /** The slot of `node`; a handler reads only for its own node, so the running one is checked first. */
  private slotOf(node: NodeId): NodeSlot {
    const running = this.running;
    return running !== undefined && running.id === node ? running : (this.slotById.get(node) as NodeSlot);
  }

  sign(signer: NodeId, value: unknown): Signature {
    // Drawn from its own stream, the key is the same whenever it is made.
    this.signingKey ??= Buffer.from(
      Array.from({ length: 32 }, () => this.streams.stream('signing').int(0, 255)),
    );
    const mac = createHmac('sha256', this.signingKey)
      .update(signer)
      .update('\u0000')
      .update(plainToJson(value));
    return `${signer}:${mac.digest('base64url').slice(0, 22)}` as Signature;
  }

  verify(signer: NodeId, value: unknown, signature: Signature): boolean {
    return typeof signature === 'string' && signature === this.sign(signer, value);
  }

  isKnownNode(node: NodeId): boolean {
    const running = this.running;
    return (running === undefined ? this.slotById.get(node) : this.targetOf(running, node)) !== undefined;
  }

  /** The slot of `to`, for a message from `sender`. */
  private targetOf(sender: NodeSlot, to: NodeId): NodeSlot | undefined {
    if (sender.lastTargetId === to) return sender.lastTarget;
    const target = this.slotById.get(to);
    if (target !== undefined) {
      sender.lastTargetId = to;
      sender.lastTarget = target;
    }
    return target;
  }

  nextOperation(): number {
    return ++this.operationCount;
  }

  // --- The run. ---

  run(): SimulationResult {
    const removed = this.options.shrink?.removedFaults;
    // Boots first: a fault at time 0 then hits a running node (a crash at 0 must not be ignored).
    for (const slot of this.slots) this.schedule_({ kind: 'boot', time: 0, sequence: 0, node: slot.id });
    this.schedule.forEach((entry, index) => {
      if (!removed?.has(index))
        this.schedule_({ kind: 'fault', time: entry.atMs, sequence: 0, fault: entry.fault, index });
    });
    if (this.config.liveness) this.schedule_({ kind: 'liveness', time: this.config.durationMs, sequence: 0 });
    this.record({ t: 0, type: 'phase', phase: 'safety' });

    const restoreGlobals = installGlobalGuard();
    try {
      if (this.options.script) this.runScript(this.options.script);
      else this.loop();
    } finally {
      restoreGlobals();
    }
    for (const property of this.atEnd) {
      if (this.failure) break;
      const verdict = this.evaluate(property);
      if (verdict !== true) {
        this.fail({
          kind: 'at-end',
          property: property.name,
          detail: typeof verdict === 'string' ? verdict : 'does not hold',
          timeMs: this.time,
        });
      }
    }
    if (!this.failure && this.pendingEventually.length > 0) {
      const property = this.pendingEventually[0] as Property;
      this.fail({
        kind: 'eventually',
        property: property.name,
        detail: `did not hold by ${this.time} ms`,
        timeMs: this.time,
      });
    }
    return {
      seed: this.options.seed,
      ok: this.failure === undefined,
      ...(this.failure ? { failure: this.failure } : {}),
      endMs: this.time,
      stats: this.stats,
      history: this.history,
      schedule: this.schedule,
      losses: this.losses,
      ...(this.options.shrink ? { lossKeys: this.lossKeys } : {}),
      ...(this.events ? { trace: { header: this.header(), events: this.events } } : {}),
    };
  }

  /**
   * Runs a scripted adversary: every node boots at time 0, then action i happens at time i.
   * An action that is impossible in the simulator's state (a message never sent, a timer that
   * is not pending, an unknown node) throws a {@link ScriptStepError}: the script then does
   * not describe this system, and no verdict on it would be true.
   */
  private runScript(script: readonly ScriptedAction[]): void {
    this.scriptInFlight = [];
    this.scriptSent = new Map();
    this.scriptTimerData = new Map();
    this.scriptChoices = new Map(
      Object.entries(this.options.scriptChoices ?? {}).map(([node, choices]) => [node, [...choices]]),
    );
    for (const slot of this.slots) {
      this.start(slot, 'onBoot');
      if (this.scriptChoiceProblem !== undefined) throw new ScriptStepError(0, this.scriptChoiceProblem);
      if (this.failure || this.checkProperties()) return;
    }
    this.options.observe?.(this.moment);
    let done = 0;
    script.forEach((action, index) => {
      if (this.failure) return;
      this.time = action.atMs ?? done + 1;
      this.scriptAction = index;
      this.scriptActionSends.clear();
      const handlersBefore = this.handlersRun;
      const impossible = this.scriptStepWithChoices(action) ?? this.scriptChoiceProblem;
      if (impossible !== undefined) {
        // In a strict replay, a scripted choice that does not fit is never skipped: the schedule
        // is not of this system (a lenient one draws instead, see `choose`).
        if (this.options.lenientScript && this.scriptChoiceProblem === undefined) return;
        throw new ScriptStepError(index + 1, impossible);
      }
      done++;
      // Time passing is no step: nothing changed to judge (a seeded run judges after steps).
      if (action.type === 'wait') return;
      // Nor is a simulator run's fault, or a delivery dropped into a partition: a seeded run
      // judges after a handler ran, so its replay (timed actions) does too, and records its
      // violations where the run did. A checker judges after each of its steps: so does the
      // replay of its counterexample.
      if (action.atMs !== undefined && this.handlersRun === handlersBefore) {
        this.options.observe?.(this.moment);
        return;
      }
      // A loss runs no handler: it is the network's decision, not a step (as in a seeded run).
      if (action.type !== 'drop') this.stats.steps++;
      this.checkProperties();
      this.options.observe?.(this.moment);
    });
  }

  /** Carries out one scripted action with its own choices, if it has them (`ScriptedAction.choices`). */
  private scriptStepWithChoices(action: ScriptedAction): string | undefined {
    const choices = this.scriptChoices;
    const node = actingNode(action);
    if (action.choices === undefined || choices === undefined || node === undefined)
      return this.scriptStep(action);
    const listed = choices.get(node);
    choices.set(node, [...action.choices]);
    try {
      return this.scriptStep(action);
    } finally {
      // The node's own list is back for its other steps; what this step left of its choices goes.
      if (listed === undefined) choices.delete(node);
      else choices.set(node, listed);
    }
  }

  /** Carries out one scripted action; returns why it is impossible, if it is. */
  private scriptStep(action: ScriptedAction): string | undefined {
    const inFlight = this.scriptInFlight ?? [];
    switch (action.type) {
      case 'deliver':
      case 'drop': {
        const key = plainToJson(action.message);
        const alike = (entry: (typeof inFlight)[number]): boolean =>
          entry.from === action.from && entry.to === action.to && entry.key === key;
        const meant = action.msg === undefined ? -1 : Number(action.msg.slice(1));
        let index = inFlight.findIndex((entry) => entry.messageNumber === meant && alike(entry));
        if (index < 0) index = inFlight.findIndex(alike);
        if (this.options.lenientScript) {
          // Shrinking left out something that changed this message's content (a counter, a
          // term, a value): the message of the same kind that the same step sent on the link
          // stands in for it, else the oldest of that kind on the link.
          const kind = messageKind(action.message);
          const sentBy = action.sentBy;
          const sameKind = (entry: (typeof inFlight)[number]): boolean =>
            entry.from === action.from && entry.to === action.to && messageKind(entry.message) === kind;
          const bySender =
            sentBy === undefined
              ? -1
              : inFlight.findIndex(
                  (entry) => entry.action === sentBy.action && entry.nth === sentBy.nth && sameKind(entry),
                );
          if (bySender >= 0) index = bySender;
          else if (index < 0) index = inFlight.findIndex(sameKind);
        }
        // A message delivered again after its last copy left is a duplicate made by the network.
        const entry = index >= 0 ? inFlight.splice(index, 1)[0] : undefined;
        const slot = this.slotById.get(action.to);
        if (slot === undefined || !this.slotById.has(action.from))
          return `${slot === undefined ? action.to : action.from} is not a node of this system`;
        if (entry === undefined && action.type === 'drop')
          return `no copy of ${key} from ${action.from} to ${action.to} to drop`;
        const lastSent = this.scriptSent?.get(scriptSendKey(action.from, action.to, key));
        if (entry === undefined && lastSent === undefined)
          return `${action.from} never sent ${key} to ${action.to}`;
        // A duplicate keeps its message's name, as in a seeded run: its trace names a sent message.
        const messageNumber = entry?.messageNumber ?? lastSent;
        const msg = `m${messageNumber}`;
        // As in a seeded run, a delivery to a node that is down, or across a partition, is dropped.
        const blocked = this.network.blocked(action.from as NodeId, action.to as NodeId);
        if (action.type === 'drop' || slot.status !== 'up' || blocked) {
          this.stats.drops++;
          this.record({
            t: this.time,
            type: 'drop',
            node: action.to,
            from: action.from,
            msg,
            reason: action.type === 'drop' ? 'loss' : slot.status !== 'up' ? 'down' : 'partition',
          });
          return undefined;
        }
        this.stats.deliveries++;
        this.record({ t: this.time, type: 'deliver', node: slot.id, from: action.from, msg });
        const message = entry?.message ?? action.message;
        // As in a seeded run: a Byzantine node sees what arrives (its random stream follows).
        if (slot.byzantine?.observe)
          slot.byzantine.observe(action.from as NodeId, message, this.byzantineTools(slot));
        const past =
          entry === undefined
            ? this.scriptSentPast?.get(scriptSendKey(action.from, action.to, key))
            : entry.past;
        this.stepMessage(slot, action.from as NodeId, message, past);
        return undefined;
      }
      case 'timer': {
        const slot = this.slotById.get(action.node);
        if (slot === undefined) return `${action.node} is not a node of this system`;
        const token = slot.timers.get(action.name);
        if (slot.status !== 'up' || token === undefined) {
          return `timer '${action.name}' is not pending at ${action.node}`;
        }
        slot.timers.delete(action.name);
        this.stats.timersFired++;
        this.record({ t: this.time, type: 'timer-fire', node: slot.id, name: action.name });
        this.step(slot, {
          handler: 'onTimer',
          timer: { name: action.name, data: this.scriptTimerData?.get(token) ?? null },
        });
        return undefined;
      }
      case 'crash': {
        const slot = this.slotById.get(action.node);
        if (slot === undefined) return `${action.node} is not a node of this system`;
        if (slot.status !== 'up') return `${action.node} is not up to crash`;
        slot.status = action.forGood === true ? 'crashed' : 'down';
        this.stats.faults++;
        slot.context = undefined;
        slot.timers.clear();
        slot.paused = false;
        const recoverAt = action.recoverAt;
        this.record({
          t: this.time,
          type: 'crash',
          node: slot.id,
          ...(recoverAt === undefined ? {} : { recoverAt }),
        });
        return undefined;
      }
      case 'recover': {
        const slot = this.slotById.get(action.node);
        if (slot === undefined) return `${action.node} is not a node of this system`;
        if (slot.status !== 'down') return `${action.node} is not down to recover`;
        this.stats.faults++;
        this.start(slot, 'onRecover');
        return undefined;
      }
      case 'partition': {
        try {
          validatePartition(action.shape, new Set(this.faultTargets), 'partition');
        } catch (thrown) {
          return thrown instanceof Error ? thrown.message : String(thrown);
        }
        this.stats.faults++;
        this.partition(action.shape, `partition:script:${this.partitionCount}`);
        return undefined;
      }
      case 'heal':
        this.heal();
        return undefined;
      case 'pause':
      case 'resume': {
        const slot = this.slotById.get(action.node);
        if (slot === undefined) return `${action.node} is not a node of this system`;
        const pausing = action.type === 'pause';
        if (slot.status !== 'up' || slot.paused === pausing)
          return `${action.node} is not ${pausing ? 'up to pause' : 'paused to resume'}`;
        this.stats.faults += pausing ? 1 : 0;
        slot.paused = pausing;
        this.record({ t: this.time, type: action.type, node: slot.id });
        return undefined;
      }
      case 'clog': {
        if (!this.slotById.has(action.from) || !this.slotById.has(action.to))
          return `${this.slotById.has(action.from) ? action.to : action.from} is not a node of this system`;
        this.stats.faults++;
        this.clog(action.from as NodeId, action.to as NodeId, action.untilMs);
        return undefined;
      }
      case 'clock': {
        const slot = this.slotById.get(action.node);
        if (slot === undefined) return `${action.node} is not a node of this system`;
        this.stats.faults++;
        this.setClock(slot, action.skewMs, action.drift);
        return undefined;
      }
      case 'liveness':
        this.beginLivenessPhase();
        return undefined;
      case 'wait':
        return undefined;
    }
  }

  private loop(): void {
    const stepsMax = this.config.stepsMax ?? 20_000_000;
    const stopWhen = this.config.stopWhen;
    let instantTime = -1;
    let eventsAtInstant = 0;
    const queue = this.queue;
    for (;;) {
      const time = queue.peekTime();
      if (time > this.endMs) {
        // Past the end, the run stops at the end; with nothing left to do, it stops where it is.
        if (time !== Infinity) this.time = this.endMs;
        return;
      }
      const next = queue.pop() as QueuedEvent;
      this.time = time;
      if (time === instantTime) {
        if (++eventsAtInstant > EVENTS_AT_ONE_INSTANT_MAX) {
          this.fail({
            kind: 'livelock',
            detail:
              `more than ${EVENTS_AT_ONE_INSTANT_MAX} events at virtual time ${time} ms: time never advances ` +
              '(zero-delay timers or messages in a loop?)',
            timeMs: time,
          });
          return;
        }
      } else {
        instantTime = time;
        eventsAtInstant = 0;
      }
      const stepped = this.handle(next);
      this.options.observe?.(this.moment);
      if (this.failure) return;
      if (stepped) {
        if (++this.stats.steps > stepsMax) {
          this.fail({
            kind: 'livelock',
            detail: `more than ${stepsMax} steps (stepsMax)`,
            timeMs: this.time,
          });
          return;
        }
        if (this.checkProperties()) return;
        if (stopWhen?.(this.view)) return;
      }
    }
  }

  /** Carries out one queued event; returns whether a handler ran. */
  private handle(event: QueuedEvent): boolean {
    switch (event.kind) {
      case 'deliver': {
        const slot = (event.target ?? this.slotById.get(event.to)) as NodeSlot;
        if (slot.status !== 'up' || this.network.blocked(event.from, event.to)) {
          this.stats.drops++;
          this.record({
            t: this.time,
            type: 'drop',
            node: event.to,
            from: event.from,
            msg: `m${event.messageNumber}`,
            reason: slot.status !== 'up' ? 'down' : 'partition',
          });
          return false;
        }
        if (slot.paused) {
          slot.pausedEvents.push(event);
          return false;
        }
        this.stats.deliveries++;
        if (this.events) {
          const msg = `m${event.messageNumber}`;
          this.record({ t: this.time, type: 'deliver', node: event.to, from: event.from, msg });
        }
        if (slot.byzantine?.observe)
          slot.byzantine.observe(event.from, event.message, this.byzantineTools(slot));
        this.stepMessage(slot, event.from, event.message, event.past);
        return true;
      }
      case 'timer': {
        const slot = this.slotById.get(event.node) as NodeSlot;
        if (slot.status !== 'up' || slot.timers.get(event.name) !== event.token) return false;
        if (slot.paused) {
          slot.pausedEvents.push(event);
          return false;
        }
        slot.timers.delete(event.name);
        this.stats.timersFired++;
        this.record({ t: this.time, type: 'timer-fire', node: slot.id, name: event.name });
        const timer: FiredTimer = { name: event.name, data: event.data };
        this.step(slot, { handler: 'onTimer', timer });
        return true;
      }
      case 'boot': {
        const slot = this.slotById.get(event.node) as NodeSlot;
        if (slot.status === 'crashed') return false;
        this.start(slot, 'onBoot');
        return true;
      }
      case 'recover': {
        const slot = this.slotById.get(event.node) as NodeSlot;
        if (slot.status !== 'down') return false;
        this.start(slot, 'onRecover');
        return true;
      }
      case 'resume': {
        const slot = this.slotById.get(event.node) as NodeSlot;
        if (!slot.paused) return false;
        slot.paused = false;
        this.record({ t: this.time, type: 'resume', node: slot.id });
        // What waited during the pause happens now, in its original order.
        for (const waiting of slot.pausedEvents.splice(0)) {
          this.schedule_({ ...waiting, time: this.time, sequence: 0 });
        }
        return false;
      }
      case 'heal':
        if (event.partition === this.partitionCount) this.heal();
        return false;
      case 'fault':
        this.stats.faults++;
        this.applyFault(event.fault, event.index);
        return false;
      case 'liveness':
        this.startLiveness();
        return false;
    }
  }

  private start(slot: NodeSlot, handler: 'onBoot' | 'onRecover'): void {
    slot.status = 'up';
    slot.paused = false;
    slot.context = new StepContext(slot.id, slot.members, slot.peers, slot.protocol, slot.durable, this, {
      checkState: this.config.checkState ?? true,
    });
    this.record({ t: this.time, type: handler === 'onBoot' ? 'boot' : 'recover', node: slot.id });
    const useRecover = handler === 'onRecover' && slot.protocol.onRecover !== undefined;
    this.step(slot, { handler: useRecover ? 'onRecover' : 'onBoot' });
  }

  private step(slot: NodeSlot, trigger: StepTrigger): void {
    this.beginStep(slot, trigger.handler);
    const input = trigger.handler === 'onTimer' ? trigger.timer.data : undefined;
    this.endStep(slot, (slot.context as StepContext).run(trigger), input);
  }

  /** {@link step} for a message, without building a trigger (the hot path). */
  private stepMessage(slot: NodeSlot, from: NodeId, message: unknown, past: CausalPast | undefined): void {
    // The receive is the step's first event: what the sender knew, the receiver now knows.
    if (past !== undefined) slot.past = mergePast(slot.past, past);
    this.beginStep(slot, 'onMessage');
    this.endStep(slot, (slot.context as StepContext).runMessage(from, message), message);
  }

  private beginStep(slot: NodeSlot, handler: HandlerName): void {
    const watch = this.options.watch;
    if (watch) {
      watch[0] = slot.index + 1;
      watch[1] = HANDLER_CODES[handler];
      watch[2] = (watch[2] as number) + 1;
    }
    this.running = slot;
    this.handlersRun++;
  }

  /** Carries out what the step asked for, or records its fault. `input`: the message or timer data. */
  private endStep(slot: NodeSlot, fault: ProtocolFault | undefined, input?: unknown): void {
    const context = slot.context as StepContext;
    this.running = undefined;
    const watch = this.options.watch;
    if (watch) watch[0] = 0;
    if (fault) {
      const stack = protocolFrames(fault.cause ?? fault);
      const explanation = this.explainFault(slot, fault, input);
      const detail = explanation === undefined ? fault.detail : `${fault.detail}: ${explanation}`;
      this.record({
        t: this.time,
        type: 'fault',
        node: slot.id,
        handler: fault.handler,
        kind: fault.kind,
        detail,
        ...(stack ? { stack } : {}),
      });
      this.fail({
        kind: 'protocol-fault',
        node: slot.id,
        handler: fault.handler,
        fault: fault.kind,
        detail,
        timeMs: this.time,
        ...(stack ? { stack } : {}),
      });
      return;
    }
    // Persist before send: durable writes land before any message leaves.
    if (context.persisted) for (const [key, value] of context.persisted) slot.durable.set(key, value);
    const effects = slot.byzantine
      ? slot.byzantine.transform(context.effects, this.byzantineTools(slot))
      : context.effects;
    for (const effect of effects) this.apply(slot, effect);
  }

  /** In a run that notes sends: which send froze the object a failed handler tried to change. */
  private explainFault(slot: NodeSlot, fault: ProtocolFault, input: unknown): string | undefined {
    const sendSites = this.sendSites;
    if (sendSites === undefined) return undefined;
    const context = slot.context as StepContext;
    // The failed step's own sends froze their messages too, though they never leave.
    const site = { node: slot.id, handler: fault.handler, timeMs: this.time };
    for (const effect of context.discardedEffects) {
      if (effect.kind === 'send') sendSites.record(effect.message, site);
    }
    return sendSites.explain(fault.detail, [context.state, input]);
  }

  private apply(slot: NodeSlot, effect: Effect): void {
    switch (effect.kind) {
      case 'send':
        this.send(slot, effect.to, effect.message);
        return;
      case 'record': {
        const records = (slot.records ??= []);
        const record = stampRecord(slot.id, records.length, slot.past, effect.label, effect.data);
        records.push(record);
        slot.past = record.past;
        this.recordedCount++;
        return;
      }
      case 'timer-set': {
        const token = ++this.timerToken;
        slot.timers.set(effect.name, token);
        const localDelay =
          effect.min === effect.max
            ? effect.min
            : effect.min + slot.timerRandom.next() * (effect.max - effect.min);
        const due = this.time + Math.round((localDelay / (1 + slot.clockDrift)) * 1000) / 1000;
        this.record({ t: this.time, type: 'timer-set', node: slot.id, name: effect.name, due });
        this.schedule_({
          kind: 'timer',
          time: due,
          sequence: 0,
          node: slot.id,
          name: effect.name,
          token,
          data: effect.data,
        });
        this.scriptTimerData?.set(token, effect.data);
        return;
      }
      case 'timer-cancel':
        if (slot.timers.delete(effect.name)) {
          this.record({ t: this.time, type: 'timer-cancel', node: slot.id, name: effect.name });
        }
        return;
      case 'log':
        this.record({ t: this.time, type: 'log', node: slot.id, text: effect.text });
        return;
      case 'client': {
        const f = effect.type === 'invoke' ? effect.f : this.operationName(effect.operation);
        const entry: ClientEvent = {
          time: this.time,
          process: slot.id,
          type: effect.type,
          operation: effect.operation,
          f,
          value: effect.value,
        };
        this.history.push(entry);
        this.record({
          t: this.time,
          type: effect.type,
          node: slot.id,
          op: effect.operation,
          f,
          value: this.events ? encodePlain(effect.value) : null,
        });
        return;
      }
    }
  }

  private operationName(operation: number): string {
    for (let index = this.history.length - 1; index >= 0; index--) {
      const entry = this.history[index] as ClientEvent;
      if (entry.operation === operation && entry.type === 'invoke') return entry.f;
    }
    return '?';
  }

  private send(sender: NodeSlot, to: NodeId, message: unknown): void {
    const from = sender.id;
    const past = sender.past;
    const target = this.targetOf(sender, to);
    const messageNumber = ++this.messageCount;
    this.stats.sends++;
    if (this.sendSites) {
      const handler = sender.context?.currentHandler ?? 'onMessage';
      this.sendSites.record(message, { node: from, handler, timeMs: this.time });
    }
    if (this.events) {
      const body = encodePlain(message);
      this.record({ t: this.time, type: 'send', node: from, to, msg: `m${messageNumber}`, body });
    }
    // A partition drops what is sent across it, scripted or not (as the seeded network does).
    if (this.scriptInFlight && this.network.blocked(from, to)) {
      this.stats.drops++;
      this.record({
        t: this.time,
        type: 'drop',
        node: to,
        from,
        msg: `m${messageNumber}`,
        reason: 'partition',
      });
      return;
    }
    if (this.scriptInFlight) {
      const key = plainToJson(message);
      const link = `${from}\u0000${to}`;
      const nth = this.scriptActionSends.get(link) ?? 0;
      this.scriptActionSends.set(link, nth + 1);
      // What the run being replayed had the network do to this message as it was sent.
      const fate = this.options.scriptSendFates?.[`m${messageNumber}`];
      if (fate === 'loss') {
        this.stats.drops++;
        this.record({ t: this.time, type: 'drop', node: to, from, msg: `m${messageNumber}`, reason: 'loss' });
        return;
      }
      const entry = { from, to, message, messageNumber, key, past, action: this.scriptAction, nth };
      this.scriptInFlight.push(entry);
      if (fate === 'duplicate') {
        this.stats.duplicates++;
        this.record({ t: this.time, type: 'duplicate', node: from, to, msg: `m${messageNumber}` });
        this.scriptInFlight.push({ ...entry });
      }
      this.scriptSent?.set(scriptSendKey(from, to, key), messageNumber);
      if (past !== undefined) (this.scriptSentPast ??= new Map()).set(scriptSendKey(from, to, key), past);
      return;
    }
    const network = this.network;
    const copies = network.decide(from, to, message, this.time);
    if (copies === 0) {
      this.stats.drops++;
      if (network.dropReason === 'loss') {
        this.losses.push(network.decidedIndex);
        if (network.decidedKey !== undefined) this.lossKeys.push(network.decidedKey);
      }
      const reason = network.dropReason;
      this.record({ t: this.time, type: 'drop', node: to, from, msg: `m${messageNumber}`, reason });
      return;
    }
    if (copies === 2) {
      this.stats.duplicates++;
      this.record({ t: this.time, type: 'duplicate', node: from, to, msg: `m${messageNumber}` });
      const second = network.arrivalSecond;
      this.deliverAt(network.arrivalFirst, from, to, target, message, messageNumber, past);
      this.deliverAt(second, from, to, target, message, messageNumber, past);
      return;
    }
    this.deliverAt(network.arrivalFirst, from, to, target, message, messageNumber, past);
  }

  private deliverAt(
    time: number,
    from: NodeId,
    to: NodeId,
    target: NodeSlot | undefined,
    message: unknown,
    messageNumber: number,
    past: CausalPast | undefined,
  ): void {
    this.schedule_({ kind: 'deliver', time, sequence: 0, from, to, target, message, messageNumber, past });
  }

  private schedule_(event: QueuedEvent): void {
    event.sequence = ++this.sequence;
    this.queue.push(event);
  }

  // --- Faults. ---

  /** Applies fault `index` of the schedule. */
  private applyFault(fault: Fault, index: number): void {
    if (this.inLiveness) return;
    switch (fault.kind) {
      case 'crash':
      case 'crash-recover': {
        const slot = this.slotById.get(fault.node) as NodeSlot;
        if (slot.status !== 'up') return;
        slot.status = fault.kind === 'crash' ? 'crashed' : 'down';
        slot.context = undefined;
        slot.timers.clear();
        // The pending resume of a pause would otherwise end a later pause of the recovered node early.
        if (slot.paused)
          this.queue.filter((queued) => !(queued.kind === 'resume' && queued.node === slot.id));
        slot.paused = false;
        slot.pausedEvents.length = 0;
        const recoverAt = fault.kind === 'crash-recover' ? this.time + fault.downMs : undefined;
        this.record({
          t: this.time,
          type: 'crash',
          node: slot.id,
          ...(recoverAt === undefined ? {} : { recoverAt }),
        });
        if (recoverAt !== undefined)
          this.schedule_({ kind: 'recover', time: recoverAt, sequence: 0, node: slot.id });
        return;
      }
      case 'pause': {
        const slot = this.slotById.get(fault.node) as NodeSlot;
        if (slot.status !== 'up' || slot.paused) return;
        slot.paused = true;
        this.record({ t: this.time, type: 'pause', node: slot.id });
        this.schedule_({ kind: 'resume', time: this.time + fault.forMs, sequence: 0, node: slot.id });
        return;
      }
      case 'partition': {
        // Each partition draws its shape from its own stream: leaving an earlier fault
        // out (shrinking) must not change which nodes a later partition cuts off.
        const partition = this.partition(fault.shape, `partition:${index}`);
        if (fault.forMs !== undefined)
          this.schedule_({ kind: 'heal', time: this.time + fault.forMs, sequence: 0, partition });
        return;
      }
      case 'heal':
        this.heal();
        return;
      case 'clog':
        this.clog(fault.from as NodeId, fault.to as NodeId, this.time + fault.forMs);
        return;
      case 'clock':
        this.setClock(this.slotById.get(fault.node) as NodeSlot, fault.skewMs, fault.drift);
        return;
    }
  }

  /** Holds the link's traffic until `until` (the seeded network delays arrivals to then). */
  private clog(from: NodeId, to: NodeId, until: number): void {
    this.network.clog(from, to, until);
    this.record({ t: this.time, type: 'clog', from, to, until });
  }

  /** Sets the node's clock from now: its offset and its rate error. */
  private setClock(slot: NodeSlot, skewMs: number, drift: number): void {
    slot.clockAnchorMs = this.time;
    slot.clockSkewMs = skewMs;
    slot.clockDrift = drift;
    this.record({ t: this.time, type: 'clock', node: slot.id, skewMs, drift });
  }

  /** Installs a partition of the fault targets, its shape drawn from stream `streamName`; returns its number. */
  private partition(shape: PartitionShape, streamName: string): number {
    const { name, grudge } = buildGrudge(shape, this.faultTargets, this.streams.stream(streamName));
    this.network.setGrudge(grudge);
    this.record({ t: this.time, type: 'partition', name, grudge: grudgeToRecord(grudge) });
    return ++this.partitionCount;
  }

  private heal(): void {
    this.network.setGrudge(undefined);
    this.partitionCount++;
    this.record({ t: this.time, type: 'heal' });
  }

  /** Faults end: partitions heal, paused nodes resume, crashed-to-recover nodes restart. */
  private startLiveness(): void {
    this.beginLivenessPhase();
    if (this.config.liveness?.network) {
      // Shrink directives, send numbering and FIFO order carry over into the new network.
      const previous = this.network;
      this.network = new Network(
        this.config.liveness.network,
        this.streams.stream('network-liveness'),
        this.options.shrink?.forcedDeliveries,
        { ...this.lossOverrides, firstSendIndex: previous.sendCount },
      );
      this.network.continueOrderOf(previous);
    }
    for (const slot of this.slots) {
      if (slot.paused) this.schedule_({ kind: 'resume', time: this.time, sequence: 0, node: slot.id });
      if (slot.status === 'down')
        this.schedule_({ kind: 'recover', time: this.time, sequence: 0, node: slot.id });
    }
  }

  /** What every run does as the liveness phase begins (a scripted one too): faults heal. */
  private beginLivenessPhase(): void {
    this.inLiveness = true;
    this.record({ t: this.time, type: 'phase', phase: 'liveness' });
    this.heal();
    this.network.clearClogs();
  }

  // --- Properties. ---

  /** Checks invariants and pending `eventually` properties; returns whether the run must stop. */
  private checkProperties(): boolean {
    for (const property of this.invariants) {
      const verdict = this.evaluate(property);
      if (verdict !== true) {
        this.fail({
          kind: 'invariant',
          property: property.name,
          detail: typeof verdict === 'string' ? verdict : 'does not hold',
          timeMs: this.time,
        });
        return true;
      }
    }
    const pending = this.pendingEventually;
    for (let index = pending.length - 1; index >= 0; index--) {
      if (this.evaluate(pending[index] as Property) === true) pending.splice(index, 1);
    }
    return this.failure !== undefined;
  }

  private evaluate(property: Property): boolean | string {
    try {
      return property.holds(this.view);
    } catch (thrown) {
      return `the property itself threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    }
  }

  private fail(failure: Failure): void {
    if (this.failure) return;
    this.failure = failure;
    if (failure.kind !== 'protocol-fault') {
      this.record({
        t: this.time,
        type: 'violation',
        property: 'property' in failure ? failure.property : failure.kind,
        detail: failure.detail,
      });
    }
  }

  // --- Helpers. ---

  private localTime(slot: NodeSlot): number {
    return slot.clockSkewMs + slot.clockAnchorMs + (this.time - slot.clockAnchorMs) * (1 + slot.clockDrift);
  }

  private byzantineTools(slot: NodeSlot): ByzantineTools {
    return {
      id: slot.id,
      peers: slot.peers,
      nodes: slot.members,
      random: slot.byzantineRandom as RandomStream,
      now: this.time,
      sign: (value) => this.sign(slot.id, value),
    };
  }

  /** How many trace events the run has recorded so far. */
  get eventCount(): number {
    return this.events?.length ?? 0;
  }

  /** The whole system now (see {@link SimSnapshot}). */
  snapshot(): SimSnapshot {
    const inFlight: { msg: string; from: string; to: string; message: unknown }[] = [];
    if (this.scriptInFlight) {
      for (const entry of this.scriptInFlight) {
        inFlight.push({
          msg: `m${entry.messageNumber}`,
          from: entry.from,
          to: entry.to,
          message: entry.message,
        });
      }
    } else {
      for (const event of this.deliveriesPending()) {
        inFlight.push({
          msg: `m${event.messageNumber}`,
          from: event.from,
          to: event.to,
          message: event.message,
        });
      }
    }
    const properties = this.config.properties ?? [];
    const grudge = this.network.currentGrudge;
    const partition = grudge === undefined ? undefined : grudgeToRecord(grudge);
    return {
      timeMs: this.time,
      nodes: this.slots.map((slot) => ({
        id: slot.id,
        status: slot.status,
        paused: slot.paused,
        ...(slot.clockSkewMs === 0 && slot.clockDrift === 0
          ? {}
          : { clock: { skewMs: slot.clockSkewMs, drift: slot.clockDrift } }),
        state: slot.status === 'up' ? encodePlain(slot.context?.state ?? null) : null,
        durable: Object.fromEntries([...slot.durable].map(([key, value]) => [key, encodePlain(value)])),
        timers: [...slot.timers.keys()].sort(),
      })),
      inFlight: inFlight.map((entry) => ({ ...entry, message: encodePlain(entry.message) })),
      history: this.history.map((event) => ({ ...event, value: encodePlain(event.value) })),
      partition: partition === undefined || Object.keys(partition).length === 0 ? null : partition,
      properties: properties.map((property) => ({
        name: property.name,
        kind: property.kind,
        // Outside the guard: the simulator judges history properties after the run, where their
        // checkers may read the clock for a time budget.
        verdict: withoutGlobalGuard(() => this.evaluate(property)),
      })),
    };
  }

  /**
   * A seeded run's messages in flight: those the queue will deliver, and those waiting for a
   * paused node to resume. In the order sent: message numbers grow with each send (both copies
   * of a duplicate share one).
   */
  private deliveriesPending(): (QueuedEvent & { readonly kind: 'deliver' })[] {
    const pending: (QueuedEvent & { readonly kind: 'deliver' })[] = [];
    const add = (event: QueuedEvent): void => {
      if (event.kind === 'deliver') pending.push(event);
    };
    this.queue.forEach(add);
    for (const slot of this.slots) if (slot.paused) slot.pausedEvents.forEach(add);
    return pending.sort((a, b) => a.messageNumber - b.messageNumber || a.sequence - b.sequence);
  }

  private record(event: TraceEvent): void {
    this.events?.push(event);
  }

  private makeView(): SystemView {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const simulation = this;
    const all = this.slots.map((slot) => slot.id);
    const ghosts = new Map<string, unknown>();
    // The list of recorded events, rebuilt only when a record was added since.
    let recorded: readonly StampedRecord[] = NO_RECORDS;
    let recordedCount = 0;
    return {
      get now() {
        return simulation.time;
      },
      nodes: all,
      group: (name) => simulation.groups.get(name) ?? [],
      state: <State>(node: string) => {
        const slot = simulation.slotById.get(node);
        return (slot?.status === 'up' ? slot.context?.state : undefined) as State | undefined;
      },
      durable: (node) => simulation.slotById.get(node)?.durable ?? new Map(),
      isUp: (node) => simulation.slotById.get(node)?.status === 'up',
      inFlight: () => {
        // A scripted run keeps its messages in flight itself (its queue holds no deliveries).
        const scripted = simulation.scriptInFlight;
        if (scripted) return scripted.map(({ from, to, message }) => ({ from, to, message }));
        return simulation.deliveriesPending().map(({ from, to, message }) => ({ from, to, message }));
      },
      history: this.history,
      recorded: (node?: string) => {
        if (node !== undefined) return simulation.slotById.get(node)?.records ?? NO_RECORDS;
        if (recordedCount !== simulation.recordedCount) {
          recorded = recordedInNodeOrder(all, (id) => simulation.slotById.get(id)?.records);
          recordedCount = simulation.recordedCount;
        }
        return recorded;
      },
      happenedBefore: (a, b) => {
        const recordsOf = (id: string): readonly StampedRecord[] | undefined =>
          simulation.slotById.get(id)?.records;
        stampedRecordOf(a, recordsOf);
        return happenedBeforeStamp(a, stampedRecordOf(b, recordsOf));
      },
      ghost: <T>(key: string, create: () => T): T => {
        let value = ghosts.get(key) as T | undefined;
        if (value === undefined) {
          value = create();
          ghosts.set(key, value);
        }
        return value;
      },
    };
  }

  private header(): TraceHeader {
    return {
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      engine: 'sim',
      scenario: this.options.scenario ?? 'unnamed',
      seed: this.options.seed,
      params: this.options.params ?? {},
      nodes: this.slots.map((slot) => ({
        id: slot.id,
        protocol: slot.protocol.name,
        group: slot.group,
        ...(slot.byzantine ? { byzantine: slot.byzantine.name } : {}),
      })),
      config: {
        durationMs: this.config.durationMs,
        ...(this.config.liveness ? { livenessMs: this.config.liveness.withinMs } : {}),
        network: this.network.describe(),
        faults: this.schedule.length,
      },
      ...(this.options.shrunk ? { shrunk: this.options.shrunk } : {}),
    };
  }
}
