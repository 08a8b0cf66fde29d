/**
 * The one module that knows plain data's kinds (plain-kind.ts): its table describes every kind,
 * agrees with the test that tells kinds apart, and is the only place outside the interner's
 * files (still to move onto it) that names a kind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describePlainKind,
  layoutOf,
  objectKind,
  PLAIN_KINDS,
  PlainKind,
  type PlainKindDescription,
  type PlainKindTable,
  PlainLayout,
  tagOf,
} from './plain-kind.js';

const source = fileURLToPath(new URL('..', import.meta.url));

/** Every TypeScript file under `folder` that is not a test. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.includes('.test.') ? [path] : [];
  });
}

describe('the table of plain kinds', () => {
  it('has a row for every kind: a table that misses one does not compile', () => {
    const row = describePlainKind(PlainKind.Primitive);
    // @ts-expect-error a table without a row for every kind is refused by the compiler
    const incomplete: PlainKindTable = { [PlainKind.Primitive]: row };
    expect(incomplete).toBeDefined();
    expect(PLAIN_KINDS).toHaveLength(PlainKind.NotPlain + 1);
  });

  it('agrees with the test that tells kinds apart, prototype by prototype', () => {
    PLAIN_KINDS.forEach((description: PlainKindDescription, kind: PlainKind) => {
      if (description.prototype === undefined) return;
      expect(objectKind(Object.create(description.prototype) as object), `kind ${kind}`).toBe(kind);
    });
  });

  it('gives one layout to kinds that compare alike, and keeps kinds apart from atoms', () => {
    // Tags 1 to 8 and 14 are the fingerprint's atoms and entries (check/fingerprint.ts).
    const atomTags = new Set([1, 2, 3, 4, 5, 6, 7, 8, 14]);
    const layoutOfTag = new Map<number, PlainLayout>();
    PLAIN_KINDS.forEach((description, kind: PlainKind) => {
      expect(tagOf(kind)).toBe(description.tag);
      expect(layoutOf(kind)).toBe(description.layout);
      if (description.layout === PlainLayout.Atom || description.layout === PlainLayout.Foreign) return;
      expect(atomTags.has(description.tag), `kind ${kind}`).toBe(false);
      const known = layoutOfTag.get(description.tag);
      if (known !== undefined) expect(description.layout, `kind ${kind}`).toBe(known);
      layoutOfTag.set(description.tag, description.layout);
    });
    const markers = PLAIN_KINDS.flatMap((description) =>
      description.json === undefined ? [] : [description.json],
    );
    expect(new Set(markers).size).toBe(markers.length);
  });

  it('rebuilds a value of every kind with parts through its layout', () => {
    for (const [kind, description] of PLAIN_KINDS.entries()) {
      switch (description.layout) {
        case PlainLayout.List:
        case PlainLayout.Record:
        case PlainLayout.Bag:
        case PlainLayout.Table:
          expect(objectKind(description.create(2)), `kind ${kind}`).toBe(kind);
          break;
        case PlainLayout.Blob: {
          const blob = description.create(3);
          description.bytes(blob).set([1, 2, 3]);
          expect(objectKind(blob)).toBe(kind);
          expect([...description.bytes(blob)]).toEqual([1, 2, 3]);
          break;
        }
        case PlainLayout.Atom:
        case PlainLayout.Foreign:
          expect(() => description.create(0)).toThrow(/no parts/);
          break;
      }
    }
  });

  it('is the only place that names a kind: every walk reads the table', () => {
    const naming = sourceFiles(source)
      .map((file) => relative(source, file).split('\\').join('/'))
      .filter((file) => file !== 'core/plain-kind.ts')
      .filter((file) => /\bPlainKind\.[A-Z]/.test(readFileSync(join(source, file), 'utf8')));
    expect(naming).toEqual([]);
  });
});
