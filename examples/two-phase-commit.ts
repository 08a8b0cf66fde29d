/**
 * Two-phase commit, as Lamport's TwoPhase spec writes it: a plain state machine over resource
 * managers (RMs), a transaction manager (TM) and the set of messages ever sent.
 *
 * Known state-space sizes (TLC, Stateright): 288 distinct states at depth 11 with 3 RMs, 8,832
 * with 5, 296,448 with 7, 1,745,408 with 8. With full symmetry over the RMs: 80 orbits with 3,
 * 314 with 5.
 *
 * Run it with `fairlink check examples/two-phase-commit.ts`.
 */
import type { Model } from 'fairlink/check';
import { defineScenario } from 'fairlink/sim';

/** A resource manager's name: `rm1`, `rm2`, ... */
export type RM = string;
export type RMState = 'working' | 'prepared' | 'committed' | 'aborted';
export type TMState = 'init' | 'committed' | 'aborted';

/**
 * The messages ever sent, by kind: Prepared messages (by sender), Commit, Abort. This is the
 * spec's set of message records, kept so that membership is a lookup by value: a `Set` of
 * message objects would compare them by identity, which does not survive the copies the
 * checker makes of states (between worker threads, for instance).
 */
export interface Messages {
  readonly prepared: ReadonlySet<RM>;
  readonly commit: boolean;
  readonly abort: boolean;
}

export interface TwoPhaseState {
  readonly rmState: Readonly<Record<RM, RMState>>;
  readonly tmState: TMState;
  /** The RMs whose Prepared message the TM has received. */
  readonly tmPrepared: ReadonlySet<RM>;
  /** Every message ever sent: a message, once sent, stays deliverable forever. */
  readonly msgs: Messages;
}

export type TwoPhaseAction =
  | { readonly type: 'TMRcvPrepared'; readonly rm: RM }
  | { readonly type: 'TMCommit' }
  | { readonly type: 'TMAbort' }
  | { readonly type: 'RMPrepare'; readonly rm: RM }
  | { readonly type: 'RMChooseToAbort'; readonly rm: RM }
  | { readonly type: 'RMRcvCommitMsg'; readonly rm: RM }
  | { readonly type: 'RMRcvAbortMsg'; readonly rm: RM }
  | { readonly type: 'RMCommitAlone'; readonly rm: RM };

export interface TwoPhaseParams {
  /** Number of resource managers. */
  readonly rms: number;
  /**
   * Symmetry reduction over the RMs: `'ids'` declares the RM names interchangeable and lets the
   * checker build the canonical form; `'canonicalize'` uses the hand-written one below.
   */
  readonly symmetry?: 'none' | 'ids' | 'canonicalize';
  /**
   * Plants a bug to watch the checker find it: a prepared RM may commit on its own, without the
   * TM's Commit. The shortest counterexample has three steps.
   */
  readonly rmMayCommitAlone?: boolean;
}

