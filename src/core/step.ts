/**
 * One atomic step: run a handler against a node's state and collect what it
 * asked for, without doing any of it.
 *
 * Every engine owns a `StepContext` per live node and calls `runStep` for each
 * event. The context's writes land in `effects` and `persisted`; the engine
 * carries them out after the step, or throws them all away if the step failed.
 */

import { describeThrown, ProtocolFault } from './errors.js';
import type { Effect } from './effects.js';
import { ForbiddenGlobalError } from './guard.js';
import type { NodeId } from './ids.js';
import { findPlainViolation } from './plain.js';
import type { Context, FiredTimer, HandlerName, OperationOutcome, Protocol, TimerDelay } from './protocol.js';
import type { Signature } from './signature.js';

/** What the engine answers for a node's reads. */
export interface StepEnvironment {
  /** The node's local clock, in ms. */
  now(node: NodeId): number;
  /** The node's random stream, a float in [0, 1). */
  random(node: NodeId): number;
  /**
   * A choice (`choose`, `randomInt`) among `options` outcomes: an index in [0, options). The
   * simulator draws it (or replays a script's), the checker enumerates it. Absent: drawn from
   * `random` (the same draw `randomInt` always made, so seeded runs are unchanged).
   */
  choose?(node: NodeId, options: number): number;
  /** The most outcomes a choice may have (the checker's bound; absent: no bound). */
  readonly choiceOptionsMax?: number;
  /** The signature of `value` by `signer`. */
  sign(signer: NodeId, value: unknown): Signature;
  /** Whether `signature` is `signer`'s signature of `value`. */
  verify(signer: NodeId, value: unknown, signature: Signature): boolean;
  /** Whether `node` names a node that can be sent to. */
  isKnownNode(node: NodeId): boolean;
  /** The next client operation id (unique per run). */
  nextOperation(): number;
}

/** How much one step may ask for before it counts as a runaway loop. */
export const EFFECTS_PER_STEP_MAX = 100_000;

/** What a step may be triggered by. */
export type StepTrigger =
  | { readonly handler: 'onBoot' }
  | { readonly handler: 'onRecover' }
  | { readonly handler: 'onMessage'; readonly from: NodeId; readonly message: unknown }
  | { readonly handler: 'onTimer'; readonly timer: FiredTimer };

/** Options of a step context. */
export interface StepOptions {
  /** Check the state is plain after every step (default true). */
  readonly checkState: boolean;
}

/**
 * The context handed to a node's handlers. One per live node, reused across
 * steps (allocation per step would dominate a fast simulation).
 */
export class StepContext<State = unknown, Message = unknown> implements Context<State, Message> {
  state: State;
  /** Effects of the current step, in the order asked. */
  effects: Effect[] = [];
  /** Durable writes of the current step, applied before any send leaves. */
  persisted: Map<string, unknown> | undefined;
  /**
   * What the last failed step asked for before it failed: never to be carried out, only read
   * by an engine that explains the failure (a message sent, then changed, in the same step).
   */
  discardedEffects: readonly Effect[] = [];
  private handler: HandlerName = 'onBoot';

  constructor(
    readonly id: NodeId,
    readonly nodes: readonly NodeId[],
    readonly peers: readonly NodeId[],
    readonly protocol: Protocol<State, Message>,
    /** The node's durable storage as of the last completed step (read-only here). */
    readonly durable: ReadonlyMap<string, unknown>,
    private readonly environment: StepEnvironment,
    private readonly options: StepOptions = { checkState: true },
  ) {
    this.state = protocol.init(id);
  }

  /** Takes any string (what `NodeName` lets through is checked here, at run time). */
  send(to: string, message: Message): void {
    if (typeof to !== 'string' || !this.environment.isKnownNode(to as NodeId)) {
      throw this.fault('bad-call', `send to ${JSON.stringify(to)}, which is not a node of this system`);
    }
    this.checkMessage(message, `message to ${to}`);
    this.push({ kind: 'send', to: to as NodeId, message });
  }

  broadcast(message: Message): void {
    this.checkMessage(message, 'broadcast message');
    for (const peer of this.peers) this.push({ kind: 'send', to: peer, message });
  }

