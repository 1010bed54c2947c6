/**
 * The real clock: wall time and timers. Tests pass their own `Clock` so retries and rate limits
 * do not wait real seconds.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../engine/ports.js';

/** `Date.now()` and a timer that rejects with the signal's reason when aborted. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) {
      signal?.throwIfAborted();
      return;
    }
    await delay(ms, undefined, signal ? { signal } : {});
  },
};
