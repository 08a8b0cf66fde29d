/**
 * Maelstrom's services: processes inside the workbench that nodes reach by
 * message (`lin-kv`, `seq-kv`, `lww-kv`, `lin-tso`), each with its stated
 * consistency.
 *
 * - `lin-kv`: one map, every operation applied in arrival order: linearizable.
 * - `seq-kv`: the last {@link SEQUENTIAL_STATES} states are kept; an operation
 *   that would not change the state runs on a random state no older than the
 *   last one its client saw; one that changes it runs on the newest. Each
 *   client sees a monotonic sequence of states (sequential consistency), but
 *   reads may be stale.
 * - `lww-kv`: {@link LWW_REPLICAS} replicas, each with a Lamport clock; every
 *   request merges one random replica into another and runs on a random one:
 *   last write wins, stale reads allowed.
 * - `lin-tso`: `ts` -> `ts_ok{ts}`, strictly increasing from 0.
 *
 * Key-value requests: `read{key}` -> `read_ok{value}` or error 20;
 * `write{key,value}` -> `write_ok`; `cas{key,from,to,create_if_not_exists?}`
 * -> `cas_ok`, error 20 (missing key) or 22 (`from` differs).
 */

import { canonicalString, structuralEqual } from '../history/index.js';
import type { RandomStream } from '../core/index.js';
import { ErrorCode, errorBody, type Body, type ServiceName } from './protocol.js';

/** A service: answers one request body from `source` with one reply body. */
export interface Service {
  readonly name: ServiceName;
  handle(source: string, request: Body): Body;
}

/** States of `seq-kv` kept for stale reads. */
export const SEQUENTIAL_STATES = 32;
/** Replicas of `lww-kv`. */
export const LWW_REPLICAS = 5;

/** A key-value map as the services hold it: canonical key -> value. */
type KvState = ReadonlyMap<string, unknown>;

/** The result of a key-value request against one state. */
interface KvOutcome {
  readonly state: KvState;
  readonly reply: Omit<Body, 'in_reply_to'>;
}

function requestKey(request: Body): string | undefined {
  return 'key' in request ? canonicalString(request['key']) : undefined;
}

/** Applies a key-value request to `state` without mutating it. */
function applyKv(state: KvState, request: Body): KvOutcome {
  const key = requestKey(request);
  const malformed = (text: string): KvOutcome => ({
    state,
    reply: errorBody(undefined, ErrorCode.malformedRequest, text),
  });
  switch (request.type) {
    case 'read':
      if (key === undefined) return malformed("read needs a 'key'");
      return state.has(key)
        ? { state, reply: { type: 'read_ok', value: state.get(key) } }
        : { state, reply: errorBody(undefined, ErrorCode.keyDoesNotExist, 'key does not exist') };
    case 'write': {
      if (key === undefined) return malformed("write needs a 'key'");
      if (!('value' in request)) return malformed("write needs a 'value'");
      const next = new Map(state);
      next.set(key, request['value']);
      return { state: next, reply: { type: 'write_ok' } };
    }
    case 'cas': {
      if (key === undefined) return malformed("cas needs a 'key'");
      if (!('from' in request) || !('to' in request)) return malformed("cas needs 'from' and 'to'");
      if (!state.has(key)) {
        if (request['create_if_not_exists'] !== true) {
          return { state, reply: errorBody(undefined, ErrorCode.keyDoesNotExist, 'key does not exist') };
        }
      } else if (!structuralEqual(state.get(key), request['from'])) {
        return {
          state,
          reply: errorBody(
            undefined,
            ErrorCode.preconditionFailed,
            `current value ${canonicalString(state.get(key))} is not ${canonicalString(request['from'])}`,
          ),
        };
      }
      const next = new Map(state);
      next.set(key, request['to']);
      return { state: next, reply: { type: 'cas_ok' } };
    }
    default:
      return {
        state,
        reply: errorBody(undefined, ErrorCode.notSupported, `unsupported request type '${request.type}'`),
      };
  }
}

function withReplyTo(reply: Omit<Body, 'in_reply_to'>, request: Body): Body {
  const body = reply as Body;
  return request.msg_id === undefined ? body : { ...body, in_reply_to: request.msg_id };
}

