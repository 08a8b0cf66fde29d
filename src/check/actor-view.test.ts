import { describe, expect, it } from 'vitest';
import { nodeId } from '../core/index.js';
import { always, sometimes } from '../core/index.js';
import { defineProtocol } from '../core/index.js';
import { actorModel } from './actors.js';
import { check } from './check.js';

type Message = { readonly type: 'note'; readonly n: number };

/** `writer` persists a counter and sends it to `reader`; both may crash. */
const writer = defineProtocol<{ sent: number }, Message>({
  name: 'writer',
  init: () => ({ sent: 0 }),
  onBoot(context) {
    context.persist('count', 1);
    context.state.sent = 1;
    context.send(nodeId('reader'), { type: 'note', n: 1 });
  },
});
const reader = defineProtocol<{ got: number }, Message>({
  name: 'reader',
  init: () => ({ got: 0 }),
  onMessage(context, _from, message) {
    context.state.got = message.n;
  },
});

describe('the view that properties get in fairlink check', () => {
  it('shows node state only while up, durable storage as a Map, the messages in flight and the groups', () => {
    const observed: string[] = [];
    const probe = always('probe', (view) => {
      const reader = view.state<{ got: number }>('reader');
      observed.push(
        [
          `writer ${view.isUp('writer') ? 'up' : 'down'} ${String(view.state<{ sent: number }>('writer')?.sent)}`,
          `durable ${String(view.durable('writer').get('count'))}`,
          `reader ${reader === undefined ? 'down' : reader.got}`,
          `in flight ${view.inFlight().length}`,
          `now ${view.now}`,
          `nodes ${view.group('nodes').join(',')}`,
        ].join('; '),
      );
      return true;
    });
    const result = check(
      actorModel({
        nodes: { writer, reader },
        crashes: { max: 1, nodes: ['writer'] },
        properties: [probe],
      }),
    );
    expect(result.verdict).toBe('ok');
    expect(observed).toContain('writer up 1; durable 1; reader 0; in flight 1; now 0; nodes writer,reader');
    expect(observed).toContain('writer up 1; durable 1; reader 1; in flight 0; now 0; nodes writer,reader');
    // A crashed node has no state, but keeps its durable storage.
    expect(observed).toContain(
      'writer down undefined; durable 1; reader 0; in flight 1; now 0; nodes writer,reader',
    );
  });

  it('refuses ghost memory, naming the key: a state has many pasts', () => {
    const model = actorModel({
      nodes: { writer, reader },
      properties: [sometimes('remembers', (view) => view.ghost('seen', () => new Set<string>()).size > 0)],
    });
    expect(() => check(model)).toThrow(/ghost memory \('seen'\) needs one past per run/);
  });
});
