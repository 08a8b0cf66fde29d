/**
 * What a misbehaving node did, named in the results: node, line, what was wrong.
 *
 * A node that breaks the protocol is a finding, never a crash of the workbench
 * (DESIGN section 7): the run goes on, each problem is recorded here, and the
 * verdict is `invalid` when any was. Warnings (what Maelstrom accepts but a
 * stricter reading would not) are collected the same way, apart, and leave the
 * verdict alone.
 */

/** The kinds of misbehaviour the workbench recognises. */
export type DiagnosticKind =
  /** A stdout line that is not JSON. */
  | 'non-json'
  /** A stdout line that is JSON but not an object. */
  | 'not-an-object'
  /** A message without `src`, `dest`, `body` or `body.type`. */
  | 'missing-field'
  /** A field of the wrong type (`msg_id` not an integer, `body` not an object). */
  | 'bad-field'
  /** A stdout line longer than the workbench accepts. */
  | 'oversized-line'
  /** A message whose `src` is no node, client or service of this run. */
  | 'wrong-source'
  /**
   * A warning, not a problem: a message whose `src` is another participant of
   * the run (a node forwarding a client's request under the client's id), which
   * Maelstrom accepts and routes.
   */
  | 'foreign-source'
  /** A message to an id that is neither a node, a client nor a service of this run. */
  | 'unknown-destination'
  /** No `init_ok` within the init timeout. */
  | 'no-init-ok'
  /** A setup message (broadcast's `topology`) got no reply. */
  | 'no-setup-reply'
  /** A reply to a client that does not fit the request (wrong type, missing field). */
  | 'bad-reply'
  /** The process could not be started. */
  | 'spawn-failed'
  /** The process exited while the run needed it. */
  | 'exited'
  /** The process stopped writing while requests waited for it. */
  | 'unresponsive'
  /** The process did not exit when its stdin closed and SIGTERM came: it had to be killed. */
  | 'hung'
  /** The process does not read its stdin: messages pile up for it. */
  | 'not-reading';

/** One recorded problem. */
export interface Diagnostic {
  readonly node: string;
  readonly kind: DiagnosticKind;
  /** What was wrong, in one sentence. */
  readonly detail: string;
  /** When, in ms since the start of the run. */
  readonly atMs: number;
  /** The node's stdout line number, when a line was at fault. */
  readonly line?: number;
  /** The start of that line, as written. */
  readonly text?: string;
}

/** A kind's record: the first few occurrences in full, and how many there were in all. */
export interface DiagnosticGroup {
  readonly node: string;
  readonly kind: DiagnosticKind;
  readonly count: number;
  readonly examples: readonly Diagnostic[];
}

const EXAMPLES_PER_GROUP = 5;
const TEXT_CHARACTERS_MAX = 200;

/** Collects diagnostics, keeping a few examples per (node, kind) and counting the rest. */
export class Diagnostics {
  private readonly groups = new Map<
    string,
    { node: string; kind: DiagnosticKind; count: number; examples: Diagnostic[] }
  >();

  /** Records one problem. */
  add(diagnostic: Diagnostic): void {
    const key = `${diagnostic.node}\u0000${diagnostic.kind}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { node: diagnostic.node, kind: diagnostic.kind, count: 0, examples: [] };
      this.groups.set(key, group);
    }
    group.count++;
    if (group.examples.length < EXAMPLES_PER_GROUP) {
      const text = diagnostic.text;
      group.examples.push(
        text !== undefined && text.length > TEXT_CHARACTERS_MAX
          ? { ...diagnostic, text: `${text.slice(0, TEXT_CHARACTERS_MAX)}…` }
          : diagnostic,
      );
    }
  }

  /** Whether `node` already has a problem of `kind`. */
  has(node: string, kind: DiagnosticKind): boolean {
    return this.groups.has(`${node}\u0000${kind}`);
  }

  /** Every group, by node then by first occurrence. */
  list(): DiagnosticGroup[] {
    return [...this.groups.values()]
      .map((group) => ({ ...group, examples: [...group.examples] }))
      .sort(
        (a, b) => compareNodeIds(a.node, b.node) || (a.examples[0]?.atMs ?? 0) - (b.examples[0]?.atMs ?? 0),
      );
  }

  /** Number of problems recorded (all occurrences). */
  get total(): number {
    let total = 0;
    for (const group of this.groups.values()) total += group.count;
    return total;
  }
}

/** Orders `n2` before `n10`. */
export function compareNodeIds(a: string, b: string): number {
  const numberA = /^[a-z]+(\d+)$/.exec(a);
  const numberB = /^[a-z]+(\d+)$/.exec(b);
  if (numberA && numberB && a[0] === b[0]) return Number(numberA[1]) - Number(numberB[1]);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One diagnostic as one line of text: `n1 line 3: not JSON (…): "hello"`. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where =
    diagnostic.line === undefined ? diagnostic.node : `${diagnostic.node} line ${diagnostic.line}`;
  const text = diagnostic.text === undefined ? '' : `: ${JSON.stringify(diagnostic.text)}`;
  return `${where} at ${(diagnostic.atMs / 1000).toFixed(3)} s [${diagnostic.kind}] ${diagnostic.detail}${text}`;
}
