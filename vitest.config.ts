import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sourceFolder = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources rather than the build, so that
    // `fairlink/sim` inside an example means the code under test.
    alias: [
      {
        find: /^fairlink\/(core|sim|trace|check|history|protocols|runtime|maelstrom)$/,
        replacement: `${sourceFolder}$1/index.ts`,
      },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
