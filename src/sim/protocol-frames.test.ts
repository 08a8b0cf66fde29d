import { describe, expect, it } from 'vitest';
import { simulate } from './simulator.js';
import type { NodeId } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { protocolFrames } from '../core/index.js';

describe('protocolFrames', () => {
  it("keeps the protocol's frames: not the context method that refused a call, nor the engine below", () => {
    const helper = (send: () => void): void => send();
    const stray = defineProtocol<null, string>({
      name: 'stray',
      init: () => null,
      onBoot(context) {
        helper(() => context.send('nowhere' as NodeId, 'hello'));
      },
    });
    const failure = simulate({ nodes: { a: stray }, durationMs: 10 }, { seed: 1 }).failure;
    expect(failure).toMatchObject({ kind: 'protocol-fault', fault: 'bad-call' });
    const stack = (failure as { stack?: string[] }).stack ?? [];
    // The arrow function that called send, helper, then onBoot: three frames, all in this file.
    expect(stack).toHaveLength(3);
    for (const frame of stack) expect(frame).toMatch(/src\/sim\/protocol-frames\.test\.ts:\d+:\d+\)?$/);
    expect(stack[2]).toContain('onBoot');
  });

  it('gives nothing for a value without a stack, or a stack without frames', () => {
    expect(protocolFrames('boom')).toBeUndefined();
    expect(protocolFrames({ stack: 'Error: boom' })).toBeUndefined();
  });
});
