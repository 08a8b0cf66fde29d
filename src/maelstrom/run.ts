/**
 * One workbench run: start the nodes, initialise them, drive the workload
 * under the nemesis, heal, rest, run the final operations, stop every process,
 * and judge.
 *
 * The run always ends with a verdict, whatever the nodes do: every wait is
 * bounded, a node's misbehaviour is recorded as a diagnostic, and every
 * process is stopped (and its process group killed) before the check starts.
 */

import { RandomStreams } from '../core/index.js';
import type { Quantiles } from '../history/index.js';
import type { Trace } from '../trace/index.js';
import { Client, sleep, WorkloadDriver } from './clients.js';
import { Diagnostics, type DiagnosticGroup } from './diagnostics.js';
import { PartitionNemesis, type NemesisEvent } from './nemesis.js';
import { Network, type NetworkStats } from './network.js';
import { NodeProcess, type ProcessExit, type StopReport } from './node-process.js';
import {
  latencyDistribution,
  resolveTestOptions,
  type MaelstromTestInput,
  type MaelstromTestOptions,
} from './options.js';
import { parseEnvelopeLine } from './protocol.js';
import { rateShortfall, type RateReport } from './rate.js';
import { RunHistory } from './run-history.js';
import { createServices } from './services.js';
import {
  availabilityOf,
  latencyQuantiles,
  operationStats,
  type Availability,
  type OperationStats,
} from './stats.js';
import { traceTime, TraceRecorder } from './trace-recorder.js';
import { createWorkload, type WorkloadCheck } from './workloads/index.js';

/** Maelstrom's verdicts. */
export type MaelstromVerdict = 'valid' | 'invalid' | 'unknown';

/** What became of one node process. */
export interface NodeReport {
  readonly id: string;
  readonly pid: number | undefined;
  readonly initialized: boolean;
  /** How it ended. */
  readonly exit: ProcessExit | undefined;
  /** How shutdown went (see {@link StopReport}). */
  readonly stop: StopReport['how'] | undefined;
  /** Stdout lines it wrote after the stop began (a line cut by SIGTERM included): not judged. */
  readonly ignoredLinesAfterStop: number;
  /** Its stderr. */
  readonly log: string;
}

/** Message counts plus Maelstrom's msgs-per-op. */
export interface NetworkReport extends NetworkStats {
  /** Server-to-server messages per client operation. */
  readonly msgsPerOp: number;
}

/** fairlink's own cost of routing the run. */
export interface Overhead {
  /** CPU time of the workbench process (user + system) while it routes: from the end of init to the start of shutdown, ms. */
  readonly cpuMs: number;
  /** Messages routed in that time. */
  readonly messagesRouted: number;
  /** CPU time per message routed, µs. */
  readonly cpuMicrosecondsPerMessage: number;
}

/** Everything a run produced. */
export interface MaelstromRun {
  readonly verdict: MaelstromVerdict;
  /** Why the verdict is not `valid`, one line each. */
  readonly reasons: readonly string[];
  /** What the run says without changing the verdict: what it could not do as asked, what it ignored. */
  readonly notes: readonly string[];
  readonly options: MaelstromTestOptions;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Whether the run was cut short (abort signal). */
  readonly aborted: boolean;
  readonly nodes: readonly NodeReport[];
  readonly operations: OperationStats;
  readonly availability: Availability;
  readonly network: NetworkReport;
  /** Latency quantiles of acknowledged operations (ms), overall and by `f`. */
  readonly latencies: Readonly<Record<string, Quantiles>>;
  /** The workload's check; absent when the workload never ran (nodes failed to start). */
  readonly check: WorkloadCheck | undefined;
  readonly diagnostics: readonly DiagnosticGroup[];
  /** What the nodes did that Maelstrom accepts but a stricter reading would not: reported, not judged. */
  readonly warnings: readonly DiagnosticGroup[];
  /** The rate asked for and the rate reached (absent with `--rate 0` or when the workload did not run). */
  readonly rate: RateReport | undefined;
  readonly nemesis: readonly NemesisEvent[];
  readonly history: RunHistory;
  readonly trace: Trace;
  readonly overhead: Overhead;
}

/** Final operations are tried this many times. */
const FINAL_ATTEMPTS = 3;
/** How often the watchdog looks at the nodes, ms. */
const WATCHDOG_INTERVAL_MS = 250;
/** How often a long workload phase reports progress, ms. */
const PROGRESS_INTERVAL_MS = 10_000;
/** Bytes queued for a node's stdin beyond which it counts as not reading. */
const UNREAD_BYTES_MAX = 16 * 1024 * 1024;

