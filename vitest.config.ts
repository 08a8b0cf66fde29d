import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sourceFolder = fileURLToPath(new URL('./src/', import.meta.url));

/** The long suite (`npm run test:long`, vitest.long.config.ts): sweeps and real-time runs. */
export const LONG_TESTS = [
  'src/**/*.long.test.ts',
  'test/**/*.long.test.ts',
  // Browser tests (Chromium): long, and they need the Debian package installed.
  'src/**/*.browser.test.ts',
  'test/**/*.browser.test.ts',
];

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources rather than the build, so that
    // `fairlink/sim` inside an example means the code under test.
    alias: [
      {
        find: /^fairlink\/(core|sim|trace|check|history|protocols|runtime|maelstrom|testing|explore)$/,
        replacement: `${sourceFolder}$1/public.ts`,
      },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...LONG_TESTS],
    // Guards against hangs, not measurements: a test that spawns the CLI or a cluster can take
    // ten times longer than usual on a busy machine, and must still pass there.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
