/**
 * Shared memory as a service node: registers reached by messages.
 *
 * The course's model says shared memory is functionally equivalent to
 * message passing: a register whose reads and writes take arbitrary time.
 * Here that register is a node like any other, running
 * {@link registerService}. Processes send it read, write and compare-and-set
 * requests and get replies; the network between them supplies the arbitrary
 * time (delay, reordering, loss, duplication: whatever the scenario sets).
 *
 * Semantics. Each request is applied atomically when it arrives at the
 * service, in arrival order, and answered at once. The registers are
 * therefore linearizable: an operation takes effect at its arrival, which
 * lies between its invocation (the send) and its response (the reply's
 * arrival). What a client sees can still surprise: on an unordered network a
 * read sent after another may arrive first and so return an older value, and
 * a duplicated request is applied twice (harmless for reads and writes, a
 * second attempt for a compare-and-set). A lost request or reply is simply
 * never answered: clients retry ({@link RegisterClient.retry}).
 *
 * Place the service in a group of its own, so that `broadcast` and the
 * random nemesis (which target the `nodes` group) leave it alone:
 *
 * ```ts
 * const memory = registerClient('mem');
 * nodes: { p1: writer, p2: reader, mem: { protocol: registerService(), group: 'services' } }
 * ```
 */

import type { NodeId } from '../core/index.js';
import { plainToJson } from '../core/index.js';
import { defineProtocol, type Protocol } from '../core/index.js';

/** A read of register `register`. */
export interface RegisterRead {
  readonly type: 'register-read';
  readonly id: number;
  readonly register: string;
}

/** A write of `value` into `register`. */
export interface RegisterWrite {
  readonly type: 'register-write';
  readonly id: number;
  readonly register: string;
  readonly value: unknown;
}

/** Sets `register` to `value` if it holds `expected` (compared as plain data). */
export interface RegisterCompareAndSet {
  readonly type: 'register-cas';
  readonly id: number;
  readonly register: string;
  readonly expected: unknown;
  readonly value: unknown;
}

/** What a client sends to the service. */
export type RegisterRequest = RegisterRead | RegisterWrite | RegisterCompareAndSet;

/** The value `register` held when the read arrived. */
export interface RegisterReadOk {
  readonly type: 'register-read-ok';
  readonly id: number;
  readonly register: string;
  readonly value: unknown;
}

/** The write was applied. */
export interface RegisterWriteOk {
  readonly type: 'register-write-ok';
  readonly id: number;
  readonly register: string;
}

/** Whether the compare-and-set applied, and the register's value after it. */
export interface RegisterCompareAndSetOk {
  readonly type: 'register-cas-ok';
  readonly id: number;
  readonly register: string;
  readonly ok: boolean;
  readonly value: unknown;
}

/** A request the service could not understand (it names the request id when there was one). */
export interface RegisterError {
  readonly type: 'register-error';
  readonly id: number | null;
  readonly detail: string;
}

/** What the service sends back. */
export type RegisterReply = RegisterReadOk | RegisterWriteOk | RegisterCompareAndSetOk | RegisterError;

/** Options of {@link registerService}. */
export interface RegisterServiceOptions {
  /** The value of a register never written (default `null`). */
  readonly initial?: unknown;
  /** Keep registers in durable storage, so that they survive a crash-recover of the service (default true). */
  readonly durable?: boolean;
}

/** The service's state: every register written so far. */
export interface RegisterServiceState {
  readonly registers: Map<string, unknown>;
}

const DURABLE_KEY = 'registers';

/**
 * The register service: any number of named registers, each read, written
 * and compared-and-set by request messages, each request answered with one
 * reply to its sender. Malformed requests get a `register-error` reply.
 */
export function registerService(
  options: RegisterServiceOptions = {},
): Protocol<RegisterServiceState, RegisterRequest | RegisterReply> {
  const initial = options.initial ?? null;
  const durable = options.durable ?? true;
  return defineProtocol<RegisterServiceState, RegisterRequest | RegisterReply>({
    name: 'register-service',
    init: () => ({ registers: new Map() }),
    onRecover(context) {
      const saved = context.load<ReadonlyMap<string, unknown>>(DURABLE_KEY);
      if (saved) for (const [name, value] of saved) context.state.registers.set(name, value);
    },
    onMessage(context, from, message) {
      // Never answer a reply: two services would otherwise answer each other's errors forever.
      if (isReply(message)) return;
      const reply = (answer: RegisterReply) => context.send(from, answer);
      const request = message;
      const problem = malformed(request);
      if (problem !== undefined) {
        const id =
          typeof (request as { id?: unknown } | null)?.id === 'number'
            ? (request as { id: number }).id
            : null;
        reply({ type: 'register-error', id, detail: problem });
        return;
      }
      const registers = context.state.registers;
      const current = registers.has(request.register) ? registers.get(request.register) : initial;
      let changed = false;
      switch (request.type) {
        case 'register-read':
          reply({ type: 'register-read-ok', id: request.id, register: request.register, value: current });
          break;
        case 'register-write':
          registers.set(request.register, request.value);
          changed = true;
          reply({ type: 'register-write-ok', id: request.id, register: request.register });
          break;
        case 'register-cas': {
          const ok = plainToJson(current) === plainToJson(request.expected);
          if (ok) {
            registers.set(request.register, request.value);
            changed = true;
          }
          const value = ok ? request.value : current;
          reply({ type: 'register-cas-ok', id: request.id, register: request.register, ok, value });
          break;
        }
      }
      // Persist a copy: what is persisted is frozen, and the live map keeps changing.
      if (changed && durable) context.persist(DURABLE_KEY, new Map(registers));
    },
  });
}

