/**
 * A lab's graded suite, as data: `labs/<n>/suite.json` in the package. A teacher adds a test or
 * changes its points by editing that file; the code here only reads and validates it.
 *
 * Each test names a kind and its parameters:
 * - `simulate`: a seed sweep of one of the handout's scenarios (`fairlink sim`), with `params`
 *   (faults, delays, what to expect) and `seeds`;
 * - `check`: a bounded model check of a scenario's model (`fairlink check`), every interleaving;
 * - `cases`: calls of a function the student's module exports, each with its expected result
 *   (plain JSON values, compared structurally).
 *
 * @module
 */

import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/index.js';

/** The suite format this fairlink reads; a suite states the version it was written for. */
export const SUITE_VERSION = 1;

/** The labs' folder in the package, next to package.json (two folders up from src/lab or dist/lab). */
export const labsFolderUrl = new URL('../../labs/', import.meta.url);

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const params = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const seeds = z.union([
  z.number().int().min(0),
  z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }).strict(),
]);
const common = {
  name,
  /** What the test asks, in one sentence, for the report. */
  description: z.string().min(1),
  points: z.number().int().min(0),
  /** The handout's scenario file, relative to the handout folder. */
  scenario: z.string().min(1),
  params: params.optional(),
};

const simulateTest = z.object({ kind: z.literal('simulate'), ...common, seeds }).strict();
const checkTest = z
  .object({
    kind: z.literal('check'),
    ...common,
    maxDepth: z.number().int().min(1).optional(),
    maxStates: z.number().int().min(1).optional(),
    /**
     * A bounded search: stopping at `maxDepth` or `maxStates` without a violation passes (every
     * interleaving up to the bound is safe). Otherwise a search that stops early is unknown.
     */
    bounded: z.boolean().optional(),
  })
  .strict();
const casesTest = z
  .object({
    kind: z.literal('cases'),
    name,
    description: z.string().min(1),
    points: z.number().int().min(0),
    /** The student's module, relative to the handout folder. */
    module: z.string().min(1),
    /** The exported function to call. */
    export: z.string().min(1),
    cases: z.array(z.object({ args: z.array(z.unknown()), expect: z.unknown() }).strict()).min(1),
  })
  .strict();

const labTest = z.discriminatedUnion('kind', [simulateTest, checkTest, casesTest]);

const suiteSchema = z
  .object({
    format: z.literal('fairlink-lab-suite'),
    version: z.literal(SUITE_VERSION),
    lab: z.number().int().min(1),
    title: z.string().min(1),
    tests: z.array(labTest).min(1),
  })
  .strict();

export type LabSuite = z.infer<typeof suiteSchema>;
export type LabTest = LabSuite['tests'][number];
export type SimulateTest = z.infer<typeof simulateTest>;
export type CheckTest = z.infer<typeof checkTest>;
export type CasesTest = z.infer<typeof casesTest>;

/** The labs the package ships, by number, ascending. */
export function labNumbers(): number[] {
  return readdirSync(labsFolderUrl, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
}

/** The folder of lab `lab` in the package. */
export function labFolderUrl(lab: number): URL {
  return new URL(`${lab}/`, labsFolderUrl);
}

/** Reads and validates lab `lab`'s suite; an unknown lab or an invalid suite is bad input. */
export function loadSuite(lab: number): LabSuite {
  if (!labNumbers().includes(lab)) {
    throw new InputError(`lab ${lab}: no such lab (there are labs ${labNumbers().join(', ')})`);
  }
  const url = new URL('suite.json', labFolderUrl(lab));
  return parseSuite(readFileSync(url, 'utf8'), `labs/${lab}/suite.json`, lab);
}

/** Parses a suite's text; `where` names it in errors. */
export function parseSuite(text: string, where: string, lab: number): LabSuite {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where}: not JSON: ${(error as Error).message}`);
  }
  const result = suiteSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw new InputError(`${where}: ${path === '' ? '' : `at '${path}': `}${issue?.message ?? 'invalid'}`);
  }
  const suite = result.data;
  if (suite.lab !== lab) throw new InputError(`${where}: says lab ${suite.lab}, expected ${lab}`);
  const seen = new Set<string>();
  for (const test of suite.tests) {
    if (seen.has(test.name)) throw new InputError(`${where}: two tests are named '${test.name}'`);
    seen.add(test.name);
    if (test.kind === 'simulate' && typeof test.seeds !== 'number' && test.seeds.from > test.seeds.to) {
      throw new InputError(
        `${where}: test '${test.name}': seeds ${test.seeds.from}..${test.seeds.to} is empty`,
      );
    }
  }
  return suite;
}

/** The suite's total points. */
export function totalPoints(suite: LabSuite): number {
  return suite.tests.reduce((sum, test) => sum + test.points, 0);
}