/** `lin-kv`: a linearizable map. */
export function linearizableKv(): Service {
  let state: KvState = new Map();
  return {
    name: 'lin-kv',
    handle(_source, request) {
      const outcome = applyKv(state, request);
      state = outcome.state;
      return withReplyTo(outcome.reply, request);
    },
  };
}

/** `seq-kv`: a sequentially consistent map whose reads may be stale (see the module comment). */
export function sequentialKv(random: RandomStream, statesKept = SEQUENTIAL_STATES): Service {
  // states[i] is the state of index firstIndex + i; the last one is the newest.
  const states: KvState[] = [new Map()];
  let firstIndex = 0;
  const clientIndex = new Map<string, number>();
  return {
    name: 'seq-kv',
    handle(source, request) {
      const lastIndex = firstIndex + states.length - 1;
      const floor = Math.max(firstIndex, clientIndex.get(source) ?? 0);
      const index = random.int(floor, lastIndex);
      const tried = applyKv(states[index - firstIndex] as KvState, request);
      if (tried.state === states[index - firstIndex]) {
        clientIndex.set(source, index);
        return withReplyTo(tried.reply, request);
      }
      // A change must follow every state anyone has seen: apply it to the newest.
      const outcome = applyKv(states[states.length - 1] as KvState, request);
      if (outcome.state !== states[states.length - 1]) {
        states.push(outcome.state);
        if (states.length > statesKept) {
          states.shift();
          firstIndex++;
        }
      }
      clientIndex.set(source, firstIndex + states.length - 1);
      return withReplyTo(outcome.reply, request);
    },
  };
}

interface LwwEntry {
  readonly timestamp: number;
  readonly value: unknown;
}

interface LwwReplica {
  clock: number;
  entries: Map<string, LwwEntry>;
}

function mergeReplicas(target: LwwReplica, source: LwwReplica): void {
  target.clock = Math.max(target.clock, source.clock);
  for (const [key, theirs] of source.entries) {
    const ours = target.entries.get(key);
    if (
      ours === undefined ||
      ours.timestamp < theirs.timestamp ||
      (ours.timestamp === theirs.timestamp && canonicalString(theirs.value) > canonicalString(ours.value))
    ) {
      target.entries.set(key, theirs);
    }
  }
}

/** `lww-kv`: last-write-wins replicas merged lazily (see the module comment). */
export function lastWriteWinsKv(random: RandomStream, replicaCount = LWW_REPLICAS): Service {
  const replicas: LwwReplica[] = Array.from({ length: replicaCount }, () => ({
    clock: 0,
    entries: new Map(),
  }));
  return {
    name: 'lww-kv',
    handle(_source, request) {
      mergeReplicas(random.pick(replicas), random.pick(replicas));
      const replica = random.pick(replicas);
      const view: KvState = new Map([...replica.entries].map(([key, entry]) => [key, entry.value]));
      const outcome = applyKv(view, request);
      if (outcome.state !== view) {
        const key = requestKey(request) as string;
        replica.entries.set(key, { timestamp: replica.clock, value: outcome.state.get(key) });
        replica.clock++;
      }
      return withReplyTo(outcome.reply, request);
    },
  };
}

/** `lin-tso`: a timestamp oracle. */
export function timestampOracle(): Service {
  let next = 0;
  return {
    name: 'lin-tso',
    handle(_source, request) {
      if (request.type !== 'ts') {
        return withReplyTo(
          errorBody(undefined, ErrorCode.notSupported, `unsupported request type '${request.type}'`),
          request,
        );
      }
      return withReplyTo({ type: 'ts_ok', ts: next++ }, request);
    },
  };
}

/** All four services, by name. */
export function createServices(random: (name: string) => RandomStream): Map<ServiceName, Service> {
  const services: Service[] = [
    linearizableKv(),
    sequentialKv(random('service:seq-kv')),
    lastWriteWinsKv(random('service:lww-kv')),
    timestampOracle(),
  ];
  return new Map(services.map((service) => [service.name, service]));
}
