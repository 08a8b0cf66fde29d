/**
 * The layering rule (eslint/module-boundaries.js), as eslint.config.js installs it, fires on
 * each kind of forbidden import and lets the allowed ones through.
 */

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The repository's lint configuration (JavaScript: loaded by URL, without types). */
const configUrl: string = new URL('../../eslint.config.js', import.meta.url).href;
const config = ((await import(configUrl)) as { default: Linter.Config[] }).default;

/** The configuration entries that install the rule: the ones the repository's lint runs. */
const ruleEntries = config.filter((entry) => entry.plugins?.['fairlink'] !== undefined);

/** The rule's messages for `code`, linted as the file `path` under src/. */
function lint(path: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const entries = ruleEntries.map((entry) => ({
    ...entry,
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
  }));
  return linter.verify(code, entries, { filename: join(SRC, path) }).map((message) => message.message);
}

describe('module boundaries', () => {
  it('is installed by eslint.config.js for src/', () => {
    expect(ruleEntries).toHaveLength(1);
    expect(ruleEntries[0]?.rules?.['fairlink/module-boundaries']).toBeDefined();
  });

  it('rejects an import that reaches inside another module, and names the index to use', () => {
    expect(lint('maelstrom/run.ts', "import { draw } from '../sim/distributions.js';")).toEqual([
      "'../sim/distributions.js' reaches inside module 'sim': import it through '../sim/index.js'",
    ]);
    expect(lint('maelstrom/node/adapter.ts', "export { x } from '../../core/random.js';")).toHaveLength(1);
    expect(lint('check/actors.ts', "const m = await import('../sim/simulator.js');")).toHaveLength(1);
  });

  it('lets a module import another through its index, and itself freely', () => {
    expect(lint('maelstrom/run.ts', "import { draw } from '../sim/index.js';")).toEqual([]);
    expect(lint('sim/simulator.ts', "import { buildGrudge } from './partitions.js';")).toEqual([]);
    expect(lint('sim/simulator.ts', "import ts from 'typescript';")).toEqual([]);
  });

  it('lets protocols import only core (their tests may drive the engines)', () => {
    expect(lint('protocols/lab1/tries.ts', "import { simulate } from '../../sim/index.js';")).toEqual([
      "'../../sim/index.js': src/protocols imports only core (what runs protocols belongs to the engines)",
    ]);
    expect(
      lint('protocols/raft/w.ts', "import type { WorkloadOperation } from '../../history/index.js';"),
    ).toHaveLength(1);
    expect(lint('protocols/raft/raft.ts', "import { defineProtocol } from '../../core/index.js';")).toEqual(
      [],
    );
    expect(lint('protocols/raft/raft.test.ts', "import { simulate } from '../../sim/index.js';")).toEqual([]);
  });

  it('rejects any import of src/cli, even through its index', () => {
    expect(lint('testing/scenario-tests.ts', "import { main } from '../cli/main.js';")).toEqual([
      "'../cli/main.js': nothing imports src/cli (the CLI is the front door over every module)",
    ]);
    expect(lint('report/shell.ts', "import { x } from '../cli/index.js';")).toHaveLength(1);
  });
});
