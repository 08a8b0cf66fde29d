/**
 * A key-value client workload for Raft: random reads, writes and
 * compare-and-sets on a few keys, with unique written values so that a
 * checker can tell every write apart.
 */

import type { ClientOperation } from './client.js';
import type { KvCommand } from './machines.js';

/** Settings of the workload. */
export interface KvWorkloadOptions {
  /** Operations per client (default 20). */
  readonly operations?: number;
  /** The keys operated on (default `['x', 'y']`). */
  readonly keys?: readonly string[];
  /** Share of reads, writes and cas (default 0.4, 0.4, 0.2). */
  readonly mix?: { readonly read: number; readonly write: number; readonly cas: number };
  /** Distinguishes this client's written values from other clients' (values are `client * 10_000 + n`). */
  readonly clientNumber: number;
}

/** The `next` function of a `raftClient` running this workload. */
export function kvWorkload(
  options: KvWorkloadOptions,
): (issued: number, random: () => number) => ClientOperation<KvCommand> | null {
  const operations = options.operations ?? 20;
  const keys = options.keys ?? ['x', 'y'];
  const mix = options.mix ?? { read: 0.4, write: 0.4, cas: 0.2 };
  const total = mix.read + mix.write + mix.cas;
  return (issued, random) => {
    if (issued >= operations) return null;
    const key = keys[Math.floor(random() * keys.length)] as string;
    const draw = random() * total;
    const value = options.clientNumber * 10_000 + issued;
    if (draw < mix.read) return { command: { op: 'get', key }, f: 'read', value: { key, value: null } };
    if (draw < mix.read + mix.write)
      return { command: { op: 'put', key, value }, f: 'write', value: { key, value } };
    const from = Math.floor(random() * 3) === 0 ? null : Math.max(0, value - 1 - Math.floor(random() * 3));
    return {
      command: { op: 'cas', key, from: from ?? -1, to: value },
      f: 'cas',
      value: { key, from: from ?? -1, to: value },
    };
  };
}
