/**
 * Built-in Byzantine behaviours: silence, equivocation, replay, mutation, and
 * your own transform.
 *
 * A Byzantine node runs a protocol (usually the honest one) and its effects
 * pass through one of these behaviours on their way out. Each function returns
 * a fresh behaviour, so it doubles as the factory a `NodeSpec` wants:
 *
 * ```ts
 * nodes: {
 *   n3: { protocol: pbft, byzantine: byzantine.equivocate },
 *   n4: { protocol: pbft, byzantine: () => byzantine.replay({ probability: 0.5 }) },
 * }
 * ```
 *
 * Behaviours draw only from `tools.random` (the node's own Byzantine stream),
 * so a run stays a function of its seed. They work with what the node has:
 * its messages, what it received, and `tools.sign`, which signs as this node
 * only. There is no way to sign as another node: a message altered, replayed
 * or relayed by a Byzantine node still carries only signatures that verify for
 * their true signer and their exact value.
 *
 * Every message a behaviour emits is checked to be plain data and frozen, like
 * the messages of correct nodes, so a receiver can neither be handed a value
 * the engines cannot copy nor alter what it received.
 */

import type { Effect, SendEffect } from '../core/index.js';
import { InputError } from '../core/index.js';
import type { NodeId } from '../core/index.js';
import { clonePlain, findPlainViolation, plainToJson } from '../core/index.js';
import { layoutOf, PlainLayout, plainKind, unhandledLayout } from '../core/index.js';
import type { ByzantineBehaviour, ByzantineTools } from './byzantine-types.js';
import type { RandomStream } from '../core/index.js';

/** Options of {@link equivocate}. */
export interface EquivocateOptions {
  /**
   * The message `recipient` gets instead of `message`. The default alters one
   * field of the message, the same field for every recipient of one logical
   * message, so that different recipients get different values (see
   * {@link alterForRecipient}).
   */
  readonly variant?: (message: unknown, recipient: NodeId, random: RandomStream) => unknown;
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Chance, at each step of the node, that it re-sends one message it observed (default 0.3). */
  readonly probability?: number;
  /** How many observed messages it remembers; past that, a random one is forgotten (default 64). */
  readonly memory?: number;
}

/** Options of {@link mutate}. */
export interface MutateOptions {
  /** Chance that an outgoing message is altered (default 0.5). */
  readonly probability?: number;
  /** How many alterations an altered message gets (default 1). */
  readonly alterations?: number;
}

/** What a custom transform gets and returns: the same as `ByzantineBehaviour.transform`. */
export type ByzantineTransform = (effects: readonly Effect[], tools: ByzantineTools) => readonly Effect[];

/** A node that receives but sends nothing. Its timers, logs and client records still happen. */
function silent(): ByzantineBehaviour {
  return {
    name: 'silent',
    transform: (effects) => effects.filter((effect) => effect.kind !== 'send'),
  };
}

/**
 * The same logical message gets different contents at different recipients.
 * A logical message is one message value of one step (a broadcast, or the
 * same value sent to several nodes). Other effects pass unchanged.
 */
function equivocate(options: EquivocateOptions = {}): ByzantineBehaviour {
  const variant = options.variant;
  if (variant !== undefined && typeof variant !== 'function') {
    throw new InputError(
      'byzantine.equivocate: `variant` must be a function (message, recipient, random) => message',
    );
  }
  return {
    name: 'equivocate',
    transform(effects, tools) {
      // One choice of field per logical message, so its recipients differ in that field.
      const fieldOf = new Map<unknown, number>();
      return checked(
        'equivocate',
        tools,
        effects,
        effects.map((effect) => {
          if (effect.kind !== 'send') return effect;
          if (variant) return send(effect, variant(effect.message, effect.to, tools.random));
          let field = fieldOf.get(effect.message);
          if (field === undefined) {
            field = tools.random.next();
            fieldOf.set(effect.message, field);
          }
          return send(effect, alterForRecipient(effect.message, recipientRank(effect.to, tools), field));
        }),
      );
    },
  };
}

