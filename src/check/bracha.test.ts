import { describe, expect, it } from 'vitest';
import { brachaModel, brachaSimulation } from '../../examples/bracha.js';
import { simulate } from '../sim/index.js';
import { check } from './check.js';

// Byzantine nodes mean the same in both engines: `p4` is a member of `nodes`, so every correct
// node computes n = 4 and f = 1 from `context.nodes` in the simulator and in the checker alike.
describe("Bracha's broadcast with a Byzantine sender, in both engines", () => {
  const property = 'correct nodes ready for one value';

  it('the simulator finds the small echo quorum with seed 1 (p4 equivocates)', () => {
    expect(simulate(brachaSimulation(true), { seed: 1 }).failure).toMatchObject({
      kind: 'invariant',
      property,
    });
    expect(simulate(brachaSimulation(false), { seed: 1 }).failure).toBeUndefined();
  });

  it('the checker finds it exhaustively, in 8 steps of which 4 are p4 injecting', () => {
    const result = check(brachaModel(true));
    expect(result.verdict).toBe('violation');
    expect(result.property?.name).toBe(property);
    expect(result.path?.actions.length).toBe(8);
    expect(result.path?.actions.filter((action) => action.type === 'inject')).toHaveLength(4);
  });

  it('with the right quorum (3 of n = 4, counting p4), no violation as deep as that', () => {
    const result = check(brachaModel(false), { maxDepth: 8 });
    expect(result.verdict).toBe('unknown');
    expect(result.properties.every((outcome) => outcome.status !== 'violation')).toBe(true);
  });
});