/** Why `request` is not a request the service understands, or `undefined` when it is one. */
function malformed(request: unknown): string | undefined {
  const candidate = request as Partial<Record<string, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null) return 'a request must be an object';
  if (typeof candidate.id !== 'number') return 'a request needs a numeric id';
  if (typeof candidate.register !== 'string') return 'a request needs a register name';
  switch (candidate.type) {
    case 'register-read':
      return undefined;
    case 'register-write':
      return 'value' in candidate ? undefined : 'a write needs a value';
    case 'register-cas':
      return 'value' in candidate && 'expected' in candidate
        ? undefined
        : 'a compare-and-set needs expected and value';
    default:
      return `unknown request type ${JSON.stringify(candidate.type)}`;
  }
}

// --- The client side. ---

/** A request waiting for its reply, as the client keeps it (plain data, in the node's state). */
export interface PendingRequest {
  readonly request: RegisterRequest;
  /** Whatever the caller attached, to know what to do with the reply. */
  readonly tag: unknown;
}

/** A client's bookkeeping: put one in the node's state (`registers: memory.initialState()`). */
export interface RegisterRequests {
  nextId: number;
  readonly pending: Map<number, PendingRequest>;
}

/** A reply matched to its request. */
export interface MatchedReply {
  readonly request: RegisterRequest;
  readonly reply: RegisterReply;
  readonly tag: unknown;
}

/**
 * What the client helpers need of a context: `send`. A protocol's context
 * fits when its message type admits register requests.
 */
export interface RequestSender {
  send(to: NodeId, message: RegisterRequest): void;
}

/** Issues requests to one register service and matches the replies. Holds no state of its own. */
export interface RegisterClient {
  /** The service node. */
  readonly service: NodeId;
  /** Fresh bookkeeping, for the node's `init`. */
  initialState(): RegisterRequests;
  /** Sends a read of `register`; returns the request id. */
  read(context: RequestSender, requests: RegisterRequests, register: string, tag?: unknown): number;
  /** Sends a write; returns the request id. */
  write(
    context: RequestSender,
    requests: RegisterRequests,
    register: string,
    value: unknown,
    tag?: unknown,
  ): number;
  /** Sends a compare-and-set; returns the request id. */
  compareAndSet(
    context: RequestSender,
    requests: RegisterRequests,
    register: string,
    expected: unknown,
    value: unknown,
    tag?: unknown,
  ): number;
  /**
   * The request `message` answers, if `message` is a reply from the service
   * to a pending request (which stops being pending); `undefined` for any
   * other message, including a second copy of a reply.
   */
  match(requests: RegisterRequests, from: NodeId, message: unknown): MatchedReply | undefined;
  /**
   * Sends every pending request again (after a loss, say); returns how many.
   * A retry is a duplicate: if the first copy was not lost after all, the
   * request is applied twice, and a write applied again after a later write
   * undoes that later write. Retry writes only when that is acceptable (or
   * use compare-and-set).
   */
  retry(context: RequestSender, requests: RegisterRequests): number;
}

/** A client of the register service running on node `service`. */
export function registerClient(service: string): RegisterClient {
  const serviceId = service as NodeId;
  const issue = (
    context: RequestSender,
    requests: RegisterRequests,
    request: RegisterRequest,
    tag: unknown,
  ): number => {
    requests.pending.set(request.id, { request, tag });
    context.send(serviceId, request);
    return request.id;
  };
  return {
    service: serviceId,
    initialState: () => ({ nextId: 1, pending: new Map() }),
    read: (context, requests, register, tag = null) =>
      issue(context, requests, { type: 'register-read', id: requests.nextId++, register }, tag),
    write: (context, requests, register, value, tag = null) =>
      issue(context, requests, { type: 'register-write', id: requests.nextId++, register, value }, tag),
    compareAndSet: (context, requests, register, expected, value, tag = null) =>
      issue(
        context,
        requests,
        { type: 'register-cas', id: requests.nextId++, register, expected, value },
        tag,
      ),
    match(requests, from, message) {
      if (from !== serviceId || !isReply(message) || message.id === null) return undefined;
      const pending = requests.pending.get(message.id);
      if (!pending) return undefined;
      requests.pending.delete(message.id);
      return { request: pending.request, reply: message, tag: pending.tag };
    },
    retry(context, requests) {
      for (const { request } of requests.pending.values()) context.send(serviceId, request);
      return requests.pending.size;
    },
  };
}

function isReply(message: unknown): message is RegisterReply {
  const type = (message as { type?: unknown } | null)?.type;
  return (
    typeof message === 'object' &&
    message !== null &&
    (type === 'register-read-ok' ||
      type === 'register-write-ok' ||
      type === 'register-cas-ok' ||
      type === 'register-error')
  );
}
