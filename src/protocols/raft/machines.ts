/**
 * State machines that Raft replicates: the course's queue (labs 3 and 4) and a
 * key-value store with get, put, append and compare-and-set (issue: histories).
 *
 * A machine is a pure function from (state, command) to (state, result). The
 * state is plain data; `apply` must not mutate its input (Raft keeps the
 * previous state in the node's state object, and a step that throws must
 * leave nothing half-changed).
 */

/** A deterministic state machine. */
export interface StateMachine<State, Command, Result> {
  readonly name: string;
  init(): State;
  apply(state: State, command: Command): { readonly state: State; readonly result: Result };
  /** Whether a command only reads (used by the stale-read bug variant, never by correct Raft). */
  readOnly(command: Command): boolean;
}

/** Commands of the replicated queue. */
export type QueueCommand =
  { readonly op: 'enqueue'; readonly value: number } | { readonly op: 'dequeue' } | { readonly op: 'nop' };
/** What the queue answers: the dequeued value, `null` for an empty queue, or `true` for enqueue and no-op. */
export type QueueResult = number | null | true;

/** The course's replicated queue. */
export const queueMachine: StateMachine<readonly number[], QueueCommand, QueueResult> = {
  name: 'queue',
  init: () => [],
  apply(state, command) {
    switch (command.op) {
      case 'enqueue':
        return { state: [...state, command.value], result: true };
      case 'dequeue':
        return state.length === 0
          ? { state, result: null }
          : { state: state.slice(1), result: state[0] as number };
      case 'nop':
        return { state, result: true };
    }
  },
  readOnly: () => false,
};

/**
 * Commands of the key-value store. Values are strings and a key never written holds `''` (the
 * Jepsen and Porcupine kv tests' conventions, which `keyValueModel` follows by default).
 */
export type KvCommand =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'append'; readonly key: string; readonly value: string }
  | { readonly op: 'cas'; readonly key: string; readonly from: string; readonly to: string }
  | { readonly op: 'nop' };
/** get: the value; put and append: true; cas: whether it applied; nop: true. */
export type KvResult = string | boolean;

/** A linearizable key-value store when replicated correctly. */
export const kvMachine: StateMachine<Readonly<Record<string, string>>, KvCommand, KvResult> = {
  name: 'kv',
  init: () => ({}),
  apply(state, command) {
    switch (command.op) {
      case 'get':
        return { state, result: state[command.key] ?? '' };
      case 'put':
        return { state: { ...state, [command.key]: command.value }, result: true };
      case 'append':
        return {
          state: { ...state, [command.key]: (state[command.key] ?? '') + command.value },
          result: true,
        };
      case 'cas':
        if ((state[command.key] ?? '') !== command.from) return { state, result: false };
        return { state: { ...state, [command.key]: command.to }, result: true };
      case 'nop':
        return { state, result: true };
    }
  },
  readOnly: (command) => command.op === 'get',
};
