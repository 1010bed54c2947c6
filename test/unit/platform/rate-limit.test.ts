import { describe, expect, it } from 'vitest';
import { createRateLimiter, takeToken } from '../../../src/platform/rate-limit.js';
import { fakeClock } from './fake-clock.js';

describe('takeToken', () => {
  it('serves a burst at once, then makes each taker wait for its own token', () => {
    let state = { tokens: 2, updatedAt: 0 };
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = takeToken(state, 0, 2, 2);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 500, 1000]);
  });

  it('refills with time, up to the burst', () => {
    const r = takeToken({ tokens: 0, updatedAt: 0 }, 10_000, 5, 5);
    expect(r).toEqual({ state: { tokens: 4, updatedAt: 10_000 }, waitMs: 0 });
  });
});

describe('createRateLimiter', () => {
  it('holds 25 requests at 10 per second to about 1.5 s after the first burst', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(10, clock);
    const start = clock.now();
    for (let i = 0; i < 25; i++) await limiter.acquire();
    expect(clock.now() - start).toBe(1500);
    expect(clock.sleeps).toHaveLength(15);
  });

  it('does not limit when the rate is not a positive number', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(0, clock);
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(clock.sleeps).toEqual([]);
  });
});
