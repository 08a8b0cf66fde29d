import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_PARENT, StateTable } from './state-table.js';

describe('StateTable', () => {
  it('behaves as a set of 64-bit fingerprints, through growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer(), fc.integer({ min: -4, max: 4 })), { maxLength: 3000 }),
        (pairs) => {
          const table = new StateTable();
          const reference = new Map<string, number>();
          pairs.forEach(([high, low], i) => {
            const key = `${high}:${low}`;
            const result = table.insert(high, low, i - 1, i);
            const known = reference.get(key);
            if (known === undefined) {
              expect(result).toBe(reference.size);
              reference.set(key, result);
            } else {
              expect(result).toBe(~known);
            }
          });
          expect(table.size).toBe(reference.size);
          for (const [key, index] of reference) {
            const [high = 0, low = 0] = key.split(':').map(Number);
            expect(table.find(high, low)).toBe(index);
          }
        },
      ),
    );
  });

  it('keeps parent records and rebuilds the chain of action indices', () => {
    const table = new StateTable();
    const root = table.insert(1, 1, NO_PARENT, 2); // third initial state
    const child = table.insert(2, 2, root, 5);
    const grandchild = table.insert(3, 3, child, 0);
    expect(table.pathTo(grandchild)).toEqual([2, 5, 0]);
  });
});
