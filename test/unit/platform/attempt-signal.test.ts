import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { attemptSignal } from '../../../src/platform/attempt-signal.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('attemptSignal', () => {
  it('aborts with a TimeoutError once its own timeout expires', async () => {
    const a = attemptSignal(undefined, 20);
    expect(a.signal.aborted).toBe(false);
    await sleep(60);
    expect(a.signal.aborted).toBe(true);
    expect(a.isTimedOut()).toBe(true);
    expect((a.signal.reason as DOMException).name).toBe('TimeoutError');
    a.dispose();
  });

  it('aborts with the caller\'s reason when the caller aborts first, and does not count that as a timeout', () => {
    const caller = new AbortController();
    const a = attemptSignal(caller.signal, 60_000);
    caller.abort(new Error('stopping'));
    expect(a.signal.aborted).toBe(true);
    expect(a.isTimedOut()).toBe(false);
    expect((a.signal.reason as Error).message).toBe('stopping');
    a.dispose();
  });

  it('aborts every attempt in flight when the caller aborts, through one listener', () => {
    const caller = new AbortController();
    const attempts = Array.from({ length: 20 }, () => attemptSignal(caller.signal, 60_000));
    attempts[0]?.dispose();
    caller.abort();
    expect(attempts.map((a) => a.signal.aborted)).toEqual([false, ...Array.from({ length: 19 }, () => true)]);
    for (const a of attempts) a.dispose();
  });

  it('starts aborted when the caller already is', () => {
    const caller = new AbortController();
    caller.abort();
    const a = attemptSignal(caller.signal, 60_000);
    expect(a.signal.aborted).toBe(true);
    a.dispose();
  });

  it('leaves nothing registered on a long-lived caller signal after many attempts', async () => {
    const caller = new AbortController();
    const attempts = Array.from({ length: 1000 }, () => attemptSignal(caller.signal, 20));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    for (const a of attempts) a.dispose();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    await sleep(60);
    expect(attempts.some((a) => a.signal.aborted)).toBe(false); // disposed timers never fire
    caller.abort();
    expect(attempts.some((a) => a.signal.aborted)).toBe(false);
  });
});
