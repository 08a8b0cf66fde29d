/**
 * Liveness of a workload: once faults heal, the service serves every client again.
 *
 * @module
 */
import { eventually, type Property } from '../../core/index.js';
import type { WorkloadClientState } from './client.js';

/** Options of {@link clientsProgress}. */
export interface ClientsProgressOptions {
  /** The group of the client nodes (default `clients`). */
  readonly group?: string;
}

/**
 * An `eventually` property: every client finishes its workload, and every one of its final
 * operations (run once faults have healed: see `WorkloadClientOptions.final`) ends `ok`. With the
 * liveness phase's `withinMs`, that bounds how long the service takes to serve every client
 * again. Operations started during the faults, or in the moments after the heal while a leader
 * is elected, may still time out: they are judged by the history checkers, not here.
 */
export function clientsProgress(options: ClientsProgressOptions = {}): Property {
  const group = options.group ?? 'clients';
  return eventually('every client finishes, its final operations served', (view) => {
    for (const client of view.group(group)) {
      const state = view.state<WorkloadClientState>(client);
      if (state === undefined || !state.done) return `${client} has not finished`;
      const { fail, info } = state.finalOutcomes;
      if (fail + info > 0) return `${client}: ${fail} final operation(s) failed, ${info} timed out`;
    }
    return true;
  });
}
