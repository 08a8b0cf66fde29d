/**
 * Moving frontier chunks of part ids (interned-frontier.ts) between search workers.
 *
 * Each worker interns parts on its own, so a part id means nothing to another worker. Parts
 * never change once interned, though, so a worker only needs to learn another's part once: the
 * giver sends, with the chunks, the definitions of the parts the taker has not been sent yet
 * (children before parents), and the taker keeps a table from the giver's ids to its own. After
 * the first moves, a chunk moves with almost no definitions and is translated id by id, instead
 * of being encoded, decoded and interned state by state (measured: 6 microseconds per state
 * that way, which made balancing the parallel search's largest idle time).
 *
 * @module
 */
import { type Interner, isLeaf, NO_SHAPE, partWidth, type Shape } from './intern.js';
import { layoutOf, type PlainKind, PlainLayout } from '../core/index.js';
import { forEachEntry } from './interned-frontier.js';

/** An object shape, for a worker that has not seen it. */
export interface ShapeDefinition {
  readonly id: number;
  readonly kind: Shape['kind'];
  readonly keys: readonly string[];
}

/**
 * Definitions of parts, children first. A record is `[id, kind, count, extra, ...children]`:
 * `extra` is the index of the value in `leaves` for a leaf or bytes part, the shape id for an
 * object; `children` are part ids, two per map entry (key, value).
 */
export interface PartDefinitions {
  readonly records: Int32Array;
  readonly leaves: readonly unknown[];
  readonly shapes: readonly ShapeDefinition[];
}

/** The giving side: what each other worker has already been sent of this worker's parts. */
export class PartExporter {
  readonly #interner: Interner;
  readonly #sent = new Map<number, Uint8Array>();
  readonly #sentShapes = new Map<number, Set<number>>();

  constructor(interner: Interner) {
    this.#interner = interner;
  }

  /** Forgets what `peer` was sent: it compacted its parts (or this worker did). */
  forget(peer: number): void {
    this.#sent.delete(peer);
    this.#sentShapes.delete(peer);
  }

  /** Forgets what every worker was sent: this worker compacted its parts. */
  forgetAll(): void {
    this.#sent.clear();
    this.#sentShapes.clear();
  }

  /** The definitions that `peer` needs to read the entries of `chunks` (each up to its end). */
  export(peer: number, chunks: readonly Int32Array[], ends: readonly number[]): PartDefinitions {
    const interner = this.#interner;
    let sent = this.#sent.get(peer) ?? new Uint8Array(0);
    if (sent.length < interner.size) {
      const bigger = new Uint8Array(Math.max(interner.size, 2 * sent.length));
      bigger.set(sent);
      sent = bigger;
    }
    this.#sent.set(peer, sent);
    const sentShapes = this.#sentShapes.get(peer) ?? new Set<number>();
    this.#sentShapes.set(peer, sentShapes);
    const records: number[] = [];
    const leaves: unknown[] = [];
    const shapes: ShapeDefinition[] = [];
    const sendShape = (id: number): void => {
      if (id === NO_SHAPE || sentShapes.has(id)) return;
      sentShapes.add(id);
      const shape = interner.shapes[id] as Shape;
      shapes.push({ id, kind: shape.kind, keys: shape.keys });
    };
    const sendPart = (id: number): void => {
      if (sent[id] === 1) return;
      sent[id] = 1;
      const kind = interner.kind[id] as PlainKind;
      const n = interner.count[id] ?? 0;
      const first = interner.first[id] ?? 0;
      const leaf = isLeaf(kind);
      const children = leaf ? 0 : partWidth(kind) * n;
      for (let s = first; s < first + children; s++) sendPart(interner.slots[s] ?? 0);
      let extra = NO_SHAPE;
      if (leaf) {
        extra = leaves.length;
        leaves.push(interner.values[id]);
      } else if (layoutOf(kind) === PlainLayout.Record) {
        extra = interner.shape[id] ?? NO_SHAPE;
        sendShape(extra);
      }
      records.push(id, kind, n, extra);
      for (let s = first; s < first + children; s++) records.push(interner.slots[s] ?? 0);
    };
    chunks.forEach((chunk, i) =>
      forEachEntry(chunk, 0, ends[i] ?? 0, (at, first, end) => {
        const code = chunk[at + 2] ?? 0;
        if (code >= 0) sendShape(code);
        for (let s = first; s < end; s++) sendPart(chunk[s] ?? 0);
      }),
    );
    return { records: Int32Array.from(records), leaves, shapes };
  }
}