/** Builds the TwoPhase model for `rms` resource managers. */
export function twoPhaseCommit(params: TwoPhaseParams): Model<TwoPhaseState, TwoPhaseAction> {
  if (!Number.isInteger(params.rms) || params.rms < 1) {
    throw new TypeError(`twoPhaseCommit: rms must be a positive integer, got ${String(params.rms)}`);
  }
  const rms: RM[] = Array.from({ length: params.rms }, (_, i) => `rm${i + 1}`);

  // Action labels are constants: listing them allocates nothing.
  const tmCommit: TwoPhaseAction = { type: 'TMCommit' };
  const tmAbort: TwoPhaseAction = { type: 'TMAbort' };
  const perRM = rms.map((rm) => ({
    rm,
    tmRcvPrepared: { type: 'TMRcvPrepared', rm } as const,
    prepare: { type: 'RMPrepare', rm } as const,
    chooseToAbort: { type: 'RMChooseToAbort', rm } as const,
    rcvCommit: { type: 'RMRcvCommitMsg', rm } as const,
    rcvAbort: { type: 'RMRcvAbortMsg', rm } as const,
    commitAlone: { type: 'RMCommitAlone', rm } as const,
  }));
  const rmMayCommitAlone = params.rmMayCommitAlone ?? false;

  // Updates share every unchanged part with the old state, and return the old state itself when
  // nothing changes (a duplicate receipt): the checker then recognises it at once.
  const setRM = (state: TwoPhaseState, rm: RM, value: RMState): TwoPhaseState => {
    if (state.rmState[rm] === value) return state;
    const rmState = { ...state.rmState };
    rmState[rm] = value;
    return { ...state, rmState };
  };
  // `new Set([...old, x])` takes V8's fast path for arrays; `new Set(old)` iterates slowly.
  const withRM = (set: ReadonlySet<RM>, rm: RM): ReadonlySet<RM> => new Set([...set, rm]);

  const model: Model<TwoPhaseState, TwoPhaseAction> = {
    init: () => [
      {
        rmState: Object.fromEntries(rms.map((rm) => [rm, 'working'])),
        tmState: 'init',
        tmPrepared: new Set(),
        msgs: { prepared: new Set(), commit: false, abort: false },
      },
    ],

    // The guards of Lamport's actions: only enabled actions are listed.
    actions(state, out) {
      const tmInit = state.tmState === 'init';
      if (tmInit && state.tmPrepared.size === rms.length) out.push(tmCommit);
      if (tmInit) out.push(tmAbort);
      for (const a of perRM) {
        if (tmInit && state.msgs.prepared.has(a.rm)) out.push(a.tmRcvPrepared);
        if (state.rmState[a.rm] === 'working') out.push(a.prepare, a.chooseToAbort);
        if (state.msgs.commit) out.push(a.rcvCommit);
        if (state.msgs.abort) out.push(a.rcvAbort);
        if (rmMayCommitAlone && state.rmState[a.rm] === 'prepared') out.push(a.commitAlone);
      }
    },

    next(state, action) {
      switch (action.type) {
        case 'TMRcvPrepared':
          if (state.tmPrepared.has(action.rm)) return state;
          return { ...state, tmPrepared: withRM(state.tmPrepared, action.rm) };
        case 'TMCommit':
          return { ...state, tmState: 'committed', msgs: { ...state.msgs, commit: true } };
        case 'TMAbort':
          return { ...state, tmState: 'aborted', msgs: { ...state.msgs, abort: true } };
        case 'RMPrepare': {
          const msgs = { ...state.msgs, prepared: withRM(state.msgs.prepared, action.rm) };
          return { ...setRM(state, action.rm, 'prepared'), msgs };
        }
        case 'RMChooseToAbort':
          return setRM(state, action.rm, 'aborted');
        case 'RMRcvCommitMsg':
          return setRM(state, action.rm, 'committed');
        case 'RMRcvAbortMsg':
          return setRM(state, action.rm, 'aborted');
        case 'RMCommitAlone':
          return setRM(state, action.rm, 'committed');
      }
    },

    properties: [
      {
        kind: 'always',
        name: 'TypeOK',
        holds: (state) =>
          rms.every((rm) =>
            ['working', 'prepared', 'committed', 'aborted'].includes(state.rmState[rm] ?? ''),
          ),
      },
      {
        kind: 'always',
        name: 'Consistent',
        holds: (state) => {
          const states = Object.values(state.rmState);
          return !(states.includes('committed') && states.includes('aborted'));
        },
      },
    ],
  };

  switch (params.symmetry ?? 'none') {
    case 'none':
      return model;
    case 'ids':
      return { ...model, symmetry: { interchangeable: [rms] } };
    case 'canonicalize':
      return { ...model, symmetry: { canonicalize: (state) => canonicalize(state, rms) } };
  }
}

/**
 * The representative of a state's orbit under permutations of the RMs: sort the RMs by every
 * attribute they have (their state, whether the TM holds their Prepared, whether they sent
 * Prepared) and rename them in that order. Two RMs with equal attributes are interchangeable,
 * so the order between them does not matter: this is an exact canonical form.
 */
function canonicalize(state: TwoPhaseState, rms: readonly RM[]): TwoPhaseState {
  const key = (rm: RM): string =>
    `${state.rmState[rm] ?? ''}/${state.tmPrepared.has(rm) ? 1 : 0}/${state.msgs.prepared.has(rm) ? 1 : 0}`;
  const sorted = [...rms].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  const rename = new Map(sorted.map((rm, i) => [rm, rms[i] ?? rm]));
  const renamed = (rm: RM): RM => rename.get(rm) ?? rm;
  return {
    rmState: Object.fromEntries(sorted.map((rm) => [renamed(rm), state.rmState[rm] ?? 'working'])),
    tmState: state.tmState,
    tmPrepared: new Set([...state.tmPrepared].map(renamed)),
    msgs: { ...state.msgs, prepared: new Set([...state.msgs.prepared].map(renamed)) },
  };
}

/** The scenario: what `fairlink check` loads. `build(params)` returns the model. */
// `fairlink check examples/two-phase-commit.ts --param rms=5 [--symmetry] [--workers 2]`.
export default defineScenario({
  name: 'two-phase-commit',
  description: "Lamport's TwoPhase spec as a plain model: 288 states with 3 resource managers, 8,832 with 5.",
  params: { rms: 3, rmMayCommitAlone: false },
  model: (params) =>
    twoPhaseCommit({ rms: params.rms, symmetry: 'ids', rmMayCommitAlone: params.rmMayCommitAlone }),
});
