/**
 * The examples' models, checked exhaustively: the cross-checks of the model-checker issue
 * (two generals fail for every k tried; retransmission satisfies its fair liveness property;
 * the perfect link delivers exactly once for 2 nodes and 2 messages).
 */
import { describe, expect, it } from 'vitest';
import perfectLinkScenario from '../../examples/perfect-link.js';
import retransmitScenario from '../../examples/retransmit.js';
import twoGeneralsScenario from '../../examples/two-generals.js';
import { defineProtocol } from '../core/index.js';
import { nodeId } from '../core/index.js';
import { actorModel, type ActorAction, type ActorState } from './actors.js';
import { check } from './check.js';
import { always, eventually } from '../core/index.js';
import { type Model } from './model.js';
import { expectCheckPasses } from '../testing/index.js';

function modelOf<P extends Record<string, unknown>>(
  scenario: { params: P; model?: (params: P) => unknown },
  overrides: Partial<P> = {},
): Model<ActorState, ActorAction> {
  if (!scenario.model) throw new Error('the example has no model');
  return scenario.model({ ...scenario.params, ...overrides }) as Model<ActorState, ActorAction>;
}

describe('model-checking the examples', () => {
  it.each([1, 2, 3, 4])(
    'two generals with %i round(s) of acknowledgements: one general attacks alone',
    (rounds) => {
      const result = check(modelOf(twoGeneralsScenario, { rounds }));
      expect(result.verdict).toBe('violation');
      expect(result.property?.name).toBe('both attack or neither');
      // The shortest such run: every message of the chain but the last arrives, then both deadlines pass.
      expect(result.path?.actions.filter((action) => action.type === 'deliver')).toHaveLength(rounds);
    },
  );

  it('retransmit-until-ack: the sender eventually gets its ack under fairness, though unfair runs drop every copy', async () => {
    // As a user's test would check it: `fairlink check`, whose report a violation throws.
    const report = await expectCheckPasses(new URL('../../examples/retransmit.ts', import.meta.url));
    expect(report).toMatch(/^PASS retransmit: every property holds/);
    // The unfair run exists: from the initial state, dropping m and resending returns to it.
    const model = modelOf(retransmitScenario);
    const [initial] = model.init();
    const out: ActorAction[] = [];
    model.actions(initial as ActorState, out);
    expect(out.some((action) => action.type === 'drop')).toBe(true);
  });

  it('the perfect link over retransmission: no duplicate or lost delivery, exhaustively, for 2 nodes and 2 messages', () => {
    const result = check(modelOf(perfectLinkScenario, { messages: 2 }));
    expect(result.verdict).toBe('ok');
    expect(result.complete).toBe(true);
    expect(result.properties.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['no duplicate delivery', 'ok'],
      ['all delivered', 'ok'],
    ]);
    expect(result.distinctStates).toBeGreaterThan(100);
  });

  it('a link without deduplication delivers twice, and the checker shows how', () => {
    const receiver = nodeId('receiver');
    type Message = { readonly type: 'data' } | { readonly type: 'ack' };
    const sender = defineProtocol<{ acked: boolean }, Message>({
      name: 'naive-sender',
      init: () => ({ acked: false }),
      onBoot(context) {
        context.send(receiver, { type: 'data' });
        context.setTimer('resend', 10);
      },
      onMessage(context) {
        context.state.acked = true;
      },
      onTimer(context) {
        if (context.state.acked) return;
        context.send(receiver, { type: 'data' });
        context.setTimer('resend', 10);
      },
    });
    const naiveReceiver = defineProtocol<{ delivered: number }, Message>({
      name: 'naive-receiver',
      init: () => ({ delivered: 0 }),
      onMessage(context, from) {
        context.state.delivered = Math.min(context.state.delivered + 1, 2);
        context.send(from, { type: 'ack' });
      },
    });
    const result = check(
      actorModel({
        nodes: { sender, receiver: naiveReceiver },
        network: { semantics: 'unordered-duplicating' },
        properties: [
          always(
            'no duplicate delivery',
            (view) => (view.state<{ delivered: number }>('receiver')?.delivered ?? 0) <= 1,
          ),
          eventually(
            'delivered',
            (view) => (view.state<{ delivered: number }>('receiver')?.delivered ?? 0) >= 1,
          ),
        ],
      }),
    );
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe('no duplicate delivery');
    expect(result.path?.actions.map((action) => action.type)).toEqual(['deliver', 'deliver']);
  });
});
