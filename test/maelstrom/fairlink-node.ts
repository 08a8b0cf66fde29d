/**
 * What `fairlink maelstrom node MODULE [--seed N]` runs, from the TypeScript sources: the tests
 * bundle this file (see fairlink-nodes.ts) and use it as a node program.
 */
import { runNodeProcess } from '../../src/maelstrom/node/main.js';

const [module, flag, seed] = process.argv.slice(2);
if (module === undefined) throw new Error('usage: fairlink-node MODULE [--seed N]');
process.exitCode = await runNodeProcess(module, process, flag === '--seed' ? { seed: Number(seed) } : {});
