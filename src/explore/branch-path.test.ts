import { describe, expect, it } from 'vitest';
import { formatBranchPath, parseBranchPath } from './branch-path.js';

describe('branch paths', () => {
  it('round-trip, keeping the colons of a timer name', () => {
    const path = [
      { at: 40, choice: 'deliver:m12' },
      { at: 55, choice: 'timer:n1:election:x' },
    ];
    expect(formatBranchPath(path)).toBe('40:deliver:m12,55:timer:n1:election:x');
    expect(parseBranchPath(formatBranchPath(path), 'path')).toEqual(path);
    expect(parseBranchPath('', 'path')).toEqual([]);
  });

  it('refuse a step without an index, naming where it came from', () => {
    expect(() => parseBranchPath('deliver:m1', '--path')).toThrow(
      "--path: 'deliver:m1' is not a branch step",
    );
  });
});