/**
 * Remembers messages delivered to the node, and at random later steps
 * re-sends one of them to a random peer (its original sender, or another
 * node). The replayed copy comes from this node, as any message it sends.
 */
function replay(options: ReplayOptions = {}): ByzantineBehaviour {
  const probability = requireProbability('replay', 'probability', options.probability ?? 0.3);
  const memory = options.memory ?? 64;
  if (!(Number.isInteger(memory) && memory >= 1)) {
    throw new InputError(`byzantine.replay: memory must be a whole number >= 1, got ${String(memory)}`);
  }
  const observed: unknown[] = [];
  return {
    name: 'replay',
    observe(_from, message, tools) {
      if (observed.length < memory) observed.push(message);
      else observed[tools.random.int(0, memory - 1)] = message;
    },
    transform(effects, tools) {
      if (observed.length === 0 || tools.peers.length === 0 || !tools.random.chance(probability)) {
        return [...effects];
      }
      const message = tools.random.pick(observed);
      const to = tools.random.pick(tools.peers);
      return [...effects, { kind: 'send', to, message }];
    },
  };
}

/**
 * Alters random fields of outgoing messages: numbers, strings, booleans and
 * bigints change value, arrays lose, repeat or change an element, `null`
 * becomes a number. The original message (which may also go, unaltered, to
 * other recipients) is never changed: an altered message is a new value.
 */
function mutate(options: MutateOptions = {}): ByzantineBehaviour {
  const probability = requireProbability('mutate', 'probability', options.probability ?? 0.5);
  const alterations = options.alterations ?? 1;
  if (!(Number.isInteger(alterations) && alterations >= 1)) {
    throw new InputError(
      `byzantine.mutate: alterations must be a whole number >= 1, got ${String(alterations)}`,
    );
  }
  return {
    name: 'mutate',
    transform(effects, tools) {
      return checked(
        'mutate',
        tools,
        effects,
        effects.map((effect) => {
          if (effect.kind !== 'send' || !tools.random.chance(probability)) return effect;
          let message = effect.message;
          for (let count = 0; count < alterations; count++) message = alterAtRandom(message, tools.random);
          return send(effect, message);
        }),
      );
    },
  };
}

/**
 * A behaviour of your own: `transform` turns the effects the protocol asked
 * for into those that happen, and `observe` (optional) sees each message
 * delivered to the node first. What it sends is checked like any message.
 */
function custom(
  name: string,
  transform: ByzantineTransform,
  observe?: (from: NodeId, message: unknown, tools: ByzantineTools) => void,
): ByzantineBehaviour {
  if (typeof name !== 'string' || name === '') {
    throw new InputError('byzantine.custom: needs a non-empty name');
  }
  if (typeof transform !== 'function') {
    throw new InputError(`byzantine.custom('${name}'): transform must be a function`);
  }
  const observed = new Set<string>();
  return {
    name,
    observe(from, message, tools) {
      observed.add(from);
      observe?.(from, message, tools);
    },
    transform: (effects, tools) =>
      checked(`custom('${name}')`, tools, effects, transform(effects, tools), observed),
  };
}

/** The built-in Byzantine behaviours. */
export const byzantine = { silent, equivocate, replay, mutate, custom } as const;

// --- Helpers. ---

function send(effect: SendEffect, message: unknown): SendEffect {
  return { kind: 'send', to: effect.to, message };
}

function requireProbability(behaviour: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InputError(
      `byzantine.${behaviour}: ${field} must be a probability in [0, 1], got ${String(value)}`,
    );
  }
  return value;
}

/** The kinds of effect other than `send`. */
const OTHER_EFFECT_KINDS: ReadonlySet<unknown> = new Set(['timer-set', 'timer-cancel', 'log', 'client']);

/**
 * Checks what a behaviour emits: a known kind of effect; sends to a node the
 * Byzantine node could name (its group, a recipient the protocol chose, or a
 * node it heard from); and plain messages, frozen. A behaviour is part of the
 * scenario, so a bad one is an input error, not a finding.
 */
