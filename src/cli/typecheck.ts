/**
 * Type-checking a user's scenario files against fairlink's own types.
 *
 * Scenarios run without a build step: tsx strips their types and never checks
 * them, so a scenario with a type error runs (and may pass). This runs the
 * TypeScript compiler over the files and what they import, under `strict`, with
 * `fairlink/*` resolved to this package's declarations (`dist/<module>/public.d.ts`, the package entry points)
 * wherever the scenario lives. Nothing is emitted.
 *
 * The compiler is loaded only when asked for: `typescript` is a large package
 * and running a scenario does not need it.
 */

import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/index.js';
import { checkScenarioFile } from '../sim/index.js';

/** The package's root folder (this file is in `src/cli` or `dist/cli`). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One type error, located. */
export interface TypeErrorFound {
  /** The file as a path relative to the working directory (absolute when outside it). */
  readonly file: string;
  /** Line and column, counted from 1. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The outcome of checking some files. */
export interface TypecheckResult {
  /** The files asked for and every file of the user's they import (not fairlink's, not libraries'). */
  readonly filesChecked: number;
  readonly errors: readonly TypeErrorFound[];
}

/** `file:line:column: message`, the form editors and terminals link to. */
export function formatTypeError(error: TypeErrorFound): string {
  return `${error.file}:${error.line}:${error.column}: ${error.message}`;
}

/**
 * Type-checks the scenario files at `paths` (relative to the working
 * directory). Throws an {@link InputError} when a path is not a scenario file
 * or the TypeScript compiler is not installed.
 */
export function typecheckScenarios(paths: readonly string[]): TypecheckResult {
  for (const path of paths) checkScenarioFile(path);
  const ts = loadTypeScript();
  const options: import('typescript').CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    // `.js` scenarios too: their JSDoc types and fairlink's are checked as well.
    allowJs: true,
    checkJs: true,
    // Protocol code touches no Node API (no I/O, no timers): no @types/node needed.
    types: [],
    baseUrl: PACKAGE_ROOT,
    paths: { 'fairlink/*': ['dist/*/public.d.ts'] },
  };
  const program = ts.createProgram({ rootNames: paths.map((path) => resolve(path)), options });
  const usersFiles = program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !file.fileName.startsWith(PACKAGE_ROOT + 'dist/'))
    .filter((file) => !program.isSourceFileFromExternalLibrary(file));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...usersFiles.flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]),
  ];
  const errors = diagnostics
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map((diagnostic): TypeErrorFound => {
      const message = ts
        .flattenDiagnosticMessageText(diagnostic.messageText, '\n')
        .split('\n')
        .map((line) => line.trim())
        .join(' ');
      if (diagnostic.file === undefined || diagnostic.start === undefined) {
        return { file: 'typescript', line: 0, column: 0, message };
      }
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return { file: shown(diagnostic.file.fileName), line: line + 1, column: character + 1, message };
    });
  return { filesChecked: usersFiles.length, errors };
}

/** The path as the user would type it: relative to the working directory when inside it. */
function shown(fileName: string): string {
  const path = relative(process.cwd(), fileName);
  return path.startsWith('..') ? fileName : path;
}

/** The TypeScript compiler, or an input error saying how to install it. */
function loadTypeScript(): typeof import('typescript') {
  try {
    return createRequire(import.meta.url)('typescript') as typeof import('typescript');
  } catch {
    throw new InputError(
      'typecheck needs the TypeScript compiler: npm install --save-dev typescript (in the project that holds the scenario)',
    );
  }
}