  setTimer(name: string, delay: TimerDelay, data: unknown = null): void {
    if (typeof name !== 'string') throw this.fault('bad-call', 'setTimer needs a string name');
    const [min, max] = typeof delay === 'number' ? [delay, delay] : delay;
    if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && max >= min)) {
      throw this.fault(
        'bad-call',
        `setTimer('${name}') with delay ${JSON.stringify(delay)}: need 0 <= min <= max`,
      );
    }
    const violation = findPlainViolation(data, true);
    if (violation) {
      throw this.fault(
        'bad-call',
        `setTimer('${name}') data is not plain at ${violation.path}: ${violation.problem}`,
      );
    }
    this.push({ kind: 'timer-set', name, min, max, data });
  }

  cancelTimer(name: string): void {
    this.push({ kind: 'timer-cancel', name });
  }

  persist(key: string, value: unknown): void {
    const violation = findPlainViolation(value, true);
    if (violation) {
      throw this.fault(
        'bad-call',
        `persist('${key}') value is not plain at ${violation.path}: ${violation.problem}`,
      );
    }
    (this.persisted ??= new Map()).set(key, value);
  }

  load<T = unknown>(key: string): T | undefined {
    if (this.persisted?.has(key)) return this.persisted.get(key) as T;
    return this.durable.get(key) as T | undefined;
  }

  now(): number {
    return this.environment.now(this.id);
  }

  random(): number {
    return this.environment.random(this.id);
  }

  randomInt(min: number, max: number): number {
    if (!(Number.isInteger(min) && Number.isInteger(max) && max >= min)) {
      throw this.fault('bad-call', `randomInt(${min}, ${max}): need integers with min <= max`);
    }
    return min + this.choice(max - min + 1, `randomInt(${min}, ${max})`);
  }

  choose<T>(options: readonly T[]): T {
    if (!Array.isArray(options) || options.length === 0) {
      throw this.fault('bad-call', 'choose(options) needs a non-empty array of options');
    }
    return options[this.choice(options.length, `choose() of ${options.length} options`)] as T;
  }

  /** One choice point: an index in [0, options), from the engine. */
  private choice(options: number, call: string): number {
    const environment = this.environment;
    const limit = environment.choiceOptionsMax;
    if (limit !== undefined && options > limit) {
      throw this.fault(
        'bad-call',
        `${call} has ${options} outcomes; the model checker explores every outcome of a choice and allows at most ${limit} (choose among fewer, or use random(), which it does not explore)`,
      );
    }
    if (environment.choose) return environment.choose(this.id, options);
    return Math.floor(environment.random(this.id) * options);
  }

  log(text: string): void {
    this.push({ kind: 'log', text: String(text) });
  }

  record(label: string, data: unknown = null): void {
    if (typeof label !== 'string') throw this.fault('bad-call', 'record needs a string label');
    const violation = findPlainViolation(data, true);
    if (violation) {
      throw this.fault(
        'bad-call',
        `record('${label}') data is not plain at ${violation.path}: ${violation.problem}`,
      );
    }
    this.push({ kind: 'record', label, data });
  }

  sign(value: unknown): Signature {
    return this.environment.sign(this.id, value);
  }

  verify(signer: NodeId, value: unknown, signature: Signature): boolean {
    return this.environment.verify(signer, value, signature);
  }

  invoke(f: string, value: unknown): number {
    const operation = this.environment.nextOperation();
    this.checkMessage(value, `invoke('${f}') value`);
    this.push({ kind: 'client', type: 'invoke', operation, f, value });
    return operation;
  }

  complete(operation: number, outcome: OperationOutcome, value: unknown): void {
    this.checkMessage(value, `complete(${operation}) value`);
    this.push({ kind: 'client', type: outcome, operation, f: '', value });
  }

  /**
   * Runs one handler. Returns `undefined` on success (effects are in
   * `this.effects` and `this.persisted`), or the fault; on a fault, the
   * state may be half-changed and the node must not be stepped again.
   */
  run(trigger: StepTrigger): ProtocolFault | undefined {
    if (trigger.handler === 'onMessage') return this.runMessage(trigger.from, trigger.message);
    this.begin(trigger.handler);
    const protocol = this.protocol;
    try {
      switch (trigger.handler) {
        case 'onBoot':
          protocol.onBoot?.(this);
          break;
        case 'onRecover':
          protocol.onRecover?.(this);
          break;
        case 'onTimer':
          protocol.onTimer?.(this, trigger.timer);
          break;
      }
    } catch (thrown) {
      return this.discard(this.asFault(thrown));
    }
    return this.end();
  }

  /**
   * `run({ handler: 'onMessage', from, message })` without building the
   * trigger: delivering messages is what engines do most.
   */
  runMessage(from: NodeId, message: unknown): ProtocolFault | undefined {
    this.begin('onMessage');
    try {
      this.protocol.onMessage?.(this, from, message as Message);
    } catch (thrown) {
      return this.discard(this.asFault(thrown));
    }
    return this.end();
  }

  private begin(handler: HandlerName): void {
    this.effects = [];
    this.persisted = undefined;
    this.handler = handler;
  }

  /** Ends a step whose handler returned: checks the state. */
  private end(): ProtocolFault | undefined {
    if (this.options.checkState) {
      const violation = findPlainViolation(this.state);
      if (violation) {
        return this.discard(
          this.fault('non-plain-state', `state is not plain at ${violation.path}: ${violation.problem}`),
        );
      }
    }
    return undefined;
  }

  /** A failed step is atomic: nothing it asked for may happen. */
  private discard(fault: ProtocolFault): ProtocolFault {
    this.discardedEffects = this.effects;
    this.effects = [];
    this.persisted = undefined;
    return fault;
  }

  /** The handler now running (or last run). */
  get currentHandler(): HandlerName {
    return this.handler;
  }

  private push(effect: Effect): void {
    if (this.effects.length >= EFFECTS_PER_STEP_MAX) {
      throw this.fault(
        'too-many-effects',
        `asked for more than ${EFFECTS_PER_STEP_MAX} effects in one step (a loop?)`,
      );
    }
    this.effects.push(effect);
  }

  private checkMessage(message: unknown, what: string): void {
    const violation = findPlainViolation(message, true);
    if (violation) {
      throw this.fault(
        'non-plain-message',
        `${what} is not plain at ${violation.path}: ${violation.problem}`,
      );
    }
  }

  private fault(kind: ProtocolFault['kind'], detail: string): ProtocolFault {
    return new ProtocolFault(kind, this.id, this.handler, detail);
  }

  private asFault(thrown: unknown): ProtocolFault {
    if (thrown instanceof ProtocolFault) return thrown;
    if (thrown instanceof ForbiddenGlobalError) {
      return new ProtocolFault('forbidden-global', this.id, this.handler, thrown.message, { cause: thrown });
    }
    if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) {
      return new ProtocolFault('threw', this.id, this.handler, `unbounded recursion (${thrown.message})`, {
        cause: thrown,
      });
    }
    return new ProtocolFault('threw', this.id, this.handler, `threw ${describeThrown(thrown)}`, {
      cause: thrown,
    });
  }
}
