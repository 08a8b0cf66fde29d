/**
 * The wire format between runtime nodes: length-prefixed frames, data frames
 * authenticated with HMAC-SHA256 under the cluster key.
 *
 * Every frame is `u32 length` (big-endian, of what follows) then a body that
 * starts with `u8 version, u8 type`:
 *
 * - `hello` (receiver to sender, once per connection): a 16-byte random
 *   nonce. Not authenticated: a forged nonce only makes the sender's frames
 *   fail authentication, which an attacker on the path can cause anyway.
 * - `data` (sender to receiver): `u8 fromLength, from, u8 toLength, to,
 *   u32 incarnation, u64 sequence, u32 count`, then per message
 *   `u32 number, u32 length, JSON bytes`, then a 32-byte MAC. The MAC is
 *   HMAC-SHA256(cluster key, nonce || body without the MAC): the sender id,
 *   the recipient and the sequence number are inside the authenticated part,
 *   so a frame cannot be re-addressed, replayed on another connection (other
 *   nonce) or replayed on the same one (the sequence must grow).
 * - `ack` (receiver to sender): `u64 sequence`, the highest sequence number
 *   accepted. A liveness hint that lets the sender notice a connection that
 *   swallows its frames (a partition); it never reaches a protocol.
 *
 * One data frame carries every message that one flush sends to one peer, so
 * the MAC's cost is shared by a batch, as TLS shares it over a record.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

/** The version byte of every frame. */
export const FRAME_VERSION = 1;
/** Frame types. */
export const FrameType = { hello: 1, data: 2, ack: 3 } as const;
/** Bytes of the hello nonce. */
export const NONCE_BYTES = 16;
/** Bytes of the MAC (HMAC-SHA256). */
export const MAC_BYTES = 32;
/** A frame longer than this is refused and the connection closed: nothing honest sends one. */
export const FRAME_BYTES_MAX = 16 * 1024 * 1024;
/** Bytes of the length prefix. */
export const LENGTH_BYTES = 4;

const TWO_TO_32 = 0x1_0000_0000;

/** One message inside a data frame. */
export interface FramedMessage {
  /** The sender's number for the message (per incarnation), for traces. */
  readonly number: number;
  /** The message, as JSON of its `encodePlain` form. */
  readonly json: string;
}

/** What a data frame says, once authenticated. */
export interface DataFrame {
  readonly from: string;
  readonly to: string;
  /** A random number per process start of the sender. */
  readonly incarnation: number;
  readonly sequence: number;
  readonly messages: readonly FramedMessage[];
}

/** Why a frame was not accepted. */
export type FrameRejection = 'authentication' | 'malformed';

/** The hello frame carrying `nonce`. */
export function encodeHello(nonce: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES)
    throw new RangeError(`encodeHello: the nonce must have ${NONCE_BYTES} bytes`);
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + 2 + NONCE_BYTES);
  frame.writeUInt32BE(2 + NONCE_BYTES, 0);
  frame[4] = FRAME_VERSION;
  frame[5] = FrameType.hello;
  nonce.copy(frame, 6);
  return frame;
}

/** The ack frame for `sequence`. */
export function encodeAck(sequence: number): Buffer {
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + 2 + 8);
  frame.writeUInt32BE(2 + 8, 0);
  frame[4] = FRAME_VERSION;
  frame[5] = FrameType.ack;
  writeSequence(frame, 6, sequence);
  return frame;
}

/**
 * A data frame: `header` fields, the messages, and the MAC under `key` bound
 * to the connection's `nonce`. `from` and `to` are at most 255 bytes.
 */
export function encodeData(
  key: Buffer,
  nonce: Buffer,
  header: Omit<DataFrame, 'messages'>,
  messages: readonly FramedMessage[],
): Buffer {
  const fromLength = Buffer.byteLength(header.from);
  const toLength = Buffer.byteLength(header.to);
  if (fromLength > 255 || toLength > 255)
    throw new RangeError('encodeData: node names are at most 255 bytes');
  if (!Number.isSafeInteger(header.sequence) || header.sequence < 1) {
    throw new RangeError(`encodeData: sequence ${header.sequence} is not a positive safe integer`);
  }
  let length = 2 + 1 + fromLength + 1 + toLength + 4 + 8 + 4;
  const sizes: number[] = new Array<number>(messages.length);
  for (let index = 0; index < messages.length; index++) {
    const size = Buffer.byteLength((messages[index] as FramedMessage).json);
    sizes[index] = size;
    length += 8 + size;
  }
  length += MAC_BYTES;
  if (length > FRAME_BYTES_MAX)
    throw new RangeError(`encodeData: a frame of ${length} bytes is over the limit`);

  const frame = Buffer.allocUnsafe(LENGTH_BYTES + length);
  frame.writeUInt32BE(length, 0);
  let offset = LENGTH_BYTES;
  frame[offset++] = FRAME_VERSION;
  frame[offset++] = FrameType.data;
  frame[offset++] = fromLength;
  offset += frame.write(header.from, offset, 'utf8');
  frame[offset++] = toLength;
  offset += frame.write(header.to, offset, 'utf8');
  frame.writeUInt32BE(header.incarnation >>> 0, offset);
  offset += 4;
  writeSequence(frame, offset, header.sequence);
  offset += 8;
  frame.writeUInt32BE(messages.length, offset);
  offset += 4;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as FramedMessage;
    frame.writeUInt32BE(message.number >>> 0, offset);
    frame.writeUInt32BE(sizes[index] as number, offset + 4);
    offset += 8;
    offset += frame.write(message.json, offset, 'utf8');
  }
  const mac = createHmac('sha256', key).update(nonce).update(frame.subarray(LENGTH_BYTES, offset)).digest();
  mac.copy(frame, offset);
  return frame;
}

