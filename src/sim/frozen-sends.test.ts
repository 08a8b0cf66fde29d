import { describe, expect, it } from 'vitest';
import { defineProtocol } from '../core/index.js';
import { frozenWriteOf } from './frozen-sends.js';
import { simulate, type Failure } from './simulator.js';

/** The failure of a one-seed run of two nodes running `protocol`. */
function failureOf(protocol: ReturnType<typeof defineProtocol>): Failure | undefined {
  return simulate({ nodes: { a: protocol, b: protocol }, durationMs: 100 }, { seed: 1, trace: true }).failure;
}

describe('a write to an object frozen by a send names the send', () => {
  it('a receiver that keeps a received array and pushes to it later', () => {
    const keeper = defineProtocol<{ kept: number[] | null }, { readonly items: number[] }>({
      name: 'keeper',
      init: () => ({ kept: null }),
      onBoot(context) {
        if (context.id === 'a') context.setTimer('tell', 40);
      },
      onTimer(context) {
        context.send(context.peers[0]!, { items: [1] });
        context.send(context.peers[0]!, { items: [2] });
      },
      onMessage(context, _from, message) {
        if (context.state.kept === null) context.state.kept = message.items;
        else context.state.kept.push(...message.items);
      },
    });
    const failure = failureOf(keeper);
    expect(failure).toMatchObject({
      kind: 'protocol-fault',
      node: 'b',
      handler: 'onMessage',
      fault: 'threw',
    });
    expect((failure as { detail: string }).detail).toBe(
      'threw TypeError: Cannot add property 1, object is not extensible: tried to modify an object that was ' +
        'frozen when it was sent by node a in onTimer at 40 ms (messages are frozen on send: copy before ' +
        'mutating, or send a copy)',
    );
  });

  it('a handler that changes the message it received, and a Map it sent', () => {
    const changer = defineProtocol<null, { count: number }>({
      name: 'changer',
      init: () => null,
      onBoot(context) {
        if (context.id === 'a') context.send(context.peers[0]!, { count: 1 });
      },
      onMessage(_context, _from, message) {
        message.count++;
      },
    });
    expect((failureOf(changer as never) as { detail: string }).detail).toMatch(
      /read only property 'count'.*: tried to modify an object that was frozen when it was sent by node a in onBoot at 0 ms/,
    );
    const mapper = defineProtocol<{ seen: Map<string, number> }, Map<string, number>>({
      name: 'mapper',
      init: () => ({ seen: new Map() }),
      onBoot(context) {
        context.send(context.peers[0]!, context.state.seen);
        context.state.seen.set(context.id, 1);
      },
    });
    expect((failureOf(mapper as never) as { detail: string }).detail).toMatch(
      /frozen Map or Set.*: tried to modify an object that was frozen when it was sent by node a in onBoot at 0 ms/,
    );
  });

  it('an object frozen another way gets the general hint; other errors are left alone', () => {
    const freezer = defineProtocol<{ list: number[] }, null>({
      name: 'freezer',
      init: () => ({ list: Object.freeze([]) as unknown as number[] }),
      onBoot(context) {
        context.state.list.push(1);
      },
    });
    expect((failureOf(freezer as never) as { detail: string }).detail).toBe(
      'threw TypeError: Cannot add property 0, object is not extensible: tried to modify a frozen object ' +
        '(fairlink freezes messages on send, timer data and persisted values: copy before mutating, or send a copy)',
    );
    expect(frozenWriteOf('threw TypeError: x is not a function')).toBeUndefined();
  });
});
