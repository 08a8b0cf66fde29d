/**
 * The long suite, `npm run test:long`: sweeps over many seeds (run by the campaign engine on
 * worker threads, never one synchronous loop in a test) and real-time runs (Gossip Glomers
 * targets, network namespaces). `.ci/run` runs it after `npm test`.
 */
import { defineConfig } from 'vitest/config';
import base, { LONG_TESTS } from './vitest.config.js';

// Spread rather than mergeConfig, which would append these lists to the default suite's.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: LONG_TESTS,
    exclude: ['**/node_modules/**'],
    // One file at a time: a sweep keeps both cores busy on its own, and the real-time runs
    // need the cores they measure with.
    fileParallelism: false,
  },
});
