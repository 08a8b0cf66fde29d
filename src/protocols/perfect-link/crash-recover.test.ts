/**
 * The perfect link under crash-recover, model-checked: the receiver may crash once and recover.
 * "Every message is delivered" is a liveness property that needs recovery to be fair: with the
 * lecture's fairness alone, a receiver that crashes and stays down is a fair behaviour.
 */
import { describe, expect, it } from 'vitest';
import { actorModel, type ActorState, type ActorSystem } from '../../check/index.js';
import { check } from '../../check/index.js';
import { always, eventually, type SystemView } from '../../core/index.js';
import { perfectLinkNode, type PerfectLinkNodeState } from './perfect-link.js';

const PAYLOADS = ['a', 'b'];

function deliveredAt(view: SystemView, node: string): string[] {
  return view.state<PerfectLinkNodeState<string>>(node)?.delivered.map((d) => d.payload) ?? [];
}

/** n1 sends two payloads to n2 over a lossy network; one node (n2 by default) may crash once and recover. */
function linkModel(options: { durable: boolean; fairRecovery: boolean; crashable?: readonly string[] }) {
  const protocol = perfectLinkNode<string>({
    resendMs: 10,
    outbox: { n1: PAYLOADS.map((payload) => ({ to: 'n2', payload })) },
    durable: options.durable,
  });
  const system: ActorSystem = {
    nodes: { n1: protocol, n2: protocol },
    network: { semantics: 'unordered', lossy: true },
    crashes: {
      max: 1,
      recover: true,
      nodes: options.crashable ?? ['n2'],
      fairRecovery: options.fairRecovery,
    },
    properties: [
      always('no duplicate delivery', (view) => {
        const delivered = deliveredAt(view, 'n2');
        return new Set(delivered).size === delivered.length;
      }),
      eventually('every message delivered', (view) =>
        PAYLOADS.every((payload) => deliveredAt(view, 'n2').includes(payload)),
      ),
    ],
  };
  return actorModel(system);
}

describe('the perfect link under crash-recover', () => {
  it('fails "every message delivered" when recovery is owed nothing: the receiver crashes and stays down', () => {
    const result = check(linkModel({ durable: true, fairRecovery: false }));
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('every message delivered');
    const path = result.path;
    if (path === undefined) throw new Error('no counterexample');
    const types = path.actions.map((action) => action.type);
    expect(types).toContain('crash');
    expect(types).not.toContain('recover');
    // From the crash on, n2 is down in every state: in the cycle (n1 resending) or where it stops.
    const crashedAt = types.indexOf('crash') + 1;
    for (const state of path.states.slice(crashedAt)) expect(state.nodes['n2']?.status).toBe('down');
  });

  it('delivers every message, exactly once, when recovery is fair and the link persists its state', () => {
    const result = check(linkModel({ durable: true, fairRecovery: true }));
    expect(result.verdict).toBe('ok');
    expect(result.complete).toBe(true);
  });

  it('recovers a crashed sender too: it resumes retransmitting what is not acknowledged', () => {
    const result = check(linkModel({ durable: true, fairRecovery: true, crashable: ['n1', 'n2'] }));
    expect(result.verdict).toBe('ok');
    expect(result.complete).toBe(true);
  });

  it('without durable state, even fair recovery is not enough: the recovered receiver forgot its deliveries', () => {
    const result = check(linkModel({ durable: false, fairRecovery: true }));
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('every message delivered');
    const path = result.path;
    if (path === undefined) throw new Error('no counterexample');
    const types = path.actions.map((action) => action.type);
    // n2 delivers, crashes after its acks left, and comes back with an empty queue.
    expect(types.indexOf('recover')).toBeGreaterThan(types.indexOf('crash'));
    // The path's states are the checker's own: read n2's state there directly.
    const deliveredIn = (state: ActorState | undefined): string[] =>
      (state?.nodes['n2']?.state as PerfectLinkNodeState<string> | null | undefined)?.delivered.map(
        (d) => d.payload,
      ) ?? [];
    expect(path.states.some((state) => deliveredIn(state).length > 0)).toBe(true);
    expect(deliveredIn(path.states[path.states.length - 1])).not.toEqual(PAYLOADS);
  });
});
