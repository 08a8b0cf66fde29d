/**
 * What `fairlink sim` prints: the verdict for people, the result object for
 * machines, and the one command that replays a failure.
 */

import type { CampaignFailure, CampaignResult, SeedFailure } from '../sim/index.js';
import { formatCount } from '../core/index.js';
import { formatDuration } from '../sim/index.js';
import { shellCommand } from './shell.js';

/** How the campaign was asked for, for the replay command. */
export interface SimInvocation {
  /** The scenario file as the user wrote it. */
  readonly scenarioPath: string;
  /** `--param` values as given, NAME=VALUE. */
  readonly params: readonly string[];
  /** `--step-timeout` when given, seconds as typed. */
  readonly stepTimeout?: string;
  readonly checkDeterminism: boolean;
}

/** Files the command wrote. */
export interface WrittenFiles {
  readonly trace?: string;
  readonly html?: string;
  /** The drawing of the reported run's client history (one row per client). */
  readonly historyHtml?: string;
  /** Written to default paths under out/, because the run failed and no path was given. */
  readonly defaulted: boolean;
}

/** The command that replays the reported run, writing its trace and diagram. */
export function replayCommand(
  invocation: SimInvocation,
  seed: number,
  shrunk: string | undefined,
  files: { readonly trace?: string; readonly html?: string },
): string {
  const words = ['npx', 'fairlink', 'sim', invocation.scenarioPath, '--seed', String(seed)];
  if (shrunk !== undefined) words.push('--shrunk', shrunk);
  for (const param of invocation.params) words.push('--param', param);
  if (invocation.stepTimeout !== undefined) words.push('--step-timeout', invocation.stepTimeout);
  if (invocation.checkDeterminism) words.push('--check-determinism');
  if (files.trace !== undefined) words.push('--trace', files.trace);
  if (files.html !== undefined) words.push('--html', files.html);
  return shellCommand(words);
}

/** The command that replays a shrunk schedule: its trace is its schedule. */
export function scheduleReplayCommand(invocation: SimInvocation, schedulePath: string): string {
  const words = ['npx', 'fairlink', 'sim', invocation.scenarioPath, '--schedule', schedulePath];
  for (const param of invocation.params) words.push('--param', param);
  return shellCommand(words);
}

/**
 * The replay command of a result, when it failed: the shrunk schedule's when the schedule was
 * cut and its trace written, else the seed's (with the seed-level shrink's token).
 */
export function replayOf(
  result: CampaignResult,
  invocation: SimInvocation,
  files: WrittenFiles,
): string | undefined {
  const failure = result.failure;
  if (failure === undefined) return undefined;
  if (result.shrunk?.schedule && files.trace !== undefined)
    return scheduleReplayCommand(invocation, files.trace);
  return replayCommand(invocation, failure.seed, result.reported?.shrunk ?? result.shrunk?.token, files);
}

/** The command that shows the failing run as the seeds found it, when the report shows a shrunk one. */
export function originalOf(result: CampaignResult, invocation: SimInvocation): string | undefined {
  const failure = result.failure;
  if (failure === undefined || result.shrunk === undefined) return undefined;
  return `${replayCommand(invocation, failure.seed, undefined, {})} --no-shrink`;
}

/** One line: what went wrong, where and when. */
export function describeFailure(failure: CampaignFailure): string {
  const at = 'timeMs' in failure ? ` at ${formatDuration(failure.timeMs)}` : '';
  switch (failure.kind) {
    case 'invariant':
      return `invariant '${failure.property}' violated${at}: ${failure.detail}`;
    case 'eventually':
      return `'${failure.property}' never held: ${failure.detail}`;
    case 'at-end':
      return `'${failure.property}' does not hold at the end of the run${at}: ${failure.detail}`;
    case 'protocol-fault':
      return `${failure.node}.${failure.handler} ${failure.fault === 'threw' ? '' : `broke a rule (${failure.fault})${at}: `}${failure.detail}${failure.fault === 'threw' ? at : ''}`;
    case 'livelock':
      return `livelock${at}: ${failure.detail}`;
    case 'timeout':
      return failure.detail;
    case 'crashed':
      return `${failure.node === undefined ? '' : `in ${failure.node}.${failure.handler ?? '?'}: `}${failure.detail}`;
    case 'nondeterminism':
      return `the run is not deterministic: ${failure.detail}`;
  }
}

