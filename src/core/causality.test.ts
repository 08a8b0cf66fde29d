import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  happenedBeforeStamp,
  mergePast,
  pastAfterRecord,
  stampRecord,
  type CausalPast,
} from './causality.js';
import { nodeId } from './ids.js';
import { plainToJson } from './plain.js';

const past = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 5 }));

describe('causal pasts', () => {
  it('merge is the pointwise maximum, and returns the receiver itself when the message adds nothing', () => {
    fc.assert(
      fc.property(past, past, (mine, received) => {
        const merged = mergePast(mine, received) as CausalPast;
        for (const node of new Set([...Object.keys(mine), ...Object.keys(received)])) {
          expect(merged[node]).toBe(Math.max(mine[node] ?? 0, received[node] ?? 0));
        }
        if (Object.keys(received).every((node) => (received[node] as number) <= (mine[node] ?? 0)))
          expect(merged).toBe(mine);
      }),
    );
    const mine: CausalPast = { a: 1 };
    expect(mergePast(mine, undefined)).toBe(mine);
    expect(mergePast(undefined, mine)).toBe(mine);
  });

  it('equal pasts are equal text whatever the order they were built in (the checker keys messages by text)', () => {
    const ab = mergePast(pastAfterRecord(undefined, 'b'), pastAfterRecord(undefined, 'a'));
    const ba = mergePast(pastAfterRecord(undefined, 'a'), pastAfterRecord(undefined, 'b'));
    expect(plainToJson(ab)).toBe(plainToJson(ba));
    expect(plainToJson(pastAfterRecord({ b: 1 }, 'a'))).toBe('{"a":1,"b":1}');
    expect(Object.isFrozen(ab)).toBe(true);
  });

  it('a record stamps its own index, and happened-before is irreflexive and follows the stamp', () => {
    const a1 = stampRecord(nodeId('a'), 0, undefined, 'x', null);
    const a2 = stampRecord(nodeId('a'), 1, a1.past, 'y', null);
    const b1 = stampRecord(nodeId('b'), 0, mergePast(undefined, a1.past), 'z', null);
    expect(a2.past).toEqual({ a: 2 });
    expect(happenedBeforeStamp(a1, a1)).toBe(false);
    expect(happenedBeforeStamp(a1, a2)).toBe(true);
    expect(happenedBeforeStamp(a2, a1)).toBe(false);
    expect(happenedBeforeStamp(a1, b1)).toBe(true);
    expect(happenedBeforeStamp(a2, b1)).toBe(false);
    expect(happenedBeforeStamp(b1, a2)).toBe(false);
  });

  it('refuses a stamp whose index does not match the past (an engine bug)', () => {
    expect(() => stampRecord(nodeId('a'), 3, { a: 1 }, 'x', null)).toThrow(
      /has 3 recorded events but its past counts 2/,
    );
  });
});
