/**
 * fairlink's own Maelstrom nodes, by name, and the loading of a node module:
 * `fairlink maelstrom node MODULE` takes one of these names or a file whose
 * default export is a fairlink protocol.
 */

import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeThrown, InputError } from '../../core/index.js';
import type { Protocol } from '../../core/index.js';
import type { Body } from '../protocol.js';
import { broadcastNode } from './broadcast.js';
import { echoNode } from './echo.js';
import { gCounterNode } from './g-counter.js';
import { linKvNode } from './lin-kv.js';
import { txnNode } from './txn.js';
import { uniqueIdsNode } from './unique-ids.js';

/** A Maelstrom node written as a fairlink protocol. */
export type MaelstromProtocol = Protocol<unknown, Body>;

/** The built-in nodes. */
export const BUILTIN_NODES: Readonly<Record<string, () => MaelstromProtocol>> = {
  echo: () => echoNode(),
  'unique-ids': () => uniqueIdsNode(),
  broadcast: () => broadcastNode(),
  'g-counter': () => gCounterNode(),
  'lin-kv': () => linKvNode(),
  txn: () => txnNode(),
};

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts']);

let typeScriptHooks: Promise<void> | undefined;

/** Registers tsx's hooks once, so that a .ts node module loads without a build. */
function registerTypeScript(): Promise<void> {
  typeScriptHooks ??= (async () => {
    const esm = await import('tsx/esm/api');
    esm.register();
  })();
  return typeScriptHooks;
}

function isProtocol(value: unknown): value is MaelstromProtocol {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { init?: unknown }).init === 'function'
  );
}

/**
 * The protocol named by `spec`: a built-in name, or the path of a module whose
 * default export is a protocol (or a function of no arguments returning one).
 * Throws an {@link InputError} naming `spec` otherwise.
 */
export async function loadNodeProtocol(spec: string): Promise<MaelstromProtocol> {
  const builtin = BUILTIN_NODES[spec];
  if (builtin !== undefined) return builtin();
  const extension = extname(spec).toLowerCase();
  if (!MODULE_EXTENSIONS.has(extension)) {
    throw new InputError(
      `${spec}: not a built-in node (${Object.keys(BUILTIN_NODES).join(', ')}) nor a .ts, .mts, .js or .mjs module`,
    );
  }
  const absolute = resolve(spec);
  try {
    if (!statSync(absolute).isFile()) throw new InputError(`${spec}: not a file`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${spec}: no such file`);
  }
  if (TYPESCRIPT_EXTENSIONS.has(extension)) await registerTypeScript();
  let namespace: { default?: unknown };
  try {
    namespace = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (thrown) {
    throw new InputError(`${spec}: could not be loaded (${describeThrown(thrown)})`);
  }
  const exported =
    typeof namespace.default === 'function' ? (namespace.default as () => unknown)() : namespace.default;
  if (!isProtocol(exported)) {
    throw new InputError(
      `${spec}: the default export must be a protocol (defineProtocol({ name, init, ... })) or a function returning one`,
    );
  }
  return exported;
}
