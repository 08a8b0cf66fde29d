/**
 * Leader by lottery: a nondeterministic choice, drawn by the simulator, explored by the checker.
 *
 * Each node draws a ticket (`context.randomInt(1, tickets)`) when it boots and sends it to the
 * other; a node whose ticket beats the other's leads. With `strict: false` (the bug) a node
 * leads when its ticket is at least the other's, so a tie makes two leaders. A tie is one draw
 * in `tickets`: the simulator finds it on some seeds only; the checker, which explores every
 * ticket each node may draw, always finds it. With `strict: true` a tie redraws, on a timer,
 * until the tickets differ, and the invariant holds.
 *
 * What to look for: in a failing trace, the `choose` events after each `boot` show the tickets
 * drawn (option `index` of `of`: ticket `index + 1`). `fairlink check examples/lottery.ts
 * --trace out/lottery.trace.jsonl` writes the checker's counterexample, which
 * `fairlink sim examples/lottery.ts --schedule out/lottery.trace.jsonl` replays with the same
 * choices.
 *
 * Run it: `fairlink sim examples/lottery.ts --seeds 1..20`.
 */
import { actorModel, type ActorState } from 'fairlink/check';
import { always, defineProtocol, type Context } from 'fairlink/core';
import { defineScenario, uniform } from 'fairlink/sim';

/** A node's view: its own ticket and the other's, once it arrived. */
interface LotteryState {
  /** How many draws this node made (a tie draws again). */
  draw: number;
  ticket: number;
  theirs: number | null;
  leads: boolean;
}

interface TicketMessage {
  readonly draw: number;
  readonly ticket: number;
}

/** The one timer: draw again after a tie. */
type LotteryTimer = { readonly name: 'redraw'; readonly data: null };

function lottery(tickets: number, strict: boolean) {
  const drawAndSend = (context: Context<LotteryState, TicketMessage, LotteryTimer>): void => {
    context.state.draw += 1;
    context.state.ticket = context.randomInt(1, tickets);
    context.state.theirs = null;
    context.broadcast({ draw: context.state.draw, ticket: context.state.ticket });
  };
  return defineProtocol<LotteryState, TicketMessage, LotteryTimer>({
    name: strict ? 'lottery' : 'lottery-ties-lead',
    init: () => ({ draw: 0, ticket: 0, theirs: null, leads: false }),
    onBoot: drawAndSend,
    onMessage(context, _from, message) {
      // Only the ticket of this node's current draw counts.
      if (message.draw !== context.state.draw || context.state.theirs !== null) return;
      context.state.theirs = message.ticket;
      const mine = context.state.ticket;
      if (strict && mine === message.ticket) context.setTimer('redraw', 1);
      else context.state.leads = strict ? mine > message.ticket : mine >= message.ticket;
    },
    onTimer: drawAndSend,
  });
}

const leaders = (states: readonly (LotteryState | null | undefined)[]): number =>
  states.filter((state) => state?.leads === true).length;

/** The property, written once: `fairlink sim` and `fairlink check` both judge it. */
const properties = [
  always('at most one leader', (view) => {
    const count = leaders([view.state<LotteryState>('a'), view.state<LotteryState>('b')]);
    return count <= 1 || `${count} nodes lead`;
  }),
];

/** How many draws a node made, in one of the checker's states. */
const drawsIn = (state: ActorState, node: string): number =>
  (state.nodes[node]?.state as LotteryState | null | undefined)?.draw ?? 0;

export default defineScenario({
  name: 'lottery',
  description: 'Two nodes draw tickets; the higher leads. With strict=false a tie makes two leaders.',
  params: { tickets: 4, strict: false },
  seeds: 20,
  build: (params) => {
    const protocol = lottery(params.tickets, params.strict);
    return {
      nodes: { a: protocol, b: protocol },
      network: { delay: uniform(1, 5) },
      durationMs: 100,
      properties,
    };
  },
  // `fairlink check examples/lottery.ts`: every ticket each node may draw, every order of delivery.
  model: (params) => {
    const protocol = lottery(params.tickets, params.strict);
    return actorModel({
      nodes: { a: protocol, b: protocol },
      network: { semantics: 'unordered' },
      properties,
      // A tie redraws forever in principle: bound the draws.
      within: (state) => drawsIn(state, 'a') <= 3 && drawsIn(state, 'b') <= 3,
    });
  },
});