function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
}

/** Runs one workbench test (see the module comment). Never rejects for anything the nodes do. */
export async function runMaelstromTest(input: MaelstromTestInput): Promise<MaelstromRun> {
  const options = resolveTestOptions(input);
  const progress = input.onProgress ?? (() => undefined);
  const signal = input.signal;
  const startedAt = new Date();
  const originMs = performance.now();
  // Microseconds are plenty, and keep histories and traces short to print.
  const clock = (): number => Math.round((performance.now() - originMs) * 1000) / 1000;
  const streams = new RandomStreams(options.seed);
  const trace = new TraceRecorder();
  const diagnostics = new Diagnostics();
  const warnings = new Diagnostics();
  const history = new RunHistory();
  const network = new Network({
    latency: latencyDistribution(options),
    random: streams.stream('network'),
    clock,
    trace,
  });
  for (const service of createServices((name) => streams.stream(name)).values()) network.addService(service);
  const nodes = [...options.nodes];
  let clientCounter = 0;
  const newClientId = (): string => `c${clientCounter++}`;
  const workload = createWorkload(
    options.workload,
    {
      nodes,
      random: streams.stream('workload'),
      topology: options.topology,
      consistencyModels: options.consistencyModels,
    },
    {
      checkTimeoutMs: options.checkTimeoutMs,
      keyCount: options.keyCount,
      maxTxnLength: options.maxTxnLength,
      maxWritesPerKey: options.maxWritesPerKey,
    },
  );

  // --- Node processes ---
  const processes = new Map<string, NodeProcess>();
  const exited = new Map<string, Promise<void>>();
  /** For each node: since when a request has waited with no output from it (the watchdog's clue). */
  const silentSince = new Map<string, number>();
  const initialized = new Set<string>();
  const handleLine = (node: string, line: string, lineNumber: number): void => {
    silentSince.delete(node);
    const parsed = parseEnvelopeLine(line);
    const atMs = clock();
    if (!parsed.ok) {
      diagnostics.add({
        node,
        kind: parsed.problem.kind,
        detail: parsed.problem.detail,
        atMs,
        line: lineNumber,
        text: line,
      });
      return;
    }
    const envelope = parsed.envelope;
    if (envelope.src !== node) {
      // Maelstrom routes a message from any participant it knows, whoever wrote it (a node
      // forwarding a client's request to the leader under the client's id): so does fairlink,
      // with a warning; a source nobody could answer is a problem.
      const known = network.knows(envelope.src);
      (known ? warnings : diagnostics).add({
        node,
        kind: known ? 'foreign-source' : 'wrong-source',
        detail: known
          ? `message with src '${envelope.src}' written by ${node}: routed as from ${envelope.src}, as Maelstrom does`
          : `message with src '${envelope.src}', which is no node, client or service of this run, written by ${node}`,
        atMs,
        line: lineNumber,
        text: line,
      });
      if (!known) return;
    }
    if (!network.knows(envelope.dest)) {
      diagnostics.add({
        node,
        kind: 'unknown-destination',
        detail: `message to '${envelope.dest}', which is no node, client or service of this run`,
        atMs,
        line: lineNumber,
        text: line,
      });
      return;
    }
    network.send(envelope, { node, line: lineNumber }, line);
  };
  for (const node of nodes) {
    let resolveExit: () => void = () => undefined;
    exited.set(node, new Promise((resolve) => (resolveExit = resolve)));
    const child: NodeProcess = new NodeProcess(node, {
      command: options.command,
      args: options.args,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      onLine: (line, lineNumber) => handleLine(node, line, lineNumber),
      ...(input.onNodeStderr === undefined
        ? {}
        : { onStderrLine: (line: string) => input.onNodeStderr?.(node, line) }),
      onOversizedLine: (lineNumber, length) =>
        diagnostics.add({
          node,
          kind: 'oversized-line',
          detail: `a stdout line of more than ${length} characters without a newline`,
          atMs: clock(),
          line: lineNumber,
        }),
      onExit: (exit) => {
        resolveExit();
        if (exit.expected) return;
        trace.record({ t: traceTime(clock()), type: 'crash', node });
        const tail = child.stderrTail(3);
        diagnostics.add({
          node,
          kind: 'exited',
          detail: `the process exited during the run (${describeExit(exit)})${tail.length > 0 ? `; its stderr ends: ${tail.join(' | ')}` : ''}`,
          atMs: clock(),
        });
      },
      onSpawnError: (error) => {
        resolveExit();
        diagnostics.add({
          node,
          kind: 'spawn-failed',
          detail: `could not start ${options.command}: ${error.message}`,
          atMs: clock(),
        });
      },
    });
    processes.set(node, child);
    network.addServer(node, child, options.programLabel);
  }

  const aborted = (): boolean => signal?.aborted === true;
  const abortPromise = new Promise<void>((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const sleepUnlessAborted = (ms: number): Promise<void> => Promise.race([sleep(ms), abortPromise]);

  progress(`starting ${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${options.programLabel}`);
  for (const node of nodes) {
    processes.get(node)?.start();
    trace.record({ t: traceTime(clock()), type: 'boot', node });
  }

  // --- Init ---
  const setupClient = new Client(newClientId(), network);
  await Promise.all(
    nodes.map(async (node) => {
      const whenGone = Promise.race([exited.get(node) as Promise<void>, abortPromise]);
      const reply = await setupClient.rpc(
        node,
        { type: 'init', node_id: node, node_ids: nodes },
        options.initTimeoutMs,
        whenGone,
      );
      if (reply?.body.type === 'init_ok') {
        initialized.add(node);
        return;
      }
      if (aborted()) return;
      const child = processes.get(node) as NodeProcess;
      const strays = setupClient.unmatched.filter((entry) => entry.envelope.src === node);
      let detail: string;
      if (reply !== undefined) detail = `answered init with '${reply.body.type}' instead of init_ok`;
      else if (!child.alive) detail = 'the process ended before answering init';
      else detail = `no init_ok within ${options.initTimeoutMs / 1000} s`;
      if (strays.length > 0) {
        detail += `; it did send ${strays.map((entry) => `'${entry.envelope.body.type}' with in_reply_to ${JSON.stringify(entry.envelope.body.in_reply_to ?? null)}`).join(', ')} (init's msg_id was the one to answer)`;
      }
      const stray = strays[0];
      diagnostics.add({
        node,
        kind: 'no-init-ok',
        detail,
        atMs: clock(),
        ...(stray?.origin === undefined
          ? {}
          : { line: stray.origin.line, text: JSON.stringify(stray.envelope) }),
      });
    }),
  );
  const allInitialized = initialized.size === nodes.length;
  // fairlink's own cost is measured while it routes: from the end of init to the start of shutdown.
  const cpuStart = process.cpuUsage();
  const messagesAtStart = network.stats().all.sendCount;

  // --- Setup, workload, final phase ---
  const nemesisEvents: NemesisEvent[] = [];
  let workloadRan = false;
  let rate: RateReport | undefined;
  let threadWaits = 0;
  let stopWatchdog = (): void => undefined;
  if (allInitialized && !aborted()) {
    progress('all nodes initialized');
    if (workload.setupRequest !== undefined) {
      const setup = workload.setupRequest.bind(workload);
      await Promise.all(
        nodes.map(async (node) => {
          const { body, replyType } = setup(node);
          const requestType = String(body.type);
          const reply = await setupClient.rpc(node, body, options.requestTimeoutMs);
          if (reply?.body.type === replyType) return;
          diagnostics.add({
            node,
            kind: 'no-setup-reply',
            detail:
              reply === undefined
                ? `no ${replyType} to ${requestType} within ${options.requestTimeoutMs / 1000} s`
                : `answered ${requestType} with '${reply.body.type}' instead of ${replyType}`,
            atMs: clock(),
            ...(reply?.origin === undefined ? {} : { line: reply.origin.line }),
          });
        }),
      );
    }

    const driver = new WorkloadDriver({
      network,
      workload,
      history,
      diagnostics,
      trace,
      random: streams.stream('generator'),
      nodes,
      concurrency: options.concurrency,
      requestTimeoutMs: options.requestTimeoutMs,
      clock,
      newClientId,
      requestSent: (node) => {
        if (!silentSince.has(node)) silentSince.set(node, clock());
      },
    });
    const silenceMaxMs = Math.max(2 * options.requestTimeoutMs, 2_000);
    const watchdog = setInterval(() => {
      const now = clock();
      for (const [node, since] of silentSince) {
        const child = processes.get(node);
        if (child?.alive !== true || now - since < silenceMaxMs || diagnostics.has(node, 'unresponsive'))
          continue;
        diagnostics.add({
          node,
          kind: 'unresponsive',
          detail: `wrote nothing for ${((now - since) / 1000).toFixed(1)} s while client requests waited for it (hung?)`,
          atMs: now,
        });
      }
      for (const [node, child] of processes) {
        if (child.unreadBytes > UNREAD_BYTES_MAX && !diagnostics.has(node, 'not-reading')) {
          diagnostics.add({
            node,
            kind: 'not-reading',
            detail: `${(child.unreadBytes / 1024 / 1024).toFixed(0)} MiB of messages wait unread on its stdin`,
            atMs: now,
          });
        }
      }
    }, WATCHDOG_INTERVAL_MS);

    const nemesis = options.nemesis.includes('partition')
      ? new PartitionNemesis(
          nodes,
          options.nemesisIntervalMs,
          streams.stream('nemesis'),
          {
            start: (partition) => {
              network.setGrudge(partition.grudge);
              const grudge: Record<string, string[]> = {};
              for (const [node, ignored] of partition.grudge)
                if (ignored.size > 0) grudge[node] = [...ignored].sort();
              trace.record({ t: traceTime(clock()), type: 'partition', name: partition.name, grudge });
              progress(`nemesis: ${partition.name}`);
            },
            heal: () => {
              network.setGrudge(undefined);
              trace.record({ t: traceTime(clock()), type: 'heal' });
              progress('nemesis: healed');
            },
          },
          clock,
        )
      : undefined;

    progress(
      options.rate === 0
        ? `running for ${options.timeLimitMs / 1000} s with no client operations (--rate 0)`
        : `running ${options.workload} for ${options.timeLimitMs / 1000} s at ${options.rate} ops/s`,
    );
    workloadRan = options.rate > 0;
    nemesis?.start();
    const phaseStartMs = clock();
    const ticker = setInterval(() => {
      const counts = operationStats(history).all;
      progress(
        `${((clock() - phaseStartMs) / 1000).toFixed(0)} s: ${counts.count} operations ` +
          `(${counts.ok} ok, ${counts.fail} fail, ${counts.info} info or pending), ${network.stats().all.sendCount} messages`,
      );
    }, PROGRESS_INTERVAL_MS);
    if (options.rate > 0) await driver.runPhase(options.timeLimitMs, options.rate, aborted);
    else await sleepUnlessAborted(options.timeLimitMs);
    clearInterval(ticker);
    nemesis?.stop();
    nemesisEvents.push(...(nemesis?.events ?? []));
    if (options.rate > 0 && !aborted()) {
      rate = rateShortfall(
        options.rate,
        options.timeLimitMs,
        history.operations.filter((record) => !record.final).length,
      );
      threadWaits = driver.threadWaits;
    }

    const finalOperations = workloadRan ? workload.finalOperations?.() : undefined;
    if (finalOperations !== undefined && !aborted()) {
      progress(`waiting ${options.recoveryMs / 1000} s for recovery, then final operations`);
      await sleepUnlessAborted(options.recoveryMs);
      if (!aborted())
        await driver.runFinal(finalOperations, FINAL_ATTEMPTS, Math.min(500, options.requestTimeoutMs));
    }
    stopWatchdog = () => clearInterval(watchdog);
  }
  setupClient.retire();

  const cpu = process.cpuUsage(cpuStart);
  const messagesRouted = network.stats().all.sendCount - messagesAtStart;

  // --- Shutdown ---
  stopWatchdog();
  progress('stopping nodes');
  network.close();
  const stops = new Map<string, StopReport>();
  await Promise.all(
    [...processes].map(async ([node, child]) => {
      const report = await child.stop(options.stopGraceMs);
      stops.set(node, report);
      if (report.how === 'sigkill') {
        diagnostics.add({
          node,
          kind: 'hung',
          detail: `still running ${(2 * options.stopGraceMs) / 1000} s after its stdin closed and SIGTERM: killed with SIGKILL`,
          atMs: clock(),
        });
      }
    }),
  );
  const durationMs = clock();

  // --- Judgement ---
  progress('checking');
  const check = workloadRan ? workload.check(history) : undefined;
  const operations = operationStats(history);
  const availability = availabilityOf(operations, options.availability);
  const stats = network.stats();
  const network_: NetworkReport = {
    ...stats,
    msgsPerOp: operations.all.count === 0 ? 0 : stats.servers.sendCount / operations.all.count,
  };
  const diagnosticGroups = diagnostics.list();
  const warningGroups = warnings.list();
  const reasons: string[] = [];
  const notes: string[] = [];
  if (options.rate === 0 && allInitialized && !aborted()) {
    notes.push(
      'no client operations (--rate 0): the verdict covers init, the nemesis and how the nodes behaved, not the workload check',
    );
  }
  if (rate !== undefined && !rate.reached) {
    notes.push(
      `rate not reached: ${rate.started} operations in ${options.timeLimitMs / 1000} s is ${rate.achieved.toFixed(
        rate.achieved < 10 ? 2 : 1,
      )} ops/s, ${options.rate} asked (about ${Math.round(rate.expected)} expected); ` +
        (threadWaits > 0
          ? `${options.concurrency === 1 ? 'the one client thread was' : `all ${options.concurrency} client threads were`} busy ${threadWaits} time${threadWaits === 1 ? '' : 's'} ` +
            '(each runs one operation at a time: raise --concurrency, or answer faster)'
          : 'the workbench could not start operations fast enough (a loaded machine?)'),
    );
  }
  if (options.consistencyModels.length > 0 && workload.judgesConsistencyModels !== true) {
    notes.push(
      `--consistency-models ${options.consistencyModels.join(',')} is ignored: the ${options.workload} workload has a check of its own` +
        ' (only transactional workloads are judged against consistency models)',
    );
  }
  if (warningGroups.length > 0) {
    notes.push(
      `warnings (Maelstrom accepts these; the verdict does not count them): ${warningGroups
        .map((group) => `${group.node} ${group.kind}${group.count > 1 ? ` ×${group.count}` : ''}`)
        .join(', ')}`,
    );
  }
  if (!allInitialized)
    reasons.push(
      `${nodes.length - initialized.size} of ${nodes.length} nodes did not initialize: the workload did not run`,
    );
  if (diagnosticGroups.length > 0) {
    reasons.push(
      `the nodes misbehaved: ${diagnosticGroups.map((group) => `${group.node} ${group.kind}${group.count > 1 ? ` ×${group.count}` : ''}`).join(', ')}`,
    );
  }
  if (check !== undefined && check.verdict !== 'valid')
    reasons.push(
      `the ${options.workload} check says ${check.verdict}${check.why === undefined ? '' : `: ${check.why}`}`,
    );
  if (!availability.met) {
    reasons.push(
      `availability ${availability.fraction.toFixed(3)} is below the required ${String(availability.required)}`,
    );
  }
  if (aborted()) reasons.push('the run was interrupted');
  const invalid =
    !allInitialized || diagnosticGroups.length > 0 || check?.verdict === 'invalid' || !availability.met;
  // With --rate 0 there is no check to wait for: the nodes' conduct is the whole verdict.
  const nothingToCheck = options.rate === 0 && allInitialized;
  const verdict: MaelstromVerdict = invalid
    ? 'invalid'
    : aborted() || (check === undefined && !nothingToCheck) || check?.verdict === 'unknown'
      ? 'unknown'
      : 'valid';
  const cpuMs = (cpu.user + cpu.system) / 1000;

  return {
    verdict,
    reasons,
    notes,
    options,
    startedAt: startedAt.toISOString(),
    durationMs,
    aborted: aborted(),
    nodes: nodes.map((node) => {
      const child = processes.get(node) as NodeProcess;
      return {
        id: node,
        pid: child.pid,
        initialized: initialized.has(node),
        exit: child.exit,
        stop: stops.get(node)?.how,
        ignoredLinesAfterStop: child.ignoredLinesAfterStop,
        log: child.stderrText(),
      };
    }),
    operations,
    availability,
    network: network_,
    latencies: latencyQuantiles(history),
    check,
    diagnostics: diagnosticGroups,
    warnings: warningGroups,
    rate,
    nemesis: nemesisEvents,
    history,
    trace: trace.build(`maelstrom ${options.workload}`, options.seed, traceParams(options), {
      latency: `${options.latencyDistribution} ${options.latencyMs} ms`,
      nemesis: options.nemesis.join(',') || 'none',
      program: options.programLabel,
    }),
    overhead: {
      cpuMs,
      messagesRouted,
      cpuMicrosecondsPerMessage: messagesRouted === 0 ? 0 : (cpuMs * 1000) / messagesRouted,
    },
  };
}

function traceParams(options: MaelstromTestOptions): Record<string, unknown> {
  return {
    workload: options.workload,
    nodeCount: options.nodeCount,
    timeLimitMs: options.timeLimitMs,
    rate: options.rate,
    concurrency: options.concurrency,
    latencyMs: options.latencyMs,
    latencyDistribution: options.latencyDistribution,
    nemesis: options.nemesis.join(','),
    nemesisIntervalMs: options.nemesisIntervalMs,
    topology: options.topology,
    ...(options.workload.startsWith('txn-')
      ? {
          keyCount: options.keyCount,
          maxTxnLength: options.maxTxnLength,
          maxWritesPerKey: options.maxWritesPerKey,
          consistencyModels: options.consistencyModels.join(',') || 'strict-serializable',
        }
      : {}),
  };
}
