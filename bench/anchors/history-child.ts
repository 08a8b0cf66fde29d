/**
 * fairlink's side of the history comparison: one Node process that judges a set of histories
 * with the built library (`dist/history`), as Porcupine's test binary judges them in one Go
 * process: read each file, parse it, pair its events, check it. `bench/history.ts` transpiles
 * this file (esbuild, types stripped, nothing bundled) so that it runs on plain Node with no
 * TypeScript loader at start-up, and loads `dist/` module by module as the CLI does.
 *
 * argv[2]: a JSON file `{ library, histories: [{ file, format, partition, timeoutMs? }] }`,
 * `library` being the file URL of `dist/history/index.js`.
 * stdout: JSON `{ verdicts, checkSeconds, uptimeSeconds }`: the verdicts in order, the time spent
 * judging (reading included, loading the library excluded), and the process's age at the end.
 */
import { readFileSync } from 'node:fs';

type HistoryLibrary = typeof import('../../src/history/index.js');

export interface HistoryChildInput {
  readonly library: string;
  readonly histories: readonly {
    readonly file: string;
    readonly format: 'jepsen-etcd' | 'jepsen-kv-edn';
    readonly partition: boolean;
    readonly timeoutMs?: number;
  }[];
}

export interface HistoryChildOutput {
  readonly verdicts: readonly string[];
  readonly checkSeconds: number;
  readonly uptimeSeconds: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as HistoryChildInput;
  const library = (await import(input.library)) as HistoryLibrary;
  const started = performance.now();
  const verdicts = input.histories.map((history) => {
    const parsed = library.parseHistory(readFileSync(history.file, 'utf8'), history.format, history.file);
    const { operations } = library.pairOperations(parsed);
    const model = history.format === 'jepsen-etcd' ? library.casRegisterModel() : library.keyValueModel();
    return library.checkLinearizability(operations, model, {
      partition: history.partition,
      ...(history.timeoutMs === undefined ? {} : { timeoutMs: history.timeoutMs }),
    }).verdict;
  });
  const output: HistoryChildOutput = {
    verdicts,
    checkSeconds: (performance.now() - started) / 1000,
    // performance.now() counts from the process's start.
    uptimeSeconds: performance.now() / 1000,
  };
  process.stdout.write(JSON.stringify(output));
}

await main();
