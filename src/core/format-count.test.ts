import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCount } from './format-count.js';

describe('formatCount', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('groups thousands as en-US does, without asking ICU', () => {
    const toLocaleString = vi.spyOn(Number.prototype, 'toLocaleString');
    for (const count of [0, 7, 999, 1000, 2341, 45_000, 1_234_567, -1234, Number.MAX_SAFE_INTEGER]) {
      expect(formatCount(count)).toBe(
        new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(count),
      );
    }
    expect(toLocaleString).not.toHaveBeenCalled();
  });
});
