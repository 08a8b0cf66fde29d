/**
 * The two generals: however many rounds of acknowledgements, some runs end with one general
 * attacking alone. The lecture's impossibility result, found by simulation.
 *
 * The first general sends "attack at the deadline"; each message is acknowledged by the next, up
 * to `rounds` acknowledgements; each general resends its latest message until the next one
 * arrives. At the deadline a general attacks if it has received every message meant for it.
 *
 * What to look for: run many seeds; the invariant "both attack or neither" fails on some of them,
 * for every value of `rounds`. In a failing trace, the last message of the chain (the one nobody
 * acknowledges) is lost in every copy, or arrives after the deadline: its sender attacks, the
 * other retreats. More rounds only move the problem to the new last message.
 *
 * Run it: `fairlink sim examples/two-generals.ts --seeds 1..200 --param rounds=3`.
 */
import { actorModel } from 'fairlink/check';
import { always, eventually, type Property, type SystemView } from 'fairlink/core';
import { defineScenario, exponential } from 'fairlink/sim';
import { twoGenerals, type GeneralState } from 'fairlink/protocols';

const decision = (view: SystemView, node: string): GeneralState['decision'] =>
  view.state<GeneralState>(node)?.decision ?? null;

/**
 * The properties, written once for `fairlink sim` and `fairlink check`. The impossibility is a
 * safety violation, so the model is given the invariant only; the simulator also checks that
 * both generals decide by the end of the run.
 */
const bothAttackOrNeither: Property = always('both attack or neither', (view) => {
  const alice = decision(view, 'alice');
  const bob = decision(view, 'bob');
  if (alice === null || bob === null || alice === bob) return true;
  return `alice decided to ${alice}, bob to ${bob}`;
});
const bothDecide: Property = eventually(
  'both decide',
  (view) => decision(view, 'alice') !== null && decision(view, 'bob') !== null,
);

export default defineScenario({
  name: 'two-generals',
  description:
    'Agreement with k acknowledgements over a lossy link: some seeds make one general attack alone.',
  params: { rounds: 2, dropRate: 0.3, delayMeanMs: 10, resendMs: 15, deadlineMs: 60 },
  seeds: 200,
  build: (params) => {
    const protocol = twoGenerals({
      first: 'alice',
      second: 'bob',
      rounds: params.rounds,
      deadlineMs: params.deadlineMs,
      resendMs: params.resendMs,
    });
    return {
      nodes: { alice: protocol, bob: protocol },
      network: { drop: params.dropRate, delay: exponential(params.delayMeanMs) },
      durationMs: params.deadlineMs * 2,
      properties: [bothAttackOrNeither, bothDecide],
    };
  },
  // `fairlink check examples/two-generals.ts --param rounds=3`: every interleaving on a network
  // that may lose any copy, with the deadline and resend timers firing in any order. The checker
  // finds the shortest run where one general attacks alone, for every number of rounds.
  model: (params) => {
    const protocol = twoGenerals({
      first: 'alice',
      second: 'bob',
      rounds: params.rounds,
      deadlineMs: params.deadlineMs,
      resendMs: params.resendMs,
    });
    return actorModel({
      nodes: { alice: protocol, bob: protocol },
      network: { semantics: 'unordered', lossy: true },
      properties: [bothAttackOrNeither],
    });
  },
});
