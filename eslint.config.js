// Type-aware linting: floating promises and unsafe `any` are errors, as in the
// TypeScript codebases STYLE.md points to.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import fairlink from './eslint/module-boundaries.js';

// A project of its own inside the clone (`fairlink init` run here: a folder with its own
// package.json) is the user's, with its own dependencies and settings: fairlink's lint leaves it be.
const nestedProjects = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
  .filter((entry) => existsSync(join(import.meta.dirname, entry.name, 'package.json')))
  .map((entry) => `${entry.name}/**`);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'bin/**', 'bench/**/*.js', ...nestedProjects] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // DESIGN §2's layering: eslint/module-boundaries.js says what it allows.
    files: ['src/**/*.ts'],
    plugins: { fairlink },
    rules: { 'fairlink/module-boundaries': ['error', { srcDir: join(import.meta.dirname, 'src') }] },
  },
  { files: ['eslint.config.js', 'eslint/**/*.js'], ...tseslint.configs.disableTypeChecked },
);
