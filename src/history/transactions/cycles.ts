/**
 * Cycle search in a dependency graph, in Elle's order: within each strongly connected
 * component, first a cycle of write-write edges only (G0), then of write-write and write-read
 * edges with at least one write-read (G1c), then one with exactly one read-write edge
 * (G-single), then any (G2-item); with real-time edges, the same names with `-realtime` for
 * cycles that need one, and `-process` for those that need a client's own order.
 *
 * Each search is a breadth-first search from the target of one edge back to its source, so it
 * finds a shortest cycle through that edge. The single-anti-dependency search tries at most
 * {@link SINGLE_RW_ATTEMPTS} read-write edges of a component before it takes any cycle, which
 * keeps the cost near-linear on huge components; it can then name G2-item a component that also
 * holds a G-single cycle.
 *
 * @module
 */
import type { AnomalyType } from './anomalies.js';
import { DATA, PROCESS, RT, RW, WR, WW, type DependencyGraph } from './graph.js';

/** How many read-write edges of one component to try for a G-single cycle. */
export const SINGLE_RW_ATTEMPTS = 64;

/** A cycle found, named, as edge indices of its graph, in order. */
export interface FoundCycle {
  readonly type: AnomalyType;
  readonly edges: readonly number[];
}

/** The anomaly a cycle of these edges shows (Adya's definitions, Elle's names). */
export function classifyCycle(graph: DependencyGraph, edges: readonly number[]): AnomalyType {
  let rw = 0;
  let wr = 0;
  let rt = 0;
  let process = 0;
  for (const e of edges) {
    const kind = graph.kindOf(e);
    if (kind === RW) rw++;
    else if (kind === WR) wr++;
    else if (kind === RT) rt++;
    else if (kind === PROCESS) process++;
  }
  const base = rw >= 2 ? 'G2-item' : rw === 1 ? 'G-single' : wr > 0 ? 'G1c' : 'G0';
  return rt > 0 ? `${base}-realtime` : process > 0 ? `${base}-process` : base;
}

/** Up to `limit` edges of `kind` between members of the component. */
function edgesInside(
  graph: DependencyGraph,
  members: readonly number[],
  kind: number,
  inside: (v: number) => boolean,
  limit: number,
): number[] {
  const found: number[] = [];
  for (const v of members) {
    for (const e of graph.edgesFrom(v, kind)) {
      if (inside(graph.edge(e).to)) {
        found.push(e);
        if (found.length >= limit) return found;
      }
    }
  }
  return found;
}

/** One cycle per component of the `mask` graph that holds an edge of `through`, through such an edge. */
function cyclesThrough(graph: DependencyGraph, mask: number, through: number, search: number): FoundCycle[] {
  const { componentOf, cyclic } = graph.components(mask);
  const found: FoundCycle[] = [];
  for (const members of cyclic) {
    const c = componentOf[members[0] as number];
    const inside = (v: number): boolean => componentOf[v] === c;
    const [edge] = edgesInside(graph, members, through, inside, 1);
    if (edge === undefined) continue;
    const cycle = graph.cycleThrough(edge, search, inside);
    if (cycle !== undefined) found.push({ type: classifyCycle(graph, cycle), edges: cycle });
  }
  return found;
}

/** Cycles of read-write edges (and the rest of `mask`): G-single where one exists, else any. */
function antiDependencyCycles(graph: DependencyGraph, mask: number, through: number): FoundCycle[] {
  const { componentOf, cyclic } = graph.components(mask);
  const found: FoundCycle[] = [];
  for (const members of cyclic) {
    const c = componentOf[members[0] as number];
    const inside = (v: number): boolean => componentOf[v] === c;
    const candidates = edgesInside(graph, members, through, inside, SINGLE_RW_ATTEMPTS);
    if (candidates.length === 0) continue;
    let cycle: number[] | undefined;
    for (const e of candidates) {
      // Back from an rw edge without another rw: exactly one anti-dependency.
      cycle = graph.cycleThrough(e, mask & ~RW, inside);
      if (cycle !== undefined) break;
    }
    cycle ??= graph.cycleThrough(candidates[0] as number, mask, inside);
    if (cycle !== undefined) found.push({ type: classifyCycle(graph, cycle), edges: cycle });
  }
  return found;
}

/**
 * Cycles that need an edge of `order` (real time or process order): one per component of the
 * data and `order` edges that holds such an edge, through it, preferring one without
 * anti-dependencies (G0 or G1c), then any.
 */
function orderCycles(graph: DependencyGraph, order: number): FoundCycle[] {
  const mask = DATA | order;
  const { componentOf, cyclic } = graph.components(mask);
  const found: FoundCycle[] = [];
  for (const members of cyclic) {
    const c = componentOf[members[0] as number];
    const inside = (v: number): boolean => componentOf[v] === c;
    const candidates = edgesInside(graph, members, order, inside, SINGLE_RW_ATTEMPTS);
    let cycle: number[] | undefined;
    for (const e of candidates) {
      cycle = graph.cycleThrough(e, WW | WR | order, inside);
      if (cycle !== undefined) break;
    }
    if (cycle === undefined && candidates.length > 0)
      cycle = graph.cycleThrough(candidates[0] as number, mask, inside);
    if (cycle !== undefined) found.push({ type: classifyCycle(graph, cycle), edges: cycle });
  }
  return found;
}

/**
 * Every cycle class the graph shows, one cycle per component and class; then cycles that need a
 * real-time edge, or a process-order edge, when the graph holds them (`orders`: `RT`, `PROCESS`).
 */
export function findCycles(graph: DependencyGraph, orders: readonly number[] = []): FoundCycle[] {
  return [
    ...cyclesThrough(graph, WW, WW, WW),
    ...cyclesThrough(graph, WW | WR, WR, WW | WR),
    ...antiDependencyCycles(graph, DATA, RW),
    ...orders.flatMap((order) => orderCycles(graph, order)),
  ];
}
