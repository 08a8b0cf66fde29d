/**
 * What `fairlink check` prints: the verdict for people (with the shortest counterexample in
 * words, where its files are and how to replay it) and the result object for machines. Shared by
 * the command and by `fairlink/testing`.
 */

import { getHeapStatistics } from 'node:v8';
import { formatCount, plainToJson } from '../core/index.js';
import { describeChoices } from '../check/index.js';
import type { CheckResult } from '../check/index.js';
import type { Params } from '../sim/index.js';

/** Files written for a counterexample, by kind. */
export interface CheckFiles {
  trace?: string;
  html?: string;
  /** For actor systems: the command that replays the counterexample in the simulator. */
  replay?: string;
}

/** The limits the search was given, as the user gave them, for the line that says which one stopped it. */
export interface CheckLimits {
  readonly maxDepth?: number;
  readonly maxStates?: number;
  /** ms */
  readonly timeLimit?: number;
}

/** One action in words, with the choices its step made. */
export function describeAction(action: unknown): string {
  const candidate = action as { choices?: readonly number[] };
  return (
    describeStep(action) + describeChoices(Array.isArray(candidate.choices) ? candidate.choices : undefined)
  );
}

function describeStep(action: unknown): string {
  const candidate = action as { type?: unknown; from?: unknown; to?: unknown };
  switch (candidate.type) {
    case 'deliver':
      return `deliver ${plainToJson((candidate as { message: unknown }).message)} from ${String(candidate.from)} to ${String(candidate.to)}`;
    case 'drop':
      return `drop ${plainToJson((candidate as { message: unknown }).message)} from ${String(candidate.from)} to ${String(candidate.to)}`;
    case 'timer':
      return `timer '${String((candidate as { name: unknown }).name)}' fires at ${String((candidate as { node: unknown }).node)}`;
    case 'crash':
      return `${String((candidate as { node: unknown }).node)} crashes`;
    case 'recover':
      return `${String((candidate as { node: unknown }).node)} recovers`;
    case 'inject':
      return `Byzantine ${String(candidate.from)} sends ${plainToJson((candidate as { message: unknown }).message)} to ${String(candidate.to)}`;
    case 'boot':
      return 'boot';
    default:
      return plainToJson(action);
  }
}

export function abbreviate(text: string, limit = 400): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/**
 * Which limit stopped the search, after how many states, and the flag that raises it; undefined
 * if the search was not stopped by a limit.
 */
function stopLine(result: CheckResult<unknown, unknown>, options: CheckLimits): string | undefined {
  const states = `${formatCount(result.distinctStates)} states`;
  switch (result.stopReason) {
    case 'maxMemory':
      return `stopped: memory limit ${result.memoryLimitMb} MB reached after ${states} (raise it with --memory-limit MB)`;
    case 'heapLimit':
      return (
        `stopped: Node's JavaScript heap is nearly full (${heapLimitMb()} MB) after ${states} ` +
        `(raise it with NODE_OPTIONS=--max-old-space-size=MB)`
      );
    case 'maxStates':
      return `stopped: state limit ${options.maxStates ?? ''} reached after ${states} (raise it with --max-states N)`;
    case 'maxMs':
      return `stopped: time limit ${(options.timeLimit ?? 0) / 1000} s reached after ${states} (raise it with --time-limit S)`;
    case 'maxDepth':
      return result.strategy === 'random'
        ? `stopped: every walk ends at depth ${options.maxDepth ?? ''} (raise it with --max-depth N)`
        : `stopped: depth limit ${options.maxDepth ?? ''} reached after ${states}: deeper states were not explored (raise it with --max-depth N)`;
    case 'walks':
      return `stopped: the random walks are done after ${states}; walks prove no invariant (use --strategy bfs or dfs to cover every state)`;
    case 'violation':
    case undefined:
      return undefined;
  }
}

/** This process's V8 heap limit, in MB. */
function heapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
}

export function formatCheckText(
  result: CheckResult<unknown, unknown>,
  scenario: string,
  files: CheckFiles,
  options: CheckLimits,
  /** For actor systems: the choices the boots made for the path's initial state, in words. */
  initialChoices = '',
): string {
  const figures =
    `${formatCount(result.distinctStates)} distinct states, ${formatCount(result.generatedStates)} generated, ` +
    `depth ${result.maxDepth}, ${(result.elapsedMs / 1000).toFixed(2)} s` +
    (result.workers > 1 ? ` on ${result.workers} workers` : '');
  const lines: string[] = [];
  switch (result.verdict) {
    case 'ok':
      lines.push(`PASS ${scenario}: every property holds (${figures})`);
      break;
    case 'unknown':
      lines.push(`UNKNOWN ${scenario}: no violation found, but the search stopped early (${figures})`);
      break;
    case 'violation': {
      const property = result.property;
      lines.push(
        `FAIL ${scenario}: ${property?.kind ?? ''} property '${property?.name ?? ''}' is violated (${figures})`,
      );
      const reason = result.properties.find((outcome) => outcome.name === property?.name)?.reason;
      if (reason) lines.push(`  ${reason}`);
      const path = result.path;
      if (path) {
        if (initialChoices !== '') lines.push(`  in the initial state, ${initialChoices}`);
        lines.push(
          `  ${path.actions.length === 0 ? 'already in the initial state' : `shortest path found, ${path.actions.length} steps:`}`,
        );
        path.actions.forEach((action, index) => {
          const marker =
            path.cycleStart !== undefined && index === path.cycleStart ? ' <- the cycle starts here' : '';
          lines.push(`    ${String(index + 1).padStart(3)}. ${describeAction(action)}${marker}`);
        });
        if (path.cycleStart !== undefined)
          lines.push(`  then the steps from ${path.cycleStart + 1} repeat forever (a fair cycle)`);
      }
      if (files.trace) lines.push(`  trace:   ${files.trace}`);
      if (files.html) lines.push(`  diagram: ${files.html}`);
      if (files.replay) lines.push(`  replay in the simulator: ${files.replay}`);
      break;
    }
  }
  const stopped = stopLine(result, options);
  if (stopped !== undefined) lines.push(`  ${stopped}`);
  for (const outcome of result.properties) {
    if (outcome.name === result.property?.name) continue;
    lines.push(
      `  ${outcome.kind} '${outcome.name}': ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`,
    );
  }
  for (const note of result.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

export function checkJson(
  result: CheckResult<unknown, unknown>,
  scenario: string,
  params: Params,
  files: CheckFiles,
  options: CheckLimits,
): unknown {
  const stopped = stopLine(result, options);
  return {
    verdict: result.verdict,
    scenario,
    params,
    ...(result.property ? { property: result.property } : {}),
    distinctStates: result.distinctStates,
    generatedStates: result.generatedStates,
    depth: result.maxDepth,
    complete: result.complete,
    ...(result.stopReason ? { stopReason: result.stopReason } : {}),
    ...(stopped === undefined ? {} : { stopped }),
    memoryLimitMb: result.memoryLimitMb,
    memoryPeakMb: Math.round(result.memoryPeakBytes / 2 ** 20),
    elapsedMs: Math.round(result.elapsedMs),
    workers: result.workers,
    strategy: result.strategy,
    properties: result.properties.map((outcome) => ({
      name: outcome.name,
      kind: outcome.kind,
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    })),
    ...(result.path
      ? {
          path: result.path.actions.map(describeAction),
          ...(result.path.cycleStart === undefined ? {} : { cycleStart: result.path.cycleStart }),
        }
      : {}),
    files,
    notes: result.notes,
  };
}