function checked(
  behaviour: string,
  tools: ByzantineTools,
  original: readonly Effect[],
  effects: readonly Effect[],
  heardFrom: ReadonlySet<string> = new Set(),
): Effect[] {
  if (!Array.isArray(effects)) {
    throw new InputError(`byzantine.${behaviour} on ${tools.id}: transform must return an array of effects`);
  }
  const result: Effect[] = [];
  for (const effect of effects as readonly Effect[]) {
    if (effect.kind !== 'send') {
      if (!OTHER_EFFECT_KINDS.has((effect as { kind?: unknown } | null)?.kind)) {
        throw new InputError(
          `byzantine.${behaviour} on ${tools.id}: returned something that is not an effect`,
        );
      }
      result.push(effect);
      continue;
    }
    const known =
      tools.nodes.includes(effect.to) ||
      heardFrom.has(effect.to) ||
      original.some((asked) => asked.kind === 'send' && asked.to === effect.to);
    if (!known) {
      throw new InputError(
        `byzantine.${behaviour} on ${tools.id}: sends to ${JSON.stringify(effect.to)}, a node it cannot know`,
      );
    }
    const violation = findPlainViolation(effect.message, true);
    if (violation) {
      throw new InputError(
        `byzantine.${behaviour} on ${tools.id}: message to ${effect.to} is not plain at ${violation.path}: ${violation.problem}`,
      );
    }
    result.push(effect);
  }
  return result;
}

/** Where `recipient` stands among the nodes: 0 for the first of the group, and so on. */
function recipientRank(recipient: NodeId, tools: ByzantineTools): number {
  const index = tools.nodes.indexOf(recipient);
  return index >= 0 ? index : tools.nodes.length;
}

/** A place inside a message: the record keys, array indices and Map keys (see `mapKey`) from the root. */
type Path = readonly (string | number)[];

/**
 * Every place in `value` where `select` holds, parents before children. Array
 * elements, record fields and Map values are addressed; Set elements and
 * bytes are not (a Set has no place to put a changed element back).
 */
function placesWhere(
  value: unknown,
  select: (value: unknown) => boolean,
  path: Path = [],
  found: Path[] = [],
): Path[] {
  if (select(value)) found.push(path);
  const layout = layoutOf(plainKind(value));
  switch (layout) {
    case PlainLayout.List:
      (value as unknown[]).forEach((element, index) => placesWhere(element, select, [...path, index], found));
      break;
    case PlainLayout.Table:
      for (const [key, entry] of value as Map<unknown, unknown>) {
        placesWhere(entry, select, [...path, mapKey(key)], found);
      }
      break;
    case PlainLayout.Record: {
      const record = value as Record<string, unknown>;
      for (const key in record) placesWhere(record[key], select, [...path, key], found);
      break;
    }
    case PlainLayout.Bag:
    case PlainLayout.Blob:
    case PlainLayout.Atom:
    case PlainLayout.Foreign:
      break;
    default:
      unhandledLayout(layout);
  }
  return found;
}

function isScalar(value: unknown): value is number | string | boolean | bigint {
  const type = typeof value;
  return type === 'number' || type === 'string' || type === 'boolean' || type === 'bigint';
}

function isNonEmptyList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0;
}

function isNull(value: unknown): value is null {
  return value === null;
}

/** Map keys are addressed by their JSON text (strings of a path are record keys otherwise). */
function mapKey(key: unknown): string {
  return `\u0000${plainToJson(key)}`;
}

/** Replaces the value at `path` in a copy of `root` (the root itself is never changed). */
function replaceAt(root: unknown, path: Path, change: (value: unknown) => unknown): unknown {
  if (path.length === 0) return change(root);
  const copy = clonePlain(root);
  let parent: unknown = copy;
  for (let depth = 0; depth < path.length - 1; depth++) {
    parent = childOf(parent, path[depth] as string | number);
  }
  const last = path[path.length - 1] as string | number;
  if (isTable(parent)) {
    const key = [...parent.keys()].find((candidate) => mapKey(candidate) === last);
    parent.set(key, change(parent.get(key)));
  } else {
    const container = parent as Record<string | number, unknown>;
    container[last] = change(container[last]);
  }
  return copy;
}

