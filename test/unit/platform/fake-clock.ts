/** A clock for tests: `sleep` returns at once and moves `now` forward; every wait is recorded. */
import type { Clock } from '../../../src/engine/ports.js';

/** A fake clock and the waits it was asked for. */
export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

/** Starts at `start` ms; `sleep(ms)` advances time by `ms` without waiting. */
export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += ms;
    },
  };
}
