import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { nodeIdsProblem, resolveTestOptions } from './options.js';

describe('node ids', () => {
  it('accepts plain names, and n0 … n(N-1) by default', () => {
    expect(nodeIdsProblem(['n1', 'n2', 'leader', 'db-3.a_b'])).toBeUndefined();
    expect(resolveTestOptions({ workload: 'echo', command: 'x', nodeCount: 3 }).nodes).toEqual([
      'n0',
      'n1',
      'n2',
    ]);
    expect(resolveTestOptions({ workload: 'echo', command: 'x', nodes: ['n1', 'n2'] })).toMatchObject({
      nodes: ['n1', 'n2'],
      nodeCount: 2,
      concurrency: 2,
    });
  });

  it.each([
    [[], 'no node ids'],
    [['n1', ''], 'node id "": expected letters, digits, _ . or -, starting with a letter or digit'],
    [['n1', '../x'], 'node id "../x": expected letters, digits, _ . or -, starting with a letter or digit'],
    [['c3'], 'node id c3: c followed by digits names a client'],
    [['lin-kv'], 'node id lin-kv: the name of a service'],
    [['n1', 'n1'], 'node id n1 is given twice'],
  ])('refuses %j', (ids, problem) => {
    expect(nodeIdsProblem(ids)).toBe(problem);
    expect(() => resolveTestOptions({ workload: 'echo', command: 'x', nodes: ids })).toThrow(InputError);
  });

  it('takes rate 0 (no operations) but nothing between 0 and the least rate', () => {
    expect(resolveTestOptions({ workload: 'echo', command: 'x', rate: 0 }).rate).toBe(0);
    expect(() => resolveTestOptions({ workload: 'echo', command: 'x', rate: 0.0001 })).toThrow(InputError);
  });
});
