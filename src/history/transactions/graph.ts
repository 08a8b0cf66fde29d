/**
 * The dependency graph of a history: one node per transaction, one edge per inferred dependency,
 * stored as flat arrays and turned into adjacency arrays (CSR) once built. Strongly connected
 * components by an iterative Tarjan (no recursion, so 100,000 transactions do not overflow the
 * stack), and shortest cycles by breadth-first search restricted to some edge kinds, as Elle
 * searches them.
 *
 * @module
 */

/** Edge kinds, as bits, so that a search can allow a set of them. */
export const WW = 1;
export const WR = 2;
export const RW = 4;
/** Real time: the source completed before the target was invoked. */
export const RT = 8;
/** Process order: the source is the same client's previous committed transaction. */
export const PROCESS = 16;
export const DATA = WW | WR | RW;
export const ALL = DATA | RT | PROCESS;

/** Why an edge exists: the key and the versions involved, for the explanation. */
export interface EdgeDetail {
  readonly key?: unknown;
  /** The version the source wrote (ww, wr) or read (rw; `undefined`: it read the initial, empty state). */
  readonly before?: unknown;
  /** The version the target wrote (ww, rw) or the value it read (wr). */
  readonly after?: unknown;
}

/** An edge of a cycle. */
export interface Edge {
  readonly from: number;
  readonly to: number;
  readonly kind: number;
  readonly detail: EdgeDetail;
}

/** A dependency graph under construction, then searched. */
export class DependencyGraph {
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private readonly kinds: number[] = [];
  // Details in parallel arrays rather than one object per edge: hundreds of thousands of edges.
  private readonly keys: unknown[] = [];
  private readonly befores: unknown[] = [];
  private readonly afters: unknown[] = [];
  private outStart: Int32Array | undefined;
  private outEdges: Int32Array | undefined;

  constructor(readonly nodes: number) {}

  /**
   * Adds an edge; self-loops are dropped. Parallel edges are kept (one per key, say): they cost
   * less than finding them, and change neither the components nor the shortest cycles.
   */
  add(from: number, to: number, kind: number, detail: EdgeDetail): void {
    if (from === to) return;
    this.from.push(from);
    this.to.push(to);
    this.kinds.push(kind);
    this.keys.push(detail.key);
    this.befores.push(detail.before);
    this.afters.push(detail.after);
    this.outStart = undefined;
  }

  get edgeCount(): number {
    return this.from.length;
  }

  edge(index: number): Edge {
    return {
      from: this.from[index] as number,
      to: this.to[index] as number,
      kind: this.kinds[index] as number,
      detail: { key: this.keys[index], before: this.befores[index], after: this.afters[index] },
    };
  }

  /** Adjacency arrays: the edges leaving node `v` are `outEdges[outStart[v] .. outStart[v+1])`. */
  private adjacency(): { outStart: Int32Array; outEdges: Int32Array } {
    if (this.outStart === undefined || this.outEdges === undefined) {
      const n = this.nodes;
      const start = new Int32Array(n + 1);
      for (const f of this.from) start[f + 1] = (start[f + 1] as number) + 1;
      for (let v = 0; v < n; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
      const fill = start.slice(0, n);
      const edges = new Int32Array(this.from.length);
      for (let e = 0; e < this.from.length; e++) {
        const f = this.from[e] as number;
        const at = fill[f] as number;
        edges[at] = e;
        fill[f] = at + 1;
      }
      this.outStart = start;
      this.outEdges = edges;
    }
    return { outStart: this.outStart, outEdges: this.outEdges };
  }

  /**
   * Strongly connected components over the edges whose kind is in `mask`: the component of each
   * node, and the components of more than one node (the only ones with cycles, as there are no
   * self-loops), each as its nodes.
   */
  components(mask: number): { componentOf: Int32Array; cyclic: number[][] } {
    const { outStart, outEdges } = this.adjacency();
    const n = this.nodes;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const componentOf = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    // The call stack of the recursive algorithm, made explicit: a node and its next edge position.
    const callNode = new Int32Array(n);
    const callNext = new Int32Array(n);
    const cyclic: number[][] = [];
    let counter = 0;
    let components = 0;
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      let depth = 0;
      callNode[0] = root;
      callNext[0] = outStart[root] as number;
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = 1;
      while (depth >= 0) {
        const v = callNode[depth] as number;
        const end = outStart[v + 1] as number;
        let descended = false;
        while ((callNext[depth] as number) < end) {
          const position = callNext[depth] as number;
          callNext[depth] = position + 1;
          const e = outEdges[position] as number;
          if (((this.kinds[e] as number) & mask) === 0) continue;
          const w = this.to[e] as number;
          if (index[w] === -1) {
            index[w] = low[w] = counter++;
            stack.push(w);
            onStack[w] = 1;
            depth++;
            callNode[depth] = w;
            callNext[depth] = outStart[w] as number;
            descended = true;
            break;
          }
          if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
        }
        if (descended) continue;
        if (low[v] === index[v]) {
          const members: number[] = [];
          for (;;) {
            const w = stack.pop() as number;
            onStack[w] = 0;
            componentOf[w] = components;
            members.push(w);
            if (w === v) break;
          }
          if (members.length > 1) cyclic.push(members);
          components++;
        }
        depth--;
        if (depth >= 0) {
          const parent = callNode[depth] as number;
          if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
        }
      }
    }
    return { componentOf, cyclic };
  }

  /** The edges leaving `v` whose kind is in `mask`. */
  *edgesFrom(v: number, mask: number): Generator<number> {
    const { outStart, outEdges } = this.adjacency();
    for (let i = outStart[v] as number; i < (outStart[v + 1] as number); i++) {
      const e = outEdges[i] as number;
      if (((this.kinds[e] as number) & mask) !== 0) yield e;
    }
  }

  /**
   * A shortest path from `source` to `target` over edges of `mask` that stays among the nodes
   * for which `inside` holds, as edge indices; `undefined` when there is none.
   */
  shortestPath(
    source: number,
    target: number,
    mask: number,
    inside: (v: number) => boolean,
  ): number[] | undefined {
    const { outStart, outEdges } = this.adjacency();
    const via = new Map<number, number>([[source, -1]]);
    let frontier = [source];
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const v of frontier) {
        for (let i = outStart[v] as number; i < (outStart[v + 1] as number); i++) {
          const e = outEdges[i] as number;
          if (((this.kinds[e] as number) & mask) === 0) continue;
          const w = this.to[e] as number;
          if (via.has(w) || !inside(w)) continue;
          via.set(w, e);
          if (w === target) {
            const path: number[] = [];
            for (let at = target; at !== source;) {
              const edge = via.get(at) as number;
              path.push(edge);
              at = this.from[edge] as number;
            }
            return path.reverse();
          }
          next.push(w);
        }
      }
      frontier = next;
    }
    return undefined;
  }

  /** A cycle through edge `e` over edges of `mask` within `inside`: `e`, then the way back. */
  cycleThrough(e: number, mask: number, inside: (v: number) => boolean): number[] | undefined {
    const back = this.shortestPath(this.to[e] as number, this.from[e] as number, mask, inside);
    return back === undefined ? undefined : [e, ...back];
  }

  kindOf(e: number): number {
    return this.kinds[e] as number;
  }
}
