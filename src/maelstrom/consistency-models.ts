/**
 * The consistency models `--consistency-models` accepts: Elle's names (Jepsen's
 * transaction checker, which Maelstrom's txn workloads hand them to), kept in
 * one place so that the CLI, the workloads and the docs agree.
 *
 * Only transactional workloads judge against these models; the others have a
 * fixed check (lin-kv: linearizability), and a run of theirs given models says
 * so in a warning instead of refusing them, as Maelstrom accepts the flag for
 * every workload.
 */

/** Elle's consistency model names, weakest families first. */
export const CONSISTENCY_MODELS = [
  'read-uncommitted',
  'read-committed',
  'monotonic-view',
  'monotonic-snapshot-read',
  'consistent-view',
  'forward-consistent-view',
  'monotonic-atomic-view',
  'read-atomic',
  'causal-cerone',
  'prefix',
  'parallel-snapshot-isolation',
  'cursor-stability',
  'repeatable-read',
  'update-serializable',
  'snapshot-isolation',
  'serializable',
  'strong-session-read-uncommitted',
  'strong-session-read-committed',
  'strong-session-snapshot-isolation',
  'strong-session-serializable',
  'strong-read-uncommitted',
  'strong-read-committed',
  'strong-snapshot-isolation',
  'strong-serializable',
  'strict-serializable',
  'sequential',
  'linearizable',
] as const;
/** One of {@link CONSISTENCY_MODELS}. */
export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

/** Whether `name` is one of Elle's models. */
export function isConsistencyModel(name: string): name is ConsistencyModel {
  return (CONSISTENCY_MODELS as readonly string[]).includes(name);
}
