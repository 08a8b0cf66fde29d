/**
 * Errors raised by the history module for input that comes from outside: history files,
 * command-line options. Each names the input and what is wrong, in one line, as DESIGN.md §7 asks.
 *
 * @module
 */

/**
 * A history that cannot be read: a malformed line, an event that does not fit the others
 * (a completion with no invocation, an `f` that changes between invocation and completion).
 * The message always starts with `SOURCE:LINE:` when the line is known, so that an editor can
 * jump to it.
 */
export class HistoryFormatError extends Error {
  /** The file (or other named input) being read. */
  readonly source: string;
  /** 1-based line number of the offending line, when known. */
  readonly line: number | undefined;
  /** What is wrong, without the source and line. */
  readonly problem: string;

  constructor(source: string, line: number | undefined, problem: string) {
    super(`${line === undefined ? source : `${source}:${line}`}: ${problem}`);
    this.name = 'HistoryFormatError';
    this.source = source;
    this.line = line;
    this.problem = problem;
  }
}

/** A request to a history function that cannot be honoured: unknown model, bad option. */
export class HistoryUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryUsageError';
  }
}