/** Whether `value` is read as a `Map` (a place in it is a key, see `mapKey`). */
function isTable(value: unknown): value is Map<unknown, unknown> {
  return layoutOf(plainKind(value)) === PlainLayout.Table;
}

function childOf(container: unknown, step: string | number): unknown {
  if (isTable(container)) {
    for (const [key, entry] of container) if (mapKey(key) === step) return entry;
    return undefined;
  }
  return (container as Record<string | number, unknown>)[step];
}

/** Fields named like a discriminant are altered only when nothing else can be. */
const DISCRIMINANTS = new Set(['type', 'kind']);

/**
 * The default variant of {@link equivocate}: the scalar picked by `field`
 * (a number in [0, 1)) is altered by the recipient's rank, so that distinct
 * recipients get distinct values (numbers: + rank; strings: `#rank` appended
 * from rank 1; bigints: + rank; booleans: flipped for odd ranks). Rank 0 gets
 * the message unchanged. A message with no scalar is sent unchanged.
 */
export function alterForRecipient(message: unknown, rank: number, field: number): unknown {
  const found = placesWhere(message, isScalar);
  const preferred = found.filter((path) => !DISCRIMINANTS.has(String(path[path.length - 1])));
  const candidates = preferred.length > 0 ? preferred : found;
  if (candidates.length === 0 || rank === 0) return message;
  const path = candidates[Math.floor(field * candidates.length)] as Path;
  return replaceAt(message, path, (value) => {
    if (typeof value === 'number') return value + rank;
    if (typeof value === 'bigint') return value + BigInt(rank);
    if (typeof value === 'boolean') return rank % 2 === 1 ? !value : value;
    return `${String(value)}#${rank}`;
  });
}

/** One random alteration of `message`, always to a different value when the message has anything to alter. */
function alterAtRandom(message: unknown, random: RandomStream): unknown {
  const leaves = placesWhere(message, isScalar);
  const lists = placesWhere(message, isNonEmptyList);
  const nulls = placesWhere(message, isNull);
  const choices = leaves.length + lists.length + nulls.length;
  if (choices === 0) return message;
  const choice = random.int(0, choices - 1);
  if (choice < leaves.length) {
    return replaceAt(message, leaves[choice] as Path, (value) => alterScalar(value, random));
  }
  if (choice < leaves.length + lists.length) {
    return replaceAt(message, lists[choice - leaves.length] as Path, (value) =>
      alterList(value as unknown[], random),
    );
  }
  return replaceAt(message, nulls[choice - leaves.length - lists.length] as Path, () => random.int(0, 1000));
}

function alterScalar(value: unknown, random: RandomStream): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'bigint') return value + BigInt(random.pick([-1, 1, 1000]));
  if (typeof value === 'number') {
    const altered = random.pick([value + 1, value - 1, -value, 0, random.int(-1_000_000, 1_000_000)]);
    if (altered !== value && Number.isFinite(altered)) return altered;
    // The draw changed nothing (-0 for 0, +1 on a huge number, NaN): still change something.
    if (!Number.isFinite(value)) return 0;
    return value === 0 ? 1 : -value;
  }
  const text = String(value);
  const altered = random.pick([
    '',
    `${text}${String.fromCharCode(random.int(97, 122))}`,
    [...text].reverse().join(''),
    text.slice(0, Math.max(0, text.length - 1)),
  ]);
  return altered === text ? `${text}!` : altered;
}

function alterList(list: readonly unknown[], random: RandomStream): unknown[] {
  const copy = [...list];
  const index = random.int(0, copy.length - 1);
  switch (random.int(0, 2)) {
    case 0:
      copy.splice(index, 1);
      break;
    case 1:
      copy.splice(index, 0, copy[index]);
      break;
    default:
      // Another element of the same list in this place (or, for a list of equal elements, one fewer).
      if (copy.length > 1) {
        const other = (index + random.int(1, copy.length - 1)) % copy.length;
        if (plainToJson(copy[other]) !== plainToJson(copy[index])) {
          copy[index] = copy[other];
          break;
        }
      }
      copy.splice(index, 1);
  }
  return copy;
}
