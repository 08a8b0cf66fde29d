/**
 * The package as a user gets it: `npm pack` (which builds, through `prepare`), installed into an
 * empty project outside the repository, then used from there: the `fairlink` command on scenarios
 * written in that project, and `import 'fairlink/sim'` from a plain Node script. Also: the package
 * holds every file its README and docs link to, its licence, and every file its `exports` and `bin`
 * name.
 *
 * Slow (a build, then an npm install): one of the long tests. Dependencies come from npm's cache
 * when it has them all (`--offline`), from the registry otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMMAND_TIMEOUT_MS,
  INSTALL_TIMEOUT_MS,
  npmInstall,
  PACK_TIMEOUT_MS,
  packFairlink,
  run,
  transcript,
} from './npm-project.js';

/** The relative link targets of a Markdown text (no URLs, no in-page anchors), without their `#fragment`. */
function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    targets.push(target.replace(/#.*$/, ''));
  }
  return targets;
}

/** A scenario that passes: ping-pong written with fairlink/core, checked with fairlink/sim. */
const PASSING_SCENARIO = `import { defineProtocol, type NodeId } from 'fairlink/core';
import { defineScenario, eventually, invariant } from 'fairlink/sim';

interface PingState { pongs: number }
type Ball = { type: 'ping' } | { type: 'pong' };

const pinger = defineProtocol<PingState, Ball>({
  name: 'pinger',
  init: () => ({ pongs: 0 }),
  onBoot: (context) => context.send('ponger' as NodeId, { type: 'ping' }),
  onMessage: (context) => {
    context.state.pongs++;
  },
});

const ponger = defineProtocol<Record<string, never>, Ball>({
  name: 'ponger',
  init: () => ({}),
  onMessage: (context, from, message) => {
    if (message.type === 'ping') context.send(from, { type: 'pong' });
  },
});

export default defineScenario({
  name: 'ping-pong',
  params: {},
  build: () => ({
    nodes: { pinger, ponger },
    network: { delay: 5 },
    durationMs: 100,
    properties: [
      invariant('at most one pong', (view) => (view.state<PingState>('pinger')?.pongs ?? 0) <= 1),
      eventually('the pong arrives', (view) => view.state<PingState>('pinger')?.pongs === 1),
    ],
  }),
});
`;

/** A scenario that fails: the lecture's retransmit (fairlink/protocols) claimed never to be acknowledged. */
const FAILING_SCENARIO = `import { defineScenario, invariant } from 'fairlink/sim';
import { retransmitReceiver, retransmitSender, type RetransmitSenderState } from 'fairlink/protocols';

export default defineScenario({
  name: 'never-acknowledged',
  params: {},
  build: () => ({
    nodes: {
      sender: retransmitSender({ to: 'receiver', payload: 'm', resendMs: 20 }),
      receiver: retransmitReceiver,
    },
    network: { delay: 5 },
    durationMs: 1_000,
    properties: [
      invariant('the sender is never acknowledged', (view) =>
        view.state<RetransmitSenderState>('sender')?.acknowledgedAtMs == null),
    ],
  }),
});
`;

/** A plain Node script (no TypeScript, no fairlink command): the library imported and run. */
const LIBRARY_SCRIPT = `import { nodeIds } from 'fairlink/core';
import { eventually, simulate } from 'fairlink/sim';
import { retransmitReceiver, retransmitSender } from 'fairlink/protocols';

const result = simulate(
  {
    nodes: {
      sender: retransmitSender({ to: 'receiver', payload: 'm', resendMs: 20 }),
      receiver: retransmitReceiver,
    },
    network: { drop: 0.5, delay: 5 },
    durationMs: 2_000,
    properties: [eventually('acknowledged', (view) => view.state('sender')?.acknowledgedAtMs != null)],
  },
  { seed: 7 },
);
console.log(JSON.stringify({ ok: result.ok, nodes: nodeIds('n', 2) }));
`;

