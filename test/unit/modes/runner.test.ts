import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createRunner, type RunVerdict } from '../../../src/modes/runner.js';

/** A run whose completion the test controls; records concurrency and signals. */
function controlledRun() {
  const pending: ((v: RunVerdict) => void)[] = [];
  const signals: AbortSignal[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  const run = (signal: AbortSignal): Promise<RunVerdict> => {
    calls += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    signals.push(signal);
    return new Promise<RunVerdict>((resolve) => {
      pending.push((v) => {
        inFlight -= 1;
        resolve(v);
      });
    });
  };
  const finish = async (v: RunVerdict = 'done'): Promise<void> => {
    const next = pending.shift();
    if (next === undefined) throw new Error('no run in flight');
    next(v);
    await vi.advanceTimersByTimeAsync(0);
  };
  return { run, finish, signals, calls: () => calls, maxInFlight: () => maxInFlight };
}

describe('backoffDelay', () => {
  it('never goes below the base delay nor above the cap', () => {
    expect(backoffDelay(1, { random: () => 0 })).toBe(1000);
    expect(backoffDelay(1, { random: () => 0.999 })).toBe(1998);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(4000);
    expect(backoffDelay(40, { random: () => 0.999999 })).toBe(299_999);
    expect(backoffDelay(40, { random: () => 0 })).toBe(1000);
  });

  it('doubles its ceiling with every failure until five minutes', () => {
    const ceilings = [1, 2, 3, 4, 8, 9, 10].map((n) => backoffDelay(n, { random: () => 1 }));
    expect(ceilings).toEqual([2000, 4000, 8000, 16_000, 256_000, 300_000, 300_000]);
  });
});

describe('createRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of triggers into one run after the quiet period', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run, { debounceMs: 300 });
    for (let i = 0; i < 5; i++) {
      runner.trigger();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(c.calls()).toBe(0);
    await vi.advanceTimersByTimeAsync(299);
    expect(c.calls()).toBe(1);
    await c.finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.calls()).toBe(1);
  });

  it('runs within the maximum wait even when triggers never stop', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run, { debounceMs: 300, maxWaitMs: 2000 });
    for (let t = 0; t < 2000; t += 100) {
      runner.trigger();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(c.calls()).toBe(1);
  });

  it('reruns exactly once when triggered any number of times during a run, never concurrently', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run, { debounceMs: 100 });
    runner.trigger();
    await vi.advanceTimersByTimeAsync(100);
    expect(runner.isRunning()).toBe(true);
    for (let i = 0; i < 10; i++) runner.trigger();
    await vi.advanceTimersByTimeAsync(5000);
    expect(c.calls()).toBe(1);
    await c.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(c.calls()).toBe(2);
    await c.finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c.calls()).toBe(2);
    expect(c.maxInFlight()).toBe(1);
  });

  it('refuses runNow while a run is in flight', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run);
    expect(runner.runNow()).toBe(true);
    expect(runner.runNow()).toBe(false);
    await c.finish();
    expect(runner.runNow()).toBe(true);
    await c.finish();
    expect(c.calls()).toBe(2);
  });

  it('retries after a retryable failure with a growing jittered delay, and resets after success', async () => {
    const c = controlledRun();
    const delays: number[] = [];
    const runner = createRunner(c.run, { backoff: { random: () => 0.5 }, onBackoff: (_n, ms) => delays.push(ms) });
    runner.runNow();
    await c.finish('backoff');
    expect(runner.failures()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(c.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.calls()).toBe(2);
    await c.finish('backoff');
    await vi.advanceTimersByTimeAsync(2000);
    expect(c.calls()).toBe(3);
    await c.finish('done');
    expect(runner.failures()).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(c.calls()).toBe(3);
    expect(delays).toEqual([1000, 2000]);
  });

  it('does not retry a failure that asks for no backoff', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run);
    runner.runNow();
    await c.finish('done');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(c.calls()).toBe(1);
  });

  it('treats a run that throws as retryable and reports the error', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = createRunner(
      async () => {
        calls += 1;
        throw new Error('disk gone');
      },
      { onError: (e) => errors.push(e), backoff: { random: () => 0 } },
    );
    runner.runNow();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(runner.failures()).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk gone', 'disk gone']);
    await runner.stop();
  });

  it('stop lets the run in flight finish, then runs nothing more', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run, { debounceMs: 10 });
    runner.runNow();
    runner.trigger();
    let stopped = false;
    const stopping = runner.stop({ graceMs: 8000 }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);
    expect(c.signals[0]?.aborted).toBe(false);
    await c.finish('backoff');
    await stopping;
    expect(stopped).toBe(true);
    runner.trigger();
    expect(runner.runNow()).toBe(false);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(c.calls()).toBe(1);
  });

  it('stop aborts the run in flight once the grace period is over', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run);
    runner.runNow();
    const stopping = runner.stop({ graceMs: 8000 });
    await vi.advanceTimersByTimeAsync(7999);
    expect(c.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.signals[0]?.aborted).toBe(true);
    await c.finish('done');
    await stopping;
  });

  it('idle resolves once nothing is running or scheduled', async () => {
    const c = controlledRun();
    const runner = createRunner(c.run, { debounceMs: 50 });
    runner.trigger();
    let idle = false;
    const waiting = runner.idle().then(() => {
      idle = true;
    });
    await vi.advanceTimersByTimeAsync(60);
    expect(idle).toBe(false);
    await c.finish();
    await waiting;
    expect(idle).toBe(true);
  });
});
