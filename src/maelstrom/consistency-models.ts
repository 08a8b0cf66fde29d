/**
 * The consistency models `--consistency-models` accepts: the transaction checker's own list
 * (src/history/transactions/anomalies.ts), named as Elle names them, so that the flag accepts
 * exactly the models a transactional workload can be judged against. Elle knows more names
 * (causal, prefix, parallel snapshot isolation …) that item histories of this checker cannot
 * tell apart: such a name is refused, with the list, rather than silently not judged.
 *
 * Only transactional workloads judge against these models; the others have a fixed check
 * (lin-kv: linearizability), and a run of theirs given models says so in a note instead of
 * refusing them, as Maelstrom accepts the flag for every workload.
 */

import { consistencyModels, type ConsistencyModel } from '../history/index.js';

/** The models, weakest first (the transaction checker's list). */
export const CONSISTENCY_MODELS: readonly ConsistencyModel[] = consistencyModels;
export type { ConsistencyModel };

/** Whether `name` is one of {@link CONSISTENCY_MODELS}. */
export function isConsistencyModel(name: string): name is ConsistencyModel {
  return (CONSISTENCY_MODELS as readonly string[]).includes(name);
}
