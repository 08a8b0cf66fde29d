/**
 * Timers are typed like messages: a protocol declares its timer union, and `setTimer` /
 * `cancelTimer` take only its names, each with its own data. A wrong name or data must be a
 * compile error, so this test runs the TypeScript compiler over small protocols (a file that
 * exists only in memory, beside this one) and reads its diagnostics.
 */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const CORE = dirname(fileURLToPath(import.meta.url));

/** The protocol bodies under test: each fixture is `onBoot`'s body (it may close it and open `onTimer`). */
const FIXTURES = {
  right: `
    context.setTimer('resend', 10);
    context.setTimer('resend', [5, 10], null);
    context.setTimer('deadline', 10, 3);
    context.setTimer('retry-7', 10, { value: 7 });
    context.cancelTimer('deadline');`,
  wrongName: `
    context.setTimer('resnd', 10);
    context.cancelTimer('dedline');`,
  wrongData: `
    context.setTimer('deadline', 10, 'soon');
    context.setTimer('retry-7', 10, { value: 'seven' });
    context.setTimer('deadline', 10);
    context.setTimer('resend', 10, 3);`,
  fired: `
  },
  onTimer(context, timer) {
    if (timer.name === 'deadline') {
      const deadline: number = timer.data;
      context.setTimer('deadline', deadline + 1, deadline + 1);
    } else if (timer.name !== 'resend') {
      const value: number = timer.data.value;
      context.log(String(value));
    }
    const wrong: string = timer.data;
    context.log(String(wrong));`,
};

/** A file declaring a protocol's timer union, with `body` in its `onBoot`. */
const fixtureSource = (body: string): string => `
import { defineProtocol } from './index.js';
type Timer = { name: 'resend'; data: null } | { name: 'deadline'; data: number } | { name: \`retry-\${number}\`; data: { value: number } };
export const probe = defineProtocol<null, never, Timer>({
  name: 'probe',
  init: () => null,
  onBoot(context) {
${body}
  },
});
`;

/** The type errors of every fixture, from one compiler run (one run costs seconds). */
function compileFixtures(): Record<keyof typeof FIXTURES, string[]> {
  const files = new Map(
    Object.entries(FIXTURES).map(([name, body]) => [join(CORE, `__timer-${name}.ts`), fixtureSource(body)]),
  );
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const source = files.get(fileName);
    return source === undefined
      ? getSourceFile(fileName, language, ...rest)
      : ts.createSourceFile(fileName, source, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const errorsOf = (name: string): string[] =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(join(CORE, `__timer-${name}.ts`)))
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '));
  return {
    right: errorsOf('right'),
    wrongName: errorsOf('wrongName'),
    wrongData: errorsOf('wrongData'),
    fired: errorsOf('fired'),
  };
}

let errors: Record<keyof typeof FIXTURES, string[]>;
beforeAll(() => {
  errors = compileFixtures();
}, 120_000);

describe('typed timers', () => {
  it('accept the declared names, each with its data (left out when it may be null)', () => {
    expect(errors.right).toEqual([]);
  });

  it('reject a name the protocol does not declare, in setTimer and cancelTimer', () => {
    expect(errors.wrongName).toHaveLength(2);
    expect(errors.wrongName[0]).toContain('"resnd"');
    expect(errors.wrongName[1]).toContain('"dedline"');
  });

  it("reject data of the wrong type, and a missing data the timer's type needs", () => {
    expect(errors.wrongData).toHaveLength(4);
  });

  it('hand onTimer the declared union, narrowed by name', () => {
    expect(errors.fired).toHaveLength(1);
    expect(errors.fired[0]).toContain("is not assignable to type 'string'");
  });
});