/**
 * Authenticates and parses a data frame's body (without the length prefix).
 * The MAC is checked before anything else is read.
 */
export function decodeData(key: Buffer, nonce: Buffer, body: Buffer): DataFrame | FrameRejection {
  if (body.length < 2 + MAC_BYTES || body[0] !== FRAME_VERSION || body[1] !== FrameType.data)
    return 'malformed';
  const signedEnd = body.length - MAC_BYTES;
  const expected = createHmac('sha256', key).update(nonce).update(body.subarray(0, signedEnd)).digest();
  if (!timingSafeEqual(expected, body.subarray(signedEnd))) return 'authentication';

  // Authenticated: the frame comes from a holder of the key, yet its structure is still checked.
  let offset = 2;
  const readName = (): string | undefined => {
    if (offset + 1 > signedEnd) return undefined;
    const length = body[offset] as number;
    offset += 1;
    if (offset + length > signedEnd) return undefined;
    const name = body.toString('utf8', offset, offset + length);
    offset += length;
    return name;
  };
  const from = readName();
  const to = readName();
  if (from === undefined || to === undefined || offset + 16 > signedEnd) return 'malformed';
  const incarnation = body.readUInt32BE(offset);
  const sequence = readSequence(body, offset + 4);
  const count = body.readUInt32BE(offset + 12);
  offset += 16;
  const messages: FramedMessage[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + 8 > signedEnd) return 'malformed';
    const number = body.readUInt32BE(offset);
    const length = body.readUInt32BE(offset + 4);
    offset += 8;
    if (offset + length > signedEnd) return 'malformed';
    messages.push({ number, json: body.toString('utf8', offset, offset + length) });
    offset += length;
  }
  if (offset !== signedEnd) return 'malformed';
  return { from, to, incarnation, sequence, messages };
}

/** The nonce of a hello body, or `undefined` when the body is not a hello. */
export function decodeHello(body: Buffer): Buffer | undefined {
  if (body.length !== 2 + NONCE_BYTES || body[0] !== FRAME_VERSION || body[1] !== FrameType.hello)
    return undefined;
  return Buffer.from(body.subarray(2));
}

/** The sequence of an ack body, or `undefined` when the body is not an ack. */
export function decodeAck(body: Buffer): number | undefined {
  if (body.length !== 2 + 8 || body[0] !== FRAME_VERSION || body[1] !== FrameType.ack) return undefined;
  return readSequence(body, 2);
}

/** The type byte of a frame body (`undefined` for an empty body). */
export function frameType(body: Buffer): number | undefined {
  return body.length >= 2 ? body[1] : undefined;
}

/**
 * Cuts a byte stream into frame bodies. Feed it what the socket reads; it
 * returns every complete body so far (views into the input where possible),
 * or `'too-long'` when a length prefix is over {@link FRAME_BYTES_MAX}: the
 * stream cannot be resynchronised and the connection must be closed.
 */
export class FrameReader {
  /** Chunks of an incomplete frame, kept apart until the frame is whole (no quadratic copying). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly frameBytesMax = FRAME_BYTES_MAX) {}

  push(chunk: Buffer): Buffer[] | 'too-long' {
    let buffer = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      const needed = this.neededBytes();
      if (needed === 'too-long') return needed;
      if (needed === undefined || this.pendingBytes < needed) return [];
      buffer = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const bodies: Buffer[] = [];
    let offset = 0;
    while (buffer.length - offset >= LENGTH_BYTES) {
      const length = buffer.readUInt32BE(offset);
      if (length > this.frameBytesMax) return 'too-long';
      if (buffer.length - offset - LENGTH_BYTES < length) break;
      bodies.push(buffer.subarray(offset + LENGTH_BYTES, offset + LENGTH_BYTES + length));
      offset += LENGTH_BYTES + length;
    }
    if (offset < buffer.length) {
      // A copy, so that the socket's chunk is not kept alive by a few bytes.
      const rest = Buffer.from(buffer.subarray(offset));
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
    return bodies;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** The bytes the first pending frame needs in all, once its length prefix has arrived. */
  private neededBytes(): number | 'too-long' | undefined {
    if (this.pendingBytes < LENGTH_BYTES) return undefined;
    const first = this.pending[0] as Buffer;
    const prefix = first.length >= LENGTH_BYTES ? first : Buffer.concat(this.pending, this.pendingBytes);
    const length = prefix.readUInt32BE(0);
    return length > this.frameBytesMax ? 'too-long' : LENGTH_BYTES + length;
  }
}

function writeSequence(buffer: Buffer, offset: number, sequence: number): void {
  buffer.writeUInt32BE(Math.floor(sequence / TWO_TO_32), offset);
  buffer.writeUInt32BE(sequence % TWO_TO_32, offset + 4);
}

function readSequence(buffer: Buffer, offset: number): number {
  return buffer.readUInt32BE(offset) * TWO_TO_32 + buffer.readUInt32BE(offset + 4);
}
