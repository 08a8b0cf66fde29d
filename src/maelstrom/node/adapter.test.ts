import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineProtocol, type Protocol } from '../../core/index.js';
import { broadcastNode } from '../nodes/broadcast.js';
import { echoNode } from '../nodes/echo.js';
import type { Body } from '../protocol.js';
import { runMaelstromNode } from './adapter.js';

const INIT = {
  src: 'c0',
  dest: 'n1',
  body: { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n0', 'n1'] },
};

/** Runs `protocol` on these input lines (then, after `waitMs`, end of input). */
async function feed<State>(
  protocol: Protocol<State, Body>,
  lines: readonly unknown[],
  waitMs = 0,
): Promise<{ code: number; out: unknown[]; logs: string[] }> {
  const input = new PassThrough();
  const written: string[] = [];
  const logs: string[] = [];
  const done = runMaelstromNode(
    protocol,
    { input, output: { write: (text) => written.push(text) }, log: (line) => logs.push(line) },
    { seed: 1 },
  );
  for (const line of lines) input.write(typeof line === 'string' ? `${line}\n` : `${JSON.stringify(line)}\n`);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  input.end();
  const code = await done;
  const text = written.join('');
  expect(text.endsWith('\n') || text === '').toBe(true);
  return {
    code,
    out: text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown),
    logs,
  };
}

describe('runMaelstromNode', () => {
  it('answers init itself, then runs the protocol on each message', async () => {
    const { code, out, logs } = await feed(echoNode(), [
      { src: 'c2', dest: 'n1', body: { type: 'echo', msg_id: 5, echo: 'before init' } },
      INIT,
      { id: 3, src: 'c2', dest: 'n1', body: { type: 'echo', msg_id: 6, echo: 'hi' } },
      'not json',
    ]);
    expect(out).toEqual([
      { src: 'n1', dest: 'c0', body: { type: 'init_ok', in_reply_to: 1 } },
      { src: 'n1', dest: 'c2', body: { type: 'echo_ok', echo: 'hi', in_reply_to: 6 } },
    ]);
    expect(logs).toEqual([
      "fairlink: a 'echo' message before init: ignored",
      'fairlink: maelstrom-echo is n1 of n0,n1 (seed 1)',
      'fairlink: ignored an input line (not JSON): not json',
    ]);
    expect(code).toBe(0);
  });

  it('runs timers on the real clock: broadcast gossips to its tree neighbour', async () => {
    const { out } = await feed(
      broadcastNode({ gossipMs: 20 }),
      [INIT, { src: 'c2', dest: 'n1', body: { type: 'broadcast', msg_id: 2, message: 42 } }],
      150,
    );
    expect(out).toContainEqual({ src: 'n1', dest: 'c2', body: { type: 'broadcast_ok', in_reply_to: 2 } });
    expect(out).toContainEqual({ src: 'n1', dest: 'n0', body: { type: 'gossip', messages: [42] } });
  });

  it('carries non-JSON plain data between fairlink nodes, tagged', async () => {
    const mapper = defineProtocol<null, Body>({
      name: 'mapper',
      init: () => null,
      onMessage(context, from, message) {
        const data = message['data'];
        context.send(from, { type: 'echo_ok', isMap: data instanceof Map, data: new Map([['k', 2n]]) });
      },
    });
    const { out } = await feed(mapper, [
      INIT,
      { src: 'n0', dest: 'n1', body: { type: 'm', data: { $map: [[1, 2]] } } },
    ]);
    expect(out[1]).toEqual({
      src: 'n1',
      dest: 'n0',
      body: { type: 'echo_ok', isMap: true, data: { $map: [['k', { $bigint: '2' }]] } },
    });
  });

  it('stops with exit code 1 when a handler breaks the rules', async () => {
    const thrower = defineProtocol<null, Body>({
      name: 'thrower',
      init: () => null,
      onMessage(context, from) {
        context.send(from, { type: 'never sent' });
        throw new Error('boom');
      },
    });
    const { code, out, logs } = await feed(thrower, [
      INIT,
      { src: 'c2', dest: 'n1', body: { type: 'x', msg_id: 2 } },
    ]);
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    expect(logs[1]).toBe('fairlink: thrower broke the rules in n1.onMessage: threw Error: boom; stopping');
  });
});
