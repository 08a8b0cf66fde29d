/**
 * `fairlink maelstrom node` as a program built from the current sources: fairlink-node.ts
 * bundled into one file (in a fraction of a second), so that 25 nodes start as fast as plain
 * Node scripts instead of compiling TypeScript each. Used by the tests and bench/maelstrom.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** How to start one fairlink node: `command` with `args(module)`. */
export interface NodeProgram {
  readonly command: string;
  readonly args: (module: string) => string[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
let bundle: Promise<string> | undefined;

/** The bundled node program (built once per process, into a temporary folder). */
export function fairlinkNodeProgram(): Promise<NodeProgram> {
  bundle ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'fairlink-maelstrom-')), 'fairlink-node.mjs');
    await build({
      entryPoints: [join(here, 'fairlink-node.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      // Only needed to load a TypeScript node module, which the built-in nodes are not.
      external: ['tsx', 'tsx/*'],
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundle.then((outfile) => ({ command: process.execPath, args: (module) => [outfile, module] }));
}
