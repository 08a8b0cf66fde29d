import { describe, expect, it } from 'vitest';
import { randomStream } from '../core/index.js';
import type { Body } from './protocol.js';
import { lastWriteWinsKv, linearizableKv, sequentialKv, timestampOracle, type Service } from './services.js';

let nextId = 1;
function ask(service: Service, source: string, body: Omit<Body, 'msg_id'>): Body {
  const msgId = nextId++;
  const reply = service.handle(source, { ...body, msg_id: msgId } as Body);
  expect(reply.in_reply_to).toBe(msgId);
  const { in_reply_to: _inReplyTo, ...rest } = reply;
  return rest;
}

describe('lin-kv', () => {
  it('reads, writes and compares-and-sets with Maelstrom error codes', () => {
    const kv = linearizableKv();
    expect(ask(kv, 'n1', { type: 'read', key: 1 })).toEqual({
      type: 'error',
      code: 20,
      text: 'key does not exist',
    });
    expect(ask(kv, 'n1', { type: 'cas', key: 1, from: 0, to: 1 })).toMatchObject({ type: 'error', code: 20 });
    expect(ask(kv, 'n1', { type: 'cas', key: 1, from: 0, to: 1, create_if_not_exists: true })).toEqual({
      type: 'cas_ok',
    });
    expect(ask(kv, 'n2', { type: 'read', key: 1 })).toEqual({ type: 'read_ok', value: 1 });
    expect(ask(kv, 'n2', { type: 'cas', key: 1, from: 0, to: 2 })).toEqual({
      type: 'error',
      code: 22,
      text: 'current value 1 is not 0',
    });
    expect(ask(kv, 'n2', { type: 'write', key: '1', value: [1, 2] })).toEqual({ type: 'write_ok' });
    // Keys are compared as JSON: 1 and "1" are different keys.
    expect(ask(kv, 'n2', { type: 'read', key: 1 })).toEqual({ type: 'read_ok', value: 1 });
    expect(ask(kv, 'n2', { type: 'cas', key: '1', from: [1, 2], to: 3 })).toEqual({ type: 'cas_ok' });
  });

  it('refuses malformed and unknown requests', () => {
    const kv = linearizableKv();
    expect(ask(kv, 'n1', { type: 'write', key: 1 })).toMatchObject({ type: 'error', code: 12 });
    expect(ask(kv, 'n1', { type: 'cas', key: 1, to: 2 })).toMatchObject({ type: 'error', code: 12 });
    expect(ask(kv, 'n1', { type: 'append', key: 1, value: 2 })).toMatchObject({ type: 'error', code: 10 });
  });
});

describe('seq-kv', () => {
  it('shows each client a monotonic sequence, and its own writes at once', () => {
    const kv = sequentialKv(randomStream(1, 'seq'));
    for (let value = 1; value <= 20; value++)
      expect(ask(kv, 'writer', { type: 'write', key: 'k', value })).toEqual({ type: 'write_ok' });
    let last = 0;
    let stale = 0;
    for (let read = 0; read < 200; read++) {
      const reply = ask(kv, 'reader', { type: 'read', key: 'k' });
      const value = reply.type === 'read_ok' ? (reply['value'] as number) : 0;
      expect(value).toBeGreaterThanOrEqual(last);
      if (value < 20) stale++;
      last = value;
    }
    // Stale reads happen, and the reader catches up.
    expect(stale).toBeGreaterThan(0);
    expect(last).toBe(20);
    // A write moves its client to the newest state.
    expect(ask(kv, 'late', { type: 'write', key: 'other', value: 0 })).toEqual({ type: 'write_ok' });
    expect(ask(kv, 'late', { type: 'read', key: 'k' })).toEqual({ type: 'read_ok', value: 20 });
  });

  it('applies every change to the newest state, so none is lost', () => {
    const kv = sequentialKv(randomStream(2, 'seq'));
    for (let round = 0; round < 50; round++) {
      for (;;) {
        const current = ask(kv, `c${round % 3}`, { type: 'read', key: 'n' });
        const from = current.type === 'read_ok' ? (current['value'] as number) : 0;
        const reply = ask(kv, `c${round % 3}`, {
          type: 'cas',
          key: 'n',
          from,
          to: from + 1,
          create_if_not_exists: true,
        });
        if (reply.type === 'cas_ok') break;
      }
    }
    ask(kv, 'x', { type: 'write', key: 'sync', value: 1 });
    expect(ask(kv, 'x', { type: 'read', key: 'n' })).toEqual({ type: 'read_ok', value: 50 });
  });
});

describe('lww-kv', () => {
  it('may read stale values, and converges as replicas merge', () => {
    const kv = lastWriteWinsKv(randomStream(3, 'lww'));
    expect(ask(kv, 'n1', { type: 'write', key: 'k', value: 'a' })).toEqual({ type: 'write_ok' });
    const first = Array.from({ length: 20 }, () => ask(kv, 'n2', { type: 'read', key: 'k' }));
    expect(first.some((reply) => reply.type === 'error' && reply['code'] === 20)).toBe(true);
    for (let index = 0; index < 200; index++) ask(kv, 'n3', { type: 'read', key: 'other' });
    const later = Array.from({ length: 20 }, () => ask(kv, 'n2', { type: 'read', key: 'k' }));
    expect(later.every((reply) => reply.type === 'read_ok' && reply['value'] === 'a')).toBe(true);
  });
});

describe('lin-tso', () => {
  it('gives strictly increasing timestamps from 0', () => {
    const tso = timestampOracle();
    expect([0, 1, 2].map(() => ask(tso, 'n1', { type: 'ts' }))).toEqual([
      { type: 'ts_ok', ts: 0 },
      { type: 'ts_ok', ts: 1 },
      { type: 'ts_ok', ts: 2 },
    ]);
    expect(ask(tso, 'n1', { type: 'read' })).toMatchObject({ type: 'error', code: 10 });
  });
});