describe('the npm package, installed into an empty project', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fairlink-package-'));
  const packFolder = join(scratch, 'pack');
  const project = join(scratch, 'project');
  const installed = join(project, 'node_modules', 'fairlink');
  /** The tarball's files, relative to the package root. */
  let packedFiles: Set<string>;

  beforeAll(async () => {
    const tarball = await packFairlink(packFolder);
    const listing = await run('tar', ['-tzf', tarball], scratch, COMMAND_TIMEOUT_MS);
    expect(listing.code, transcript(listing)).toBe(0);
    packedFiles = new Set(
      listing.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.replace(/^package\//, '')),
    );

    // An empty project of its own, outside the repository (no node_modules above it to fall back on).
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2) + '\n',
    );
    const install = await npmInstall(project, [tarball]);
    expect(install.code, transcript(install)).toBe(0);
    writeFileSync(join(project, 'ping-pong.ts'), PASSING_SCENARIO);
    writeFileSync(join(project, 'never-acknowledged.ts'), FAILING_SCENARIO);
    writeFileSync(join(project, 'library.mjs'), LIBRARY_SCRIPT);
  }, PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships its licence, docs, trace format and schema, and every file the docs link to', () => {
    for (const file of ['LICENSE', 'README.md', 'TRACE.md', 'schema/trace.schema.json', 'docs/cli.md'])
      expect(packedFiles, file).toContain(file);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest['license']).toBe('MIT');
    expect(manifest['repository']).toMatchObject({ type: 'git' });
    // No build cache in the package.
    expect([...packedFiles].filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);

    const documents = [...packedFiles].filter((file) => file.endsWith('.md'));
    expect(documents.length).toBeGreaterThanOrEqual(5);
    const broken: string[] = [];
    for (const document of documents) {
      for (const target of relativeLinks(readFileSync(join(installed, document), 'utf8'))) {
        const file = posix.normalize(posix.join(posix.dirname(document), target));
        const isFolder = [...packedFiles].some((packed) => packed.startsWith(`${file.replace(/\/$/, '')}/`));
        if (!packedFiles.has(file) && !isFolder) broken.push(`${document} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('holds every file its exports and its bin name', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
      bin: Record<string, string>;
    };
    const named = [
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((entry) =>
        typeof entry === 'string' ? [entry] : Object.values(entry),
      ),
    ];
    expect(named.length).toBeGreaterThan(10);
    const missing = named.map((path) => posix.normalize(path)).filter((path) => !packedFiles.has(path));
    expect(missing).toEqual([]);
  });

  it('`npx fairlink sim` runs a scenario written in the project: exit 0 when it passes', async () => {
    expect(existsSync(join(project, 'node_modules', '.bin', 'fairlink'))).toBe(true);
    const ran = await run(
      'npx',
      ['--no-install', 'fairlink', 'sim', 'ping-pong.ts', '--seeds', '1..5'],
      project,
      COMMAND_TIMEOUT_MS,
    );
    expect(ran.code, transcript(ran)).toBe(0);
    expect(ran.stdout).toMatch(/^PASS ping-pong: 5 seeds \(1\.\.5\), no violation/m);
  });

  it('`npx fairlink sim` exits 1 on a scenario that fails', async () => {
    const ran = await run(
      'npx',
      ['--no-install', 'fairlink', 'sim', 'never-acknowledged.ts', '--seeds', '1..5'],
      project,
      COMMAND_TIMEOUT_MS,
    );
    expect(ran.code, transcript(ran)).toBe(1);
    expect(ran.stdout).toContain('the sender is never acknowledged');
  });

  it("a plain Node script imports 'fairlink/sim', 'fairlink/core' and 'fairlink/protocols'", async () => {
    const ran = await run(process.execPath, ['library.mjs'], project, COMMAND_TIMEOUT_MS);
    expect(ran.code, transcript(ran)).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ ok: true, nodes: ['n1', 'n2'] });
  });
});
