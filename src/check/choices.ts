/**
 * Nondeterministic choices in the model checker: a step whose handler calls `choose` or
 * `randomInt` has one outcome per combination of its choices, and the checker explores each.
 *
 * A handler is deterministic given its choices, so its outcomes are enumerated by running it
 * again with another script of choices (replay with a different oracle): the first run takes
 * option 0 at every choice point and notes how many options each one had; then, as an
 * odometer, the last choice point with an option left advances, the ones after it start
 * again from 0, and the handler runs again. How many options a later choice point has (and
 * whether it is reached at all) may depend on an earlier choice, so each run's own counts
 * are used for the next advance: the runs are the leaves of the tree of choices, in order.
 */

/** How many combinations of choices one step may have before the checker refuses it. */
export const CHOICE_COMBINATIONS_MAX = 1024;

/** The choices of one handler run: taken from a script (option 0 past its end), and noted. */
export class ChoiceScript {
  private script: readonly number[] = [];
  /** The option taken at each choice point of the run so far. */
  made: number[] = [];
  /** How many options each choice point of the run so far had. */
  options: number[] = [];

  /** Starts a run that follows `script`. */
  reset(script: readonly number[]): void {
    this.script = script;
    this.made = [];
    this.options = [];
  }

  /**
   * The option to take at the next choice point, which has `options` options. A scripted
   * option out of range is noted (the run then did not follow its script) but not handed to
   * the handler, which would fail on it for no fault of its own.
   */
  next(options: number): number {
    const taken = this.script[this.made.length] ?? 0;
    this.made.push(taken);
    this.options.push(options);
    return taken < options ? taken : 0;
  }

  /** Whether the run made exactly the scripted choices, each among the options it had. */
  followed(script: readonly number[]): boolean {
    if (this.made.length !== script.length) return false;
    return script.every((taken, index) => taken === this.made[index] && taken < (this.options[index] ?? 0));
  }
}

/** What a run with a script of choices made: the choices, each one's count of options, and its result. */
export interface ChoiceRun<T> {
  readonly made: readonly number[];
  readonly options: readonly number[];
  readonly value: T;
}

/**
 * Every combination of choices a step can make, with the result of each: first all zeros, then
 * in odometer order; one combination, `[]`, when it makes none. `run` runs the step with a
 * script of choices; `first`, when given, is its run with the empty script, already made.
 * Throws `tooMany()` once more than `limit` combinations turn up.
 */
export function enumerateChoices<T>(
  run: (script: readonly number[]) => ChoiceRun<T>,
  tooMany: () => unknown,
  limit = CHOICE_COMBINATIONS_MAX,
  first?: ChoiceRun<T>,
): { readonly choices: readonly number[]; readonly options: readonly number[]; readonly value: T }[] {
  const combinations: { choices: readonly number[]; options: readonly number[]; value: T }[] = [];
  let script: number[] | undefined = [];
  let given = first;
  while (script !== undefined) {
    const { made, options, value } = given ?? run(script);
    given = undefined;
    if (combinations.length >= limit) throw tooMany();
    combinations.push({ choices: [...made], options: [...options], value });
    script = advance(made, options);
  }
  return combinations;
}

/** The script of the next leaf after a run that made `made` among `options`, if any. */
function advance(made: readonly number[], options: readonly number[]): number[] | undefined {
  for (let point = made.length - 1; point >= 0; point--) {
    const taken = made[point] as number;
    if (taken + 1 < (options[point] as number)) return [...made.slice(0, point), taken + 1];
  }
  return undefined;
}

/** A readable suffix for an action that made choices, such as ` [choose 1]` or ` [choose 1, 0]`. */
export function describeChoices(choices: readonly number[] | undefined): string {
  return choices === undefined || choices.length === 0 ? '' : ` [choose ${choices.join(', ')}]`;
}
