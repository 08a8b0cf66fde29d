/**
 * The worker threads of a campaign, and the watchdog that stops a worker
 * whose handler never returns.
 *
 * Each worker has a shared watch array (see `WATCH` in campaign-worker.ts):
 * which seed it runs, which node and handler, and a step counter. The
 * watchdog reads them a few times a second; a step counter that stands still
 * for the step timeout while a run is in progress means the run is stuck.
 * Terminating the worker is the only way to stop synchronous code, and it is
 * safe: the worker holds nothing but the run.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../core/index.js';
import type { CampaignFailure } from './campaign.js';
import {
  PHASE,
  WATCH,
  WATCH_LENGTH,
  type ScenarioInfo,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './campaign-messages.js';
import { HANDLER_BY_CODE } from './simulator.js';

/** How long loading a scenario may take before it counts as stuck (its top-level code loops?). */
const LOAD_TIMEOUT_MS = 60_000;

/** One worker and what the pool knows of it. */
export interface Slot {
  readonly worker: Worker;
  readonly watch: Int32Array;
  state: 'loading' | 'idle' | 'busy' | 'gone';
  /** The watch array's last values, and when they last changed. */
  heartbeat: string;
  heartbeatAtMs: number;
  /** Called with each reply while a job runs. */
  onReply: ((reply: WorkerReply) => void) | undefined;
  /**
   * Called when the worker stops for good during a job, with the seed index
   * of the run it was in (undefined when it was between runs).
   */
  onGone: ((failure: CampaignFailure, index: number | undefined) => void) | undefined;
}

/** Options of a pool. */
export interface PoolOptions {
  /** What every worker is given, but its watch array. */
  readonly setup: Omit<WorkerSetup, 'watch'>;
  /** How long a run may go without a step, ms. */
  readonly stepTimeoutMs: number;
  /** Where the workers' console output goes. */
  readonly onOutput: (chunk: string) => void;
  /** Bad input or a bug reported by a worker: the campaign cannot go on. */
  readonly onFatal: (error: Error) => void;
}

