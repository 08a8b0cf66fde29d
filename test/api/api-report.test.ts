/**
 * The public surface is deliberate: the entry points export what api/fairlink.api.md lists,
 * and no name means different things in different entry points.
 */

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_REPORT_PATH,
  collectApi,
  conflictingNames,
  renderApiReport,
  type ApiEntry,
} from '../../scripts/api-report.js';

let api: Map<string, ApiEntry[]>;
beforeAll(() => {
  api = collectApi();
}, 120_000);

describe('the public API', () => {
  it('is the one recorded in api/fairlink.api.md (after a deliberate change: npm run api:update)', () => {
    const recorded = readFileSync(API_REPORT_PATH, 'utf8');
    const current = renderApiReport(api);
    if (current !== recorded) {
      expect.fail(
        'The package entry points no longer export what api/fairlink.api.md records. If the ' +
          'change is deliberate, run `npm run api:update` and review the diff of api/fairlink.api.md.',
      );
    }
  });

  it('gives every name one meaning across the entry points', () => {
    expect(conflictingNames(api)).toEqual([]);
  });

  it("keeps the engines' internals out of the entry points", () => {
    const names = new Set([...api.values()].flat().map((entry) => entry.name));
    for (const internal of [
      'HANDLER_BY_CODE',
      'validateConfig',
      'FrameReader',
      'subsetSumReachable',
      'fingerprint',
    ]) {
      expect(names.has(internal), internal).toBe(false);
    }
  });
});
