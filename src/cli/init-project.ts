/**
 * The files of a new protocol project, as `fairlink init` writes them: a protocol, a scenario
 * with its properties, a test that simulates and model-checks it through `fairlink/testing`, and
 * the package, TypeScript and git files around them. The three TypeScript files are kept in the
 * package's templates/init/ folder as real sources (type-checked and linted with fairlink's own),
 * the rest is made here.
 */

import { readFileSync } from 'node:fs';

/** fairlink's own package.json, two folders up from src/cli or dist/cli. */
const manifestUrl = new URL('../../package.json', import.meta.url);
/** The template sources, next to package.json. */
const templatesUrl = new URL('../../templates/init/', import.meta.url);

/** The template files copied as they are. */
const TEMPLATE_FILES = ['protocol.ts', 'scenario.ts', 'scenario.test.ts'] as const;

interface Manifest {
  readonly version: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function readManifest(): Manifest {
  return JSON.parse(readFileSync(manifestUrl, 'utf8')) as Manifest;
}

/** What the project depends on fairlink as, by default: this version and compatible ones. */
export function defaultFairlinkSpec(): string {
  return `^${readManifest().version}`;
}

/**
 * An npm package name made from a folder name: lower case, only the characters npm allows,
 * not starting with a dot or an underscore.
 */
export function packageNameOf(folderName: string): string {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 214);
  return name === '' ? 'my-protocol' : name;
}

/** The project's package.json: private, ES modules, `scripts`, and fairlink and vitest to develop with. */
export function projectPackageJson(
  name: string,
  fairlinkSpec: string,
  scripts: Readonly<Record<string, string>>,
): string {
  // The test runner fairlink itself is tested with: the version `fairlink/testing` is known to work in.
  const vitestSpec = readManifest().devDependencies?.['vitest'] ?? 'latest';
  const packageJson = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts,
    devDependencies: { fairlink: fairlinkSpec, vitest: vitestSpec },
  };
  return `${JSON.stringify(packageJson, null, 2)}\n`;
}

/** The project's files: path relative to the project folder, and content. */
export function projectFiles(name: string, fairlinkSpec: string): readonly (readonly [string, string])[] {
  const scripts = {
    test: 'vitest run',
    sim: 'fairlink sim scenario.ts',
    check: 'fairlink check scenario.ts',
  };
  return [
    ['package.json', projectPackageJson(name, fairlinkSpec, scripts)],
    ['tsconfig.json', projectTsconfig(['*.ts'])],
    ['.gitignore', 'node_modules\nout\n'],
    ['README.md', readme(name)],
    ...TEMPLATE_FILES.map((file) => [file, readFileSync(new URL(file, templatesUrl), 'utf8')] as const),
  ];
}

/**
 * Strict TypeScript for an editor (scenarios run without a build step), Node's module rules.
 * No `types`: the project needs no Node type declarations.
 */
export function projectTsconfig(include: readonly string[]): string {
  return `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": []
  },
  "include": ${JSON.stringify(include)}
}
`;
}

function readme(name: string): string {
  return `# ${name}

A distributed protocol written with [fairlink](https://www.npmjs.com/package/fairlink):
\`protocol.ts\` is the protocol, \`scenario.ts\` the system it runs in and the properties it must
keep, \`scenario.test.ts\` the tests.

\`\`\`sh
npm install                      # fairlink and vitest
npx fairlink sim scenario.ts     # simulate 100 runs with message loss and random delays
npm test                         # simulate and model-check it, as tests
\`\`\`

Then change the protocol and run \`npm test\` again. \`npx fairlink check scenario.ts\` explores every
interleaving; when a run fails, the report prints the command that replays it and writes its
space-time diagram under \`out/\` (open the \`.html\` file in a browser). To look at a passing run:
\`npx fairlink sim scenario.ts --seed 1 --html out/run.html\`.
`;
}
