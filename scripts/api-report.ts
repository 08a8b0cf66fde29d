/**
 * The API report: every name each package entry point (package.json "exports") offers, with
 * its kind and signature, as a reviewed file (api/fairlink.api.md). `npm test` regenerates it
 * and compares (test/api/api-report.test.ts), so a change to the public surface is deliberate:
 * `npm run api:update` rewrites the file, and the diff is reviewed with the change.
 *
 * Usage: tsx scripts/api-report.ts [--check]
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const API_REPORT_PATH = `${ROOT}api/fairlink.api.md`;

/** One exported name of an entry point. */
export interface ApiEntry {
  readonly name: string;
  readonly kind: string;
  readonly signature: string;
  /** Where it is declared (file:name): what says two entry points mean the same thing. */
  readonly declaration: string;
}

/** The package's entry points: subpath ('fairlink/core') -> its TypeScript source. */
export function entryPoints(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    exports: Record<string, string | { types?: string; default?: string }>;
  };
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    // The types name the entry's module (dist/sim/public.d.ts from src/sim/public.ts); the
    // JavaScript is the build's bundle (scripts/bundle.ts).
    const file = typeof target === 'string' ? undefined : target.types;
    if (file === undefined || !file.startsWith('./dist/') || !file.endsWith('.d.ts')) continue;
    entries.set(
      `fairlink${subpath.slice(1)}`,
      `${ROOT}src/${file.slice('./dist/'.length, -'.d.ts'.length)}.ts`,
    );
  }
  return entries;
}

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.WriteArrowStyleSignature;

/** The kind and one-line signature of an exported symbol. */
function describe(
  checker: ts.TypeChecker,
  name: string,
  symbol: ts.Symbol,
): Omit<ApiEntry, 'name' | 'declaration'> {
  const declaration = symbol.declarations?.[0];
  const type = (): ts.Type => checker.getTypeOfSymbol(symbol);
  const typeText = (t: ts.Type): string => checker.typeToString(t, undefined, FORMAT);
  if (declaration === undefined) return { kind: 'unknown', signature: name };
  if (ts.isFunctionDeclaration(declaration)) {
    const signatures = type().getCallSignatures();
    return {
      kind: 'function',
      signature: signatures
        .map((s) => `${name}${checker.signatureToString(s, undefined, FORMAT)}`)
        .join('; '),
    };
  }
  if (ts.isClassDeclaration(declaration)) {
    const heritage = declaration.heritageClauses?.map((clause) => clause.getText()).join(' ');
    const parameters = declaration.typeParameters?.map((p) => p.getText()).join(', ');
    return {
      kind: 'class',
      signature: `${name}${parameters ? `<${parameters}>` : ''}${heritage ? ` ${heritage}` : ''}`,
    };
  }
  if (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)) {
    const parameters = declaration.typeParameters?.map((p) => p.getText()).join(', ');
    const head = `${name}${parameters ? `<${parameters}>` : ''}`;
    if (ts.isTypeAliasDeclaration(declaration)) {
      return { kind: 'type', signature: `${head} = ${declaration.type.getText().replace(/\s+/g, ' ')}` };
    }
    const members = checker
      .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))
      .map((member) => member.name)
      .join(', ');
    return { kind: 'interface', signature: `${head} { ${members} }` };
  }
  if (ts.isVariableDeclaration(declaration)) {
    return { kind: 'const', signature: `${name}: ${typeText(type())}` };
  }
  if (ts.isEnumDeclaration(declaration)) return { kind: 'enum', signature: name };
  return { kind: ts.SyntaxKind[declaration.kind], signature: name };
}

/** Every entry point's exports, read from the sources by the TypeScript compiler. */
export function collectApi(): Map<string, ApiEntry[]> {
  const entries = entryPoints();
  const config = ts.getParsedCommandLineOfConfigFile(
    `${ROOT}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json: cannot read');
  const program = ts.createProgram({ rootNames: [...entries.values()], options: config.options });
  const checker = program.getTypeChecker();
  const api = new Map<string, ApiEntry[]>();
  for (const [entry, file] of entries) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${entry}: no module at ${file}`);
    const names = checker.getExportsOfModule(moduleSymbol).map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      const where = declaration
        ? `${declaration.getSourceFile().fileName.slice(ROOT.length)}:${symbol.name}`
        : '?';
      return { name: exported.name, declaration: where, ...describe(checker, exported.name, symbol) };
    });
    api.set(
      entry,
      names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
  }
  return api;
}

/** The names exported by more than one entry point as different things (must be none). */
export function conflictingNames(api: Map<string, ApiEntry[]>): string[] {
  const meaning = new Map<string, Set<string>>();
  for (const entries of api.values()) {
    for (const entry of entries)
      meaning.set(entry.name, (meaning.get(entry.name) ?? new Set()).add(entry.declaration));
  }
  return [...meaning].filter(([, declarations]) => declarations.size > 1).map(([name]) => name);
}

/** The report's text. */
export function renderApiReport(api: Map<string, ApiEntry[]>): string {
  const lines = [
    '# fairlink public API',
    '',
    'Generated by `npm run api:update` (scripts/api-report.ts) from the package entry points;',
    '`npm test` fails when the surface differs from this file. Review changes to it like code.',
    '',
  ];
  for (const [entry, entries] of api) {
    lines.push(`## ${entry} (${entries.length} names)`, '', '```ts');
    for (const { kind, signature } of entries) lines.push(`${kind} ${signature}`);
    lines.push('```', '');
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = renderApiReport(collectApi());
  if (process.argv.includes('--check')) {
    const current = readFileSync(API_REPORT_PATH, 'utf8');
    if (current !== text) {
      process.stderr.write('api/fairlink.api.md differs from the entry points: run `npm run api:update`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(API_REPORT_PATH, text);
  }
}
