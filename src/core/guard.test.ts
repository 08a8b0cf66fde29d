import { describe, expect, it } from 'vitest';
import { ForbiddenGlobalError, installGlobalGuard, withoutGlobalGuard } from './guard.js';

const real = {
  random: Math.random,
  date: Date,
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  setImmediate: globalThis.setImmediate,
  queueMicrotask: globalThis.queueMicrotask,
  performanceNowOwn: Object.hasOwn(performance, 'now'),
};

function expectRealGlobals(): void {
  expect(Math.random).toBe(real.random);
  expect(Date).toBe(real.date);
  expect(globalThis.setTimeout).toBe(real.setTimeout);
  expect(globalThis.setInterval).toBe(real.setInterval);
  expect(globalThis.setImmediate).toBe(real.setImmediate);
  expect(globalThis.queueMicrotask).toBe(real.queueMicrotask);
  expect(Object.hasOwn(performance, 'now')).toBe(real.performanceNowOwn);
  expect(typeof performance.now()).toBe('number');
  expect(typeof Math.random()).toBe('number');
  expect(new Date(0).getTime()).toBe(0);
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

describe('installGlobalGuard', () => {
  it.each([
    ['Math.random', () => Math.random()],
    ['Date', () => new Date()],
    ['Date', () => (Date as unknown as () => string)()],
    ['Date.now', () => Date.now()],
    ['performance.now', () => performance.now()],
    ['setTimeout', () => setTimeout(() => {}, 1)],
    ['setInterval', () => setInterval(() => {}, 1)],
    ['setImmediate', () => setImmediate(() => {})],
    ['queueMicrotask', () => queueMicrotask(() => {})],
  ])('makes %s throw an error naming it, then restores it', (global, call) => {
    const restore = installGlobalGuard();
    let thrown: unknown;
    try {
      thrown = thrownBy(call);
    } finally {
      restore();
    }
    expect(thrown).toBeInstanceOf(ForbiddenGlobalError);
    expect((thrown as ForbiddenGlobalError).global).toBe(global);
    expect((thrown as Error).message).toContain(`called ${global},`);
    expectRealGlobals();
  });

  it('keeps the pure parts of Date usable', () => {
    const restore = installGlobalGuard();
    try {
      expect(Date.UTC(2020, 0, 1)).toBe(1577836800000);
      expect(Date.parse('2020-01-01T00:00:00Z')).toBe(1577836800000);
    } finally {
      restore();
    }
  });

  it('counts nested installs: globals come back only when the last one is restored', () => {
    const outer = installGlobalGuard();
    const inner = installGlobalGuard();
    inner();
    expect(() => Math.random()).toThrow(ForbiddenGlobalError);
    inner(); // A second call of the same restore changes nothing.
    expect(() => Math.random()).toThrow(ForbiddenGlobalError);
    outer();
    expectRealGlobals();
  });

  it('restores in either order', () => {
    const first = installGlobalGuard();
    const second = installGlobalGuard();
    first();
    expect(() => Date.now()).toThrow(ForbiddenGlobalError);
    second();
    expectRealGlobals();
  });
});

describe('withoutGlobalGuard', () => {
  it('lifts the guard for its action only, and puts it back as deep as it was', () => {
    const outer = installGlobalGuard();
    const inner = installGlobalGuard();
    try {
      expect(() => Math.random()).toThrow(ForbiddenGlobalError);
      const drawn = withoutGlobalGuard(() => Math.random());
      expect(typeof drawn).toBe('number');
      expect(() => Math.random()).toThrow(ForbiddenGlobalError);
      inner();
      // Still one install deep.
      expect(() => Math.random()).toThrow(ForbiddenGlobalError);
    } finally {
      inner();
      outer();
    }
    expect(typeof Math.random()).toBe('number');
  });
});
