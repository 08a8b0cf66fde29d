import { describe, expect, it } from 'vitest';
import type { SimSnapshot } from '../sim/index.js';
import { actionOfChoice } from './choices.js';

describe('a choice of message names the very copy chosen', () => {
  // Two copies alike in flight on one link (a resent heartbeat): the later one is chosen.
  const heartbeat = { type: 'append', term: 2, entries: [] };
  const snapshot = {
    inFlight: [
      { msg: 'm3', from: 'n1', to: 'n2', message: heartbeat },
      { msg: 'm7', from: 'n1', to: 'n2', message: heartbeat },
    ],
  } as unknown as SimSnapshot;

  it.each(['deliver', 'drop'] as const)('%s', (kind) => {
    expect(actionOfChoice(snapshot, `${kind}:m7`)).toEqual({
      type: kind,
      from: 'n1',
      to: 'n2',
      message: heartbeat,
      msg: 'm7',
    });
  });
});
