// Type-aware linting: floating promises and unsafe `any` are errors, as in the
// TypeScript codebases STYLE.md points to.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
