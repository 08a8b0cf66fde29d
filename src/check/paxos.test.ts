/**
 * Single-decree Paxos as an actor system (examples/paxos.ts), cross-checked against Stateright
 * 0.31's `examples/paxos.rs`: the same model must explore exactly the same state space. The
 * 3-client count is in `paxos.long.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import paxosScenario from '../../examples/paxos.js';
import type { ActorAction, ActorState } from './actors.js';
import { check } from './check.js';
import type { Model } from './model.js';

function paxosModel(clients: number): Model<ActorState, ActorAction> {
  return (paxosScenario.model as (params: { clients: number }) => Model<ActorState, ActorAction>)({
    clients,
  });
}

describe('Paxos, as Stateright checks it', () => {
  it('2 clients: 16,668 states, 32,971 generated, depth 21, linearizable, a value is chosen', () => {
    const result = check(paxosModel(2));
    expect(result).toMatchObject({
      verdict: 'ok',
      complete: true,
      distinctStates: 16_668,
      generatedStates: 32_971,
      maxDepth: 21,
    });
    expect(result.properties.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['linearizable', 'ok'],
      ['value chosen', 'ok'],
    ]);
    // Stateright's discovery, a shortest path to a read's reply: 8 deliveries.
    const chosen = result.properties.find((outcome) => outcome.name === 'value chosen');
    expect(chosen?.path?.actions).toHaveLength(8);
  });
});
