import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeId, nodeIds } from './ids.js';

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
