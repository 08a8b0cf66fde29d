/**
 * The trace format, version 1: what every engine writes and every viewer reads.
 *
 * A trace is JSON Lines: one header object, then one event per line in the
 * order the engine executed them. Times are virtual milliseconds since the
 * start of the run. Message bodies and values are plain data encoded with
 * `encodePlain` (tags such as `{"$map": …}` for non-JSON values). See
 * TRACE.md at the repository root for the full description; `schema.ts`
 * holds the zod schema that validates each line (and generates the JSON Schema).
 */

/** The value of the header's `format` field. */
export const TRACE_FORMAT = 'fairlink-trace';
/** Bumped on any change that an older reader would misread. */
export const TRACE_VERSION = 1;

/** A node as the header lists it. */
export interface TraceNode {
  readonly id: string;
  readonly protocol: string;
  readonly group: string;
  /** The Byzantine behaviour of this node, if it is not correct. */
  readonly byzantine?: string;
}

/** The first line of every trace. */
export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_VERSION;
  /** Which engine wrote it: `sim`, `check` or `runtime`. */
  readonly engine: 'sim' | 'check' | 'runtime';
  readonly scenario: string;
  readonly seed: number;
  /** The parameters the scenario was built with. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly nodes: readonly TraceNode[];
  /** A description of the network and fault settings, for the reader. */
  readonly config: Readonly<Record<string, unknown>>;
  /** How the run was reduced by shrinking, when it was (replayable with --shrunk). */
  readonly shrunk?: string;
}

/** Why a copy of a message did not arrive. */
export type DropReason = 'loss' | 'partition' | 'down' | 'byzantine';

interface Base {
  /** Virtual time, ms. */
  readonly t: number;
}

/** Every event a trace may hold. `node` is where the event happens. */
export type TraceEvent =
  | (Base & { readonly type: 'boot'; readonly node: string })
  | (Base & {
      readonly type: 'send';
      readonly node: string;
      readonly to: string;
      /** The message id, unique per run (`m1`, `m2`, …): the causal link to `deliver` and `drop`. */
      readonly msg: string;
      readonly body: unknown;
    })
  | (Base & { readonly type: 'deliver'; readonly node: string; readonly from: string; readonly msg: string })
  | (Base & {
      readonly type: 'drop';
      readonly node: string;
      readonly from: string;
      readonly msg: string;
      readonly reason: DropReason;
    })
  | (Base & { readonly type: 'duplicate'; readonly node: string; readonly to: string; readonly msg: string })
  | (Base & {
      readonly type: 'timer-set';
      readonly node: string;
      readonly name: string;
      /** Virtual time at which it is due. */
      readonly due: number;
    })
  | (Base & { readonly type: 'timer-fire'; readonly node: string; readonly name: string })
  | (Base & { readonly type: 'timer-cancel'; readonly node: string; readonly name: string })
  | (Base & { readonly type: 'crash'; readonly node: string; readonly recoverAt?: number })
  | (Base & { readonly type: 'recover'; readonly node: string })
  | (Base & { readonly type: 'pause'; readonly node: string })
  | (Base & { readonly type: 'resume'; readonly node: string })
  | (Base & {
      readonly type: 'clock';
      readonly node: string;
      readonly skewMs: number;
      readonly drift: number;
    })
  | (Base & {
      readonly type: 'partition';
      /** A readable name, such as `halves` or `isolate n2`. */
      readonly name: string;
      /** The grudge: for each node, the nodes whose traffic it drops. */
      readonly grudge: Readonly<Record<string, readonly string[]>>;
    })
  | (Base & { readonly type: 'heal' })
  | (Base & { readonly type: 'clog'; readonly from: string; readonly to: string; readonly until: number })
  | (Base & { readonly type: 'phase'; readonly phase: 'safety' | 'liveness' })
  | (Base & {
      readonly type: 'invoke' | 'ok' | 'fail' | 'info';
      readonly node: string;
      readonly op: number;
      readonly f: string;
      readonly value: unknown;
    })
  | (Base & { readonly type: 'log'; readonly node: string; readonly text: string })
  | (Base & {
      /** The running handler made a choice (`choose`, `randomInt`): option `index` of `of`. */
      readonly type: 'choose';
      readonly node: string;
      readonly index: number;
      readonly of: number;
    })
  | (Base & {
      readonly type: 'fault';
      readonly node: string;
      readonly handler: string;
      readonly kind: string;
      readonly detail: string;
      /** The protocol's frames of the error's stack, innermost first (absent when none is known). */
      readonly stack?: readonly string[];
    })
  | (Base & { readonly type: 'violation'; readonly property: string; readonly detail: string });

/** The `type` of every event. */
export type TraceEventType = TraceEvent['type'];

/** A whole trace: the header and the events in execution order. */
export interface Trace {
  readonly header: TraceHeader;
  readonly events: readonly TraceEvent[];
}
