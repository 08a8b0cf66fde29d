import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeId, nodeIds } from './ids.js';
import type { Context } from './protocol.js';

// A fixed seed keeps the suite deterministic; change it locally to explore other inputs.
fc.configureGlobal({ seed: 1_914_181 });

describe('nodeId', () => {
  it.each(['n1', 'client-3', 'a', '_', 'rack.1:node_2', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(nodeId(name)).toBe(name);
  });

  it.each(['', ' n1', 'n 1', 'n1,n2', '-n1', '.n1', 'x'.repeat(65), 'né', 'n1\n'])('refuses %j', (name) => {
    expect(() => nodeId(name)).toThrow(TypeError);
    expect(() => nodeId(name)).toThrow(/is not a valid node name/);
  });

  it('accepts exactly the names of the documented alphabet', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (name) => {
        const valid = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(name) && name.length <= 64;
        if (valid) expect(nodeId(name)).toBe(name);
        else expect(() => nodeId(name)).toThrow(TypeError);
      }),
    );
  });
});

describe('nodeIds', () => {
  it('numbers a prefix from 1', () => {
    expect(nodeIds('n', 3)).toEqual(['n1', 'n2', 'n3']);
    expect(nodeIds('n')).toEqual([]);
  });

  it('brands a list of names, refusing bad ones', () => {
    expect(nodeIds(['a', 'b'])).toEqual(['a', 'b']);
    expect(() => nodeIds(['a', 'b c'])).toThrow(/'b c'/);
  });
});

describe('NodeName: what send accepts (checked by tsc, which compiles this file)', () => {
  it('takes a NodeId or a string literal, and refuses any string without a cast', () => {
    const sent: string[] = [];
    const context = {
      send: (to: string): void => void sent.push(to),
    } as unknown as Pick<Context<null, string>, 'send'>;
    context.send('b', 'hello');
    const either: 'a' | 'b' = sent.length > 0 ? 'a' : 'b';
    context.send(either, 'hello');
    context.send(nodeId('c'), 'hello');
    const computed: string = ['d'].join('');
    // @ts-expect-error: a computed string may be anything; brand it with nodeId() first.
    context.send(computed, 'hello');
    expect(sent).toEqual(['b', 'a', 'c', 'd']);
  });
});