/** The taking side: this worker's ids for the parts and shapes of each other worker. */
export class PartImporter {
  readonly #interner: Interner;
  /** Per giving worker: its part id to this worker's id + 1 (0: not known). */
  readonly #parts = new Map<number, Int32Array>();
  readonly #shapes = new Map<number, Map<number, number>>();

  constructor(interner: Interner) {
    this.#interner = interner;
  }

  /** Interns the parts `peer` defined; then {@link translate} can read its chunks. */
  import(peer: number, definitions: PartDefinitions): void {
    const interner = this.#interner;
    const shapes = this.#shapes.get(peer) ?? new Map<number, number>();
    this.#shapes.set(peer, shapes);
    for (const shape of definitions.shapes) shapes.set(shape.id, interner.shapeFor(shape.kind, shape.keys));
    let table = this.#parts.get(peer) ?? new Int32Array(1024);
    const records = definitions.records;
    const children = new Int32Array(64);
    let scratch = children;
    for (let at = 0; at < records.length;) {
      const id = records[at] ?? 0;
      const kind = (records[at + 1] ?? 0) as PlainKind;
      const n = records[at + 2] ?? 0;
      const extra = records[at + 3] ?? 0;
      at += 4;
      let local: number;
      if (isLeaf(kind)) {
        local = interner.intern(definitions.leaves[extra], -1);
      } else {
        const width = partWidth(kind);
        if (scratch.length < width * n) scratch = new Int32Array(2 * width * n);
        for (let k = 0; k < width * n; k++) scratch[k] = localId(table, records[at + k] ?? 0, peer);
        at += width * n;
        const shape = extra === NO_SHAPE ? NO_SHAPE : (shapes.get(extra) ?? NO_SHAPE);
        local = interner.internFromIds(kind, shape, scratch, n);
      }
      if (id >= table.length) {
        let capacity = table.length * 2;
        while (capacity <= id) capacity *= 2;
        const bigger = new Int32Array(capacity);
        bigger.set(table);
        table = bigger;
      }
      table[id] = local + 1;
    }
    this.#parts.set(peer, table);
  }

  /** Rewrites the entries of `chunk` (up to `end`), written by `peer`, with this worker's ids. */
  translate(peer: number, chunk: Int32Array, end: number): void {
    const table = this.#parts.get(peer) ?? new Int32Array(0);
    const shapes = this.#shapes.get(peer) ?? new Map<number, number>();
    forEachEntry(chunk, 0, end, (at, first, last) => {
      const code = chunk[at + 2] ?? 0;
      if (code >= 0) {
        const shape = shapes.get(code);
        if (shape === undefined)
          throw new Error(`PartImporter: worker ${peer} sent an unknown shape ${code}`);
        chunk[at + 2] = shape;
      }
      for (let s = first; s < last; s++) chunk[s] = localId(table, chunk[s] ?? 0, peer);
    });
  }

  /** Forgets `peer`'s ids: it compacted its parts, and will send definitions again. */
  forget(peer: number): void {
    this.#parts.delete(peer);
    this.#shapes.delete(peer);
  }

  /** Forgets every worker's ids: this worker compacted its parts, so its own ids changed. */
  forgetAll(): void {
    this.#parts.clear();
    this.#shapes.clear();
  }
}

function localId(table: Int32Array, id: number, peer: number): number {
  const local = (table[id] ?? 0) - 1;
  if (local < 0) throw new Error(`PartImporter: worker ${peer} sent part ${id} without its definition`);
  return local;
}
