import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAck,
  decodeData,
  decodeHello,
  encodeAck,
  encodeData,
  encodeHello,
  FrameReader,
  LENGTH_BYTES,
  MAC_BYTES,
  type DataFrame,
} from './frames.js';

const key = Buffer.alloc(32, 7);
const nonce = Buffer.alloc(16, 3);
const header = { from: 'n1', to: 'n2', incarnation: 0xdeadbeef, sequence: 2 ** 40 + 5 };
const messages = [
  { number: 1, json: '{"type":"ping"}' },
  { number: 2, json: '"héllo"' },
];

/** The body of a whole frame (without its length prefix). */
function bodyOf(frame: Buffer): Buffer {
  expect(frame.readUInt32BE(0)).toBe(frame.length - LENGTH_BYTES);
  return frame.subarray(LENGTH_BYTES);
}

describe('data frames', () => {
  it('round-trip: sender, recipient, incarnation, sequence and every message survive', () => {
    const frame = encodeData(key, nonce, header, messages);
    expect(decodeData(key, nonce, bodyOf(frame))).toEqual({ ...header, messages } satisfies DataFrame);
  });

  it('a frame with any single byte changed fails authentication (the MAC covers the whole body)', () => {
    const body = bodyOf(encodeData(key, nonce, header, messages));
    // Version and type bytes are checked before the MAC: a change there is 'malformed'.
    for (let index = 2; index < body.length; index++) {
      const tampered = Buffer.from(body);
      tampered[index] = (tampered[index] as number) ^ 0x01;
      expect(decodeData(key, nonce, tampered), `byte ${index}`).toBe('authentication');
    }
  });

  it('fails authentication under another key or on another connection (another nonce)', () => {
    const body = bodyOf(encodeData(key, nonce, header, messages));
    expect(decodeData(Buffer.alloc(32, 8), nonce, body)).toBe('authentication');
    expect(decodeData(key, Buffer.alloc(16, 4), body)).toBe('authentication');
  });

  it('refuses truncated bodies and other frame types as malformed', () => {
    expect(decodeData(key, nonce, Buffer.alloc(MAC_BYTES + 1))).toBe('malformed');
    expect(decodeData(key, nonce, bodyOf(encodeAck(3)))).toBe('malformed');
  });

  it('refuses a sequence that is not a positive safe integer, and long node names', () => {
    expect(() => encodeData(key, nonce, { ...header, sequence: 0 }, messages)).toThrow(/sequence 0/);
    expect(() => encodeData(key, nonce, { ...header, from: 'x'.repeat(256) }, messages)).toThrow(/255 bytes/);
  });
});

describe('control frames', () => {
  it('hello carries the nonce and ack the sequence', () => {
    expect(decodeHello(bodyOf(encodeHello(nonce)))).toEqual(nonce);
    expect(decodeAck(bodyOf(encodeAck(2 ** 50 + 1)))).toBe(2 ** 50 + 1);
    expect(decodeHello(bodyOf(encodeAck(1)))).toBeUndefined();
    expect(decodeAck(bodyOf(encodeHello(nonce)))).toBeUndefined();
  });
});

describe('FrameReader', () => {
  it('gives the same bodies however the stream is cut into chunks', () => {
    const frames = [
      encodeHello(nonce),
      encodeData(key, nonce, header, messages),
      encodeAck(9),
      encodeData(key, nonce, { ...header, sequence: 3 }, [{ number: 3, json: 'x'.repeat(5000) }]),
    ];
    const stream = Buffer.concat(frames);
    const expected = frames.map((frame) => frame.subarray(LENGTH_BYTES).toString('hex'));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const reader = new FrameReader();
        const bodies: string[] = [];
        let start = 0;
        for (const point of [...points, stream.length]) {
          const result = reader.push(stream.subarray(start, point));
          if (result === 'too-long') throw new Error('unexpected too-long');
          bodies.push(...result.map((body) => body.toString('hex')));
          start = point;
        }
        expect(bodies).toEqual(expected);
        expect(reader.bufferedBytes).toBe(0);
      }),
    );
  });

  it('reports a length prefix over the limit, even when it arrives a byte at a time', () => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(1001, 0);
    expect(new FrameReader(1000).push(prefix)).toBe('too-long');
    const reader = new FrameReader(1000);
    expect(reader.push(prefix.subarray(0, 1))).toEqual([]);
    expect(reader.push(prefix.subarray(1, 3))).toEqual([]);
    expect(reader.push(prefix.subarray(3))).toBe('too-long');
  });
});
