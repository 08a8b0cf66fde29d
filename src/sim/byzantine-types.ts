/**
 * The hook through which Byzantine behaviour enters the simulator.
 *
 * A Byzantine node runs a protocol (the honest one, usually) and its effects
 * pass through a behaviour that may drop, alter, multiply or add messages.
 * The behaviour works with the node's own context only: it can sign as this
 * node, never as another, so signatures of correct nodes cannot be forged.
 */

import type { Effect } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import type { Signature } from '../core/index.js';
import type { RandomStream } from '../core/index.js';

/** What a behaviour may use. */
export interface ByzantineTools {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly nodes: readonly NodeId[];
  /** The Byzantine node's own random stream (separate from the protocol's). */
  readonly random: RandomStream;
  /** Virtual time, ms. */
  readonly now: number;
  /** Signs as this node (and only as this node). */
  sign(value: unknown): Signature;
}

/** A Byzantine behaviour. One instance per node: it may keep memory across steps. */
export interface ByzantineBehaviour {
  /** A name for the trace header, such as `equivocate`. */
  readonly name: string;
  /** Sees each message delivered to the node (before the protocol does), e.g. to replay it later. */
  observe?(from: NodeId, message: unknown, tools: ByzantineTools): void;
  /** Turns the effects the protocol asked for into the effects that happen. */
  transform(effects: readonly Effect[], tools: ByzantineTools): Effect[];
}