/** The campaign's workers. */
export class WorkerPool {
  readonly slots: Slot[] = [];
  /** Node names in the simulator's order, known once a worker has loaded the scenario. */
  private nodes: readonly string[] = [];
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly options: PoolOptions) {
    const periodMs = Math.max(20, Math.min(250, options.stepTimeoutMs / 4));
    this.watchdog = setInterval(() => this.checkWatchdog(), periodMs);
  }

  /** Starts a worker; it loads the scenario and then waits in state `idle` (see {@link ready}). */
  spawn(): Slot {
    const watchBuffer = new SharedArrayBuffer(WATCH_LENGTH * 4);
    const worker = createWorker({ ...this.options.setup, watch: watchBuffer });
    const slot: Slot = {
      worker,
      watch: new Int32Array(watchBuffer),
      state: 'loading',
      heartbeat: '',
      heartbeatAtMs: performance.now(),
      onReply: undefined,
      onGone: undefined,
    };
    this.slots.push(slot);
    worker.stdout.setEncoding('utf8').on('data', this.options.onOutput);
    worker.stderr.setEncoding('utf8').on('data', this.options.onOutput);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'internal-error')
        this.options.onFatal(new Error(`a campaign worker failed: ${reply.message}`));
      else if (reply.type === 'input-error') this.options.onFatal(new InputError(reply.message));
      else slot.onReply?.(reply);
    });
    worker.on('error', (error) => this.lose(slot, 'crashed', `the worker died: ${error.message}`));
    worker.on('exit', () => this.lose(slot, 'crashed', 'the worker exited'));
    return slot;
  }

  /** Waits for a worker to load the scenario; rejects if it stops first. */
  ready(slot: Slot): Promise<ScenarioInfo> {
    return new Promise((resolve, reject) => {
      slot.onReply = (reply) => {
        if (reply.type !== 'ready') return;
        this.nodes = reply.scenario.nodes;
        this.release(slot);
        resolve(reply.scenario);
      };
      slot.onGone = (failure) =>
        reject(new Error(`a campaign worker stopped while loading the scenario: ${failure.detail}`));
    });
  }

  /** An idle worker, spawning one if none is idle. */
  async idle(): Promise<Slot> {
    const idle = this.slots.find((slot) => slot.state === 'idle');
    if (idle) return idle;
    const slot = this.spawn();
    await this.ready(slot);
    return slot;
  }

  /** Gives a job to an idle worker; set its `onReply` and `onGone` first. */
  send(slot: Slot, request: WorkerRequest): void {
    slot.state = 'busy';
    slot.heartbeat = '';
    slot.heartbeatAtMs = performance.now();
    slot.worker.postMessage(request);
  }

  /** Marks a worker idle after its job. */
  release(slot: Slot): void {
    slot.state = 'idle';
    slot.onReply = undefined;
    slot.onGone = undefined;
  }

  /** Workers not gone. */
  live(): number {
    return this.slots.filter((slot) => slot.state !== 'gone').length;
  }

  /** Stops the watchdog and every worker. */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate().catch(() => undefined)));
  }

  /** A worker is gone (terminated, crashed, exited): its job's `onGone` decides what that means. */
  private lose(slot: Slot, kind: 'timeout' | 'crashed', detail: string): void {
    if (slot.state === 'gone') return;
    slot.state = 'gone';
    const { node, handler } = this.running(slot);
    const failure: CampaignFailure = {
      kind,
      ...(node === undefined ? {} : { node }),
      ...(handler === undefined ? {} : { handler }),
      detail,
    };
    const onGone = slot.onGone;
    slot.onGone = undefined;
    slot.onReply = undefined;
    const inRun = Atomics.load(slot.watch, WATCH.phase) !== PHASE.idle;
    onGone?.(failure, inRun ? Atomics.load(slot.watch, WATCH.index) : undefined);
  }

  /** The node and handler a worker is in, from its watch array. */
  private running(slot: Slot): { node?: string; handler?: (typeof HANDLER_BY_CODE)[number] } {
    const nodeSlot = Atomics.load(slot.watch, WATCH.node);
    if (nodeSlot === 0) return {};
    const node = this.nodes[nodeSlot - 1];
    const handler = HANDLER_BY_CODE[Atomics.load(slot.watch, WATCH.handler)];
    return { ...(node === undefined ? {} : { node }), ...(handler === undefined ? {} : { handler }) };
  }

  /** Terminates workers whose step counter has stood still for the step timeout. */
  private checkWatchdog(): void {
    const nowMs = performance.now();
    for (const slot of this.slots) {
      const loadTimeoutMs = Math.max(LOAD_TIMEOUT_MS, this.options.stepTimeoutMs);
      if (slot.state === 'loading' && nowMs - slot.heartbeatAtMs > loadTimeoutMs) {
        const seconds = formatSeconds(loadTimeoutMs);
        this.options.onFatal(
          new InputError(
            `${this.options.setup.scenarioPath}: still loading after ${seconds} (does its top-level code loop?)`,
          ),
        );
        return;
      }
      if (slot.state !== 'busy') continue;
      const phase = Atomics.load(slot.watch, WATCH.phase);
      const heartbeat = `${phase}:${Atomics.load(slot.watch, WATCH.index)}:${Atomics.load(slot.watch, WATCH.steps)}`;
      // Between runs (posting results, waiting for the next request) nothing is stuck.
      if (heartbeat !== slot.heartbeat || phase === PHASE.idle) {
        slot.heartbeat = heartbeat;
        slot.heartbeatAtMs = nowMs;
        continue;
      }
      if (nowMs - slot.heartbeatAtMs < this.options.stepTimeoutMs) continue;
      const seconds = formatSeconds(this.options.stepTimeoutMs);
      const { node, handler } = this.running(slot);
      const detail =
        node !== undefined && handler !== undefined
          ? `${node}.${handler} did not return within ${seconds} (an infinite loop?)`
          : `no step finished within ${seconds}, outside any handler (an invariant, eventually or stopWhen function that loops?)`;
      this.lose(slot, 'timeout', detail);
      void slot.worker.terminate();
    }
  }
}

/**
 * Starts a campaign worker. From the build, the worker is `campaign-worker.js`
 * beside this file; from the sources (tests), tsx is started in the worker
 * first so that it can run `campaign-worker.ts`.
 */
function createWorker(setup: WorkerSetup): Worker {
  const here = import.meta.url;
  const options = { workerData: setup, stdout: true, stderr: true };
  // Written out as `new URL('./file.js', import.meta.url)`: the build's bundle (scripts/bundle.ts)
  // points such a URL at the worker's own bundle entry.
  if (!here.endsWith('.ts')) return new Worker(new URL('./campaign-worker.js', import.meta.url), options);
  // tsx's ESM API, found through its package.json (require.resolve would give the CommonJS build).
  const tsxPackage = createRequire(here).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(tsxPackage, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const tsx = pathToFileURL(
    join(dirname(tsxPackage), manifest.exports['./esm/api']?.import.default ?? ''),
  ).href;
  const workerUrl = new URL('./campaign-worker.ts', here).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); })`;
  return new Worker(code, { ...options, eval: true });
}

/** `5000` as `5 s`, `500` as `0.5 s`. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
