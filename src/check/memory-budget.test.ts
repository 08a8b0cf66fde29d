import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultMemoryLimitMb,
  heapGuardBytes,
  MemoryGauge,
  type MemorySample,
  memoryStop,
  megabytes,
  sampleThisThread,
  workerHeapLimitMb,
} from './memory-budget.js';
import { Coordination } from './parallel-coordination.js';

const MB = 2 ** 20;

const sample = (heapUsedMb: number, heapLimitMb: number, bufferMb = 0): MemorySample => ({
  heapUsedBytes: heapUsedMb * MB,
  heapLimitBytes: heapLimitMb * MB,
  bufferBytes: bufferMb * MB,
});

describe('memory budget', () => {
  it('defaults to three quarters of the heap limit, and below the heap guard on a small heap', () => {
    expect(defaultMemoryLimitMb(4096 * MB)).toBe(3072);
    // A 198 MB heap (--max-old-space-size=150): the guard keeps 128 MB free, so 70 MB.
    expect(heapGuardBytes(198 * MB)).toBe(70 * MB);
    expect(defaultMemoryLimitMb(198 * MB)).toBe(70);
    // A tiny heap still gets a quarter of it.
    expect(heapGuardBytes(100 * MB)).toBe(25 * MB);
    expect(defaultMemoryLimitMb()).toBe(defaultMemoryLimitMb(sampleThisThread().heapLimitBytes));
  });

  it('stops at the budget over all threads, or when this thread’s heap is nearly full', () => {
    const limit = megabytes(100);
    expect(memoryStop(99 * MB, limit, sample(50, 4096, 49))).toBeUndefined();
    expect(memoryStop(100 * MB, limit, sample(10, 4096))).toBe('maxMemory');
    // The budget set above what the heap holds: the heap guard stops the search.
    expect(memoryStop(80 * MB, limit, sample(80, 198))).toBe('heapLimit');
    // Both reached: the budget, which the caller chose, is named.
    expect(memoryStop(300 * MB, limit, sample(190, 198))).toBe('maxMemory');
  });

  it('gives workers heaps whose guard lets them hold the whole budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 24 }),
        fc.integer({ min: 16, max: 65_536 }),
        (limitMb, heapMb) => {
          const workerMb = workerHeapLimitMb(limitMb, heapMb * MB);
          expect(heapGuardBytes(workerMb * MB)).toBeGreaterThanOrEqual(limitMb * MB);
          expect(workerMb).toBeGreaterThanOrEqual(heapMb);
        },
      ),
    );
  });

  it('samples a thread at most once per interval', () => {
    let samples = 0;
    const gauge = new MemoryGauge(() => sample(++samples, 4096), 20);
    expect(gauge.read(1000).heapUsedBytes).toBe(2 * MB); // the constructor took the first
    expect(gauge.read(1019).heapUsedBytes).toBe(2 * MB);
    expect(gauge.read(1020).heapUsedBytes).toBe(3 * MB);
    expect(gauge.latest.heapUsedBytes).toBe(3 * MB);
    expect(samples).toBe(3);
  });

  it('adds up what the threads publish, and keeps the first reason to stop', () => {
    const coordination = new Coordination(Coordination.allocate(2));
    coordination.setMemory(0, 10 * MB);
    coordination.setMemory(1, 20 * MB);
    coordination.setMemory(2, 5 * MB + 1); // the coordinator's line; rounded up to a KiB
    expect(coordination.memoryTotal()).toBe(35 * MB + 1024);
    expect(coordination.stopped).toBeUndefined();
    coordination.stop('maxMemory');
    coordination.stop('maxMs');
    expect(coordination.stopped).toBe('maxMemory');
  });
});
