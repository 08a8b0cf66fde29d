import { describe, expect, it } from 'vitest';
import { constant, simulate } from '../../sim/index.js';
import { invariant } from '../../core/index.js';
import { expectScenarioPasses } from '../../testing/index.js';
import {
  retransmitReceiver,
  retransmitSender,
  type RetransmitReceiverState,
  type RetransmitSenderState,
} from './stubborn-link.js';

/** Runs sender and receiver and returns their final states. */
function run(network: Parameters<typeof simulate>[0]['network'], seed: number) {
  let sender: RetransmitSenderState | undefined;
  let receiver: RetransmitReceiverState | undefined;
  const result = simulate(
    {
      nodes: {
        sender: retransmitSender({ to: 'receiver', payload: 'm', resendMs: 20 }),
        receiver: retransmitReceiver,
      },
      ...(network ? { network } : {}),
      durationMs: 5_000,
      properties: [
        invariant('probe', (view) => {
          sender = view.state<RetransmitSenderState>('sender') ?? sender;
          receiver = view.state<RetransmitReceiverState>('receiver') ?? receiver;
          return true;
        }),
      ],
    },
    { seed },
  );
  return { result, sender, receiver };
}

describe('retransmit until acknowledged (the stubborn link)', () => {
  it('sends once when nothing is lost and the round trip beats the timer', () => {
    const { result, sender, receiver } = run({ delay: constant(1) }, 1);
    expect(result.ok).toBe(true);
    expect(sender).toEqual({ sends: 1, acknowledgedAtMs: 2 });
    expect(receiver?.received).toBe(1);
  });

  it('keeps resending on its timer while the round trip is longer than the timer', () => {
    // A 50 ms round trip against a 20 ms timer: copies at 0, 20, 40 before the first ack lands at 50.
    const { sender, receiver } = run({ delay: constant(25) }, 1);
    expect(sender).toEqual({ sends: 3, acknowledgedAtMs: 50 });
    expect(receiver?.received).toBe(3);
  });

  it('stops resending once acknowledged, and the run then ends by itself', () => {
    const { result, sender } = run({ drop: 0.5, delay: constant(5) }, 7);
    expect(sender?.acknowledgedAtMs).not.toBeNull();
    // No timer left: the queue empties long before the 5 s bound.
    expect(result.endMs).toBeLessThan(5_000);
  });

  it('the retransmit example gets its ack under 50% drop and exponential delays (seeds 1..30)', async () => {
    // As a user's test would run it: the seed sweep of `fairlink sim`, whose report a failure throws.
    const result = await expectScenarioPasses(new URL('../../../examples/retransmit.ts', import.meta.url), {
      seeds: { from: 1, to: 30 },
    });
    // More deliveries than one m and one ack per run: the receiver does see copies.
    expect(result.stats.deliveries).toBeGreaterThan(30 * 2);
  });

  it('refuses a non-positive resend interval', () => {
    expect(() => retransmitSender({ to: 'receiver', payload: 'm', resendMs: 0 })).toThrow(/resendMs/);
  });
});
