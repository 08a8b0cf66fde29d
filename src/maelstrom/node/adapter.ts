/**
 * A fairlink protocol as a Maelstrom node: JSON lines on stdin become
 * `onMessage(from, body)` steps, the step's sends become JSON lines on stdout,
 * its timers real timers, its clock the real clock. The same handlers that the
 * simulator and the model checker run, unchanged, under this workbench or the
 * real Maelstrom.
 *
 * - The adapter answers `init` itself (`init_ok`), then runs On Boot with the
 *   node's id and the cluster's ids; every later message goes to On Receive,
 *   with the sender's id (a node, a client or a service) as `from`.
 * - Message bodies are plain data: what goes out is encoded with
 *   `encodePlain` (plain JSON stays as it is; a `Map` or `Set` between fairlink
 *   nodes is tagged and decoded on the other side).
 * - Durable storage lives in memory: a Maelstrom node that restarts is a new
 *   process.
 * - A handler that breaks the rules (throws, sends a non-plain message) is a
 *   finding: the adapter logs it on stderr and exits with code 1.
 * - Nothing but messages goes to stdout; `context.log` goes to stderr.
 */

import { createHmac, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { NodeId } from '../../core/index.js';
import { decodePlain, plainToJson } from '../../core/index.js';
import type { Protocol } from '../../core/index.js';
import type { Signature } from '../../core/index.js';
import { StepContext, type StepEnvironment } from '../../core/index.js';
import type { Effect } from '../../core/index.js';
import type { ProtocolFault } from '../../core/index.js';
import { randomStream, type RandomStream } from '../../core/index.js';
import { isClientId, isServiceId, type Body } from '../protocol.js';

/** Where the node reads and writes. */
export interface NodeStreams {
  readonly input: NodeJS.ReadableStream;
  /** Messages, one JSON line each. */
  readonly output: { write(text: string): unknown };
  /** Logs. */
  readonly log: (line: string) => void;
}

/** Options of {@link runMaelstromNode}. */
export interface NodeAdapterOptions {
  /** Seed of `context.random()` (default: a random one, logged at start). */
  readonly seed?: number;
  /** Key of `sign`/`verify` (default: a fixed key: signatures then show intent, not security). */
  readonly signingKey?: string;
}

const DEFAULT_SIGNING_KEY = 'fairlink-maelstrom';

interface Envelope {
  readonly src: string;
  readonly dest: string;
  readonly body: Body;
}

function readEnvelope(line: string): Envelope | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'not an object';
  const record = value as Record<string, unknown>;
  const body = record['body'];
  if (typeof record['src'] !== 'string' || typeof record['dest'] !== 'string') return "no 'src' or 'dest'";
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof (body as Record<string, unknown>)['type'] !== 'string'
  ) {
    return "no 'body' with a 'type'";
  }
  return { src: record['src'], dest: record['dest'], body: decodePlain(body) as unknown as Body };
}

/**
 * Runs `protocol` as a Maelstrom node over `streams` until the input ends.
 * Resolves with the exit code: 0 at the end of input, 1 after a protocol fault.
 */