/** The protocol's frames of a handler's error, one `at` line each, under the verdict. */
function stackLines(failure: CampaignFailure): string[] {
  if (failure.kind !== 'protocol-fault' || failure.stack === undefined) return [];
  return failure.stack.map((frame, index) => `  ${index === 0 ? 'stack:  ' : '        '} at ${frame}`);
}

function seedsText(result: CampaignResult): string {
  const { from, to, shard } = result.seeds;
  const range = from === to ? `${from}` : `${from}..${to}`;
  return shard ? `${range}, shard ${shard.index}/${shard.count}` : range;
}

function plural(count: number, word: string): string {
  return `${formatCount(count)} ${word}${count === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The report for people: a verdict line, then details and paths. */
export function formatSimText(
  result: CampaignResult,
  invocation: SimInvocation,
  files: WrittenFiles,
): string {
  const lines: string[] = [];
  const name = result.scenario.name;
  const ran = `${plural(result.seeds.run, 'seed')} (${seedsText(result)})`;
  const timing = `${formatDuration(result.stats.virtualMs)} of virtual time in ${seconds(result.wallMs)}`;
  const failure: SeedFailure | undefined = result.failure;
  if (failure === undefined) {
    if (result.verdict === 'pass') {
      lines.push(`PASS ${name}: ${ran}, no violation; ${timing}`);
    } else {
      const planned = formatCount(result.seeds.planned);
      lines.push(
        `UNKNOWN ${name}: time limit reached after ${formatCount(result.seeds.run)} of ${planned} seeds ` +
          `(${seedsText(result)}), no violation so far; ${timing}`,
      );
    }
  } else {
    lines.push(`FAIL ${name}: seed ${failure.seed}: ${describeFailure(failure)}`);
    lines.push(...stackLines(failure));
    if (result.seeds.failed > 1) {
      const listed = result.seeds.failing.slice(0, 20).join(', ');
      const more = result.seeds.failing.length > 20 ? ', …' : '';
      lines.push(
        `  failing: ${plural(result.seeds.failed, 'seed')} of ${formatCount(result.seeds.run)}: ${listed}${more}`,
      );
    }
    if (result.shrunk) lines.push(`  shrunk:  ${result.shrunk.summary}`);
    const reportedFailure = result.reported?.failure;
    if (result.shrunk && reportedFailure && describeFailure(reportedFailure) !== describeFailure(failure)) {
      lines.push(`  shrunk run: ${describeFailure(reportedFailure)}`);
    }
    lines.push(`  replay:  ${replayOf(result, invocation, files) ?? ''}`);
    const original = originalOf(result, invocation);
    if (original !== undefined) lines.push(`  original: ${original}`);
    lines.push(`  ran ${ran}; ${timing}`);
  }
  for (const note of result.notes) lines.push(`  note:    ${note}`);
  if (files.trace !== undefined) {
    lines.push(`  trace:   ${files.trace}${files.defaulted ? ' (no --trace given)' : ''}`);
  }
  if (files.html !== undefined) lines.push(`  diagram: ${files.html}`);
  if (files.historyHtml !== undefined) lines.push(`  history: ${files.historyHtml}`);
  return lines.join('\n') + '\n';
}

/** The result object of `--json`. */
export function simJson(
  result: CampaignResult,
  invocation: SimInvocation,
  files: WrittenFiles,
): Record<string, unknown> {
  const replay = replayOf(result, invocation, files);
  const original = originalOf(result, invocation);
  return {
    verdict: result.verdict,
    scenario: result.scenario.name,
    scenarioPath: invocation.scenarioPath,
    params: result.params,
    seeds: {
      from: result.seeds.from,
      to: result.seeds.to,
      ...(result.seeds.shard ? { shard: result.seeds.shard } : {}),
      planned: result.seeds.planned,
      run: result.seeds.run,
      failed: result.seeds.failed,
      ...(result.seeds.failed > 0 ? { failing: result.seeds.failing } : {}),
    },
    ...(result.failure ? { failure: result.failure } : {}),
    ...(result.shrunk ? { shrunk: { token: result.shrunk.token, summary: result.shrunk.summary } } : {}),
    ...(replay === undefined ? {} : { replay }),
    ...(original === undefined ? {} : { original }),
    files: {
      ...(files.trace === undefined ? {} : { trace: files.trace }),
      ...(files.html === undefined ? {} : { html: files.html }),
      ...(files.historyHtml === undefined ? {} : { historyHtml: files.historyHtml }),
    },
    stats: result.stats,
    wallMs: result.wallMs,
    ...(result.notes.length > 0 ? { notes: result.notes } : {}),
  };
}