export function runMaelstromNode<State>(
  protocol: Protocol<State, Body>,
  streams: NodeStreams,
  options: NodeAdapterOptions = {},
): Promise<number> {
  const seed = options.seed ?? randomBytes(4).readUInt32LE(0);
  const random: RandomStream = randomStream(seed, 'maelstrom-node');
  const signingKey = options.signingKey ?? DEFAULT_SIGNING_KEY;
  const timers = new Map<string, NodeJS.Timeout>();
  const durable = new Map<string, unknown>();
  let context: StepContext<State, Body> | undefined;
  let nodeSet: ReadonlySet<string> = new Set();
  let operations = 0;
  let finished = false;

  const environment: StepEnvironment = {
    now: () => performance.timeOrigin + performance.now(),
    random: () => random.next(),
    sign: (signer, value) =>
      createHmac('sha256', signingKey)
        .update(`${signer}\u0000${plainToJson(value)}`)
        .digest('base64') as Signature,
    verify: (signer, value, signature) =>
      createHmac('sha256', signingKey)
        .update(`${signer}\u0000${plainToJson(value)}`)
        .digest('base64') === signature,
    isKnownNode: (node) => nodeSet.has(node) || isClientId(node) || isServiceId(node),
    nextOperation: () => ++operations,
  };

  return new Promise((resolve) => {
    const lines = createInterface({ input: streams.input, crlfDelay: Infinity });
    const write = (source: string, dest: string, body: unknown): void => {
      streams.output.write(
        `{"src":${JSON.stringify(source)},"dest":${JSON.stringify(dest)},"body":${plainToJson(body)}}\n`,
      );
    };

    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      lines.close();
      resolve(code);
    };

    const fault = (problem: ProtocolFault): void => {
      streams.log(`fairlink: ${protocol.name} broke the rules in ${problem.message}; stopping`);
      finish(1);
    };

    const apply = (step: StepContext<State, Body>, effects: readonly Effect[]): void => {
      for (const effect of effects) {
        switch (effect.kind) {
          case 'send':
            write(step.id, effect.to, effect.message);
            break;
          case 'timer-set': {
            const previous = timers.get(effect.name);
            if (previous !== undefined) clearTimeout(previous);
            const delayMs = effect.min + random.next() * (effect.max - effect.min);
            const name = effect.name;
            const data = effect.data;
            timers.set(
              name,
              setTimeout(() => {
                timers.delete(name);
                run(step, () => step.run({ handler: 'onTimer', timer: { name, data } }));
              }, delayMs),
            );
            break;
          }
          case 'timer-cancel': {
            const timer = timers.get(effect.name);
            if (timer !== undefined) clearTimeout(timer);
            timers.delete(effect.name);
            break;
          }
          case 'log':
            streams.log(`${step.id}: ${effect.text}`);
            break;
          case 'client':
            // Client histories belong to the workbench's clients, not to a node.
            break;
          case 'record':
            // Recorded events serve the engines' properties (view.happenedBefore); none are judged here.
            break;
        }
      }
    };

    const run = (step: StepContext<State, Body>, handler: () => ProtocolFault | undefined): void => {
      if (finished) return;
      const problem = handler();
      if (problem !== undefined) {
        fault(problem);
        return;
      }
      if (step.persisted !== undefined) for (const [key, value] of step.persisted) durable.set(key, value);
      apply(step, step.effects);
    };

    lines.on('line', (line) => {
      if (finished || line.trim() === '') return;
      const envelope = readEnvelope(line);
      if (typeof envelope === 'string') {
        streams.log(`fairlink: ignored an input line (${envelope}): ${line.slice(0, 200)}`);
        return;
      }
      const body = envelope.body;
      if (body.type === 'init' && context === undefined) {
        const id = body['node_id'];
        const ids = body['node_ids'];
        if (typeof id !== 'string' || !Array.isArray(ids) || !ids.every((each) => typeof each === 'string')) {
          streams.log(`fairlink: init without node_id and node_ids: ${line.slice(0, 200)}`);
          return;
        }
        const nodes = ids as NodeId[];
        nodeSet = new Set(nodes);
        const step = new StepContext<State, Body>(
          id as NodeId,
          nodes,
          nodes.filter((node) => node !== id),
          protocol,
          durable,
          environment,
          // A real process need not prove its state plain after every step: nothing copies it.
          { checkState: false },
        );
        context = step;
        streams.log(`fairlink: ${protocol.name} is ${id} of ${nodes.join(',')} (seed ${seed})`);
        write(id, envelope.src, { type: 'init_ok', in_reply_to: body.msg_id ?? null });
        run(step, () => step.run({ handler: 'onBoot' }));
        return;
      }
      if (context === undefined) {
        streams.log(`fairlink: a '${body.type}' message before init: ignored`);
        return;
      }
      const step = context;
      run(step, () => step.runMessage(envelope.src as NodeId, body));
    });
    lines.on('close', () => finish(0));
  });
}
