import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../../../src/platform/backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling with every attempt and draws uniformly below it (full jitter)', () => {
    const top = (): number => 0.999999;
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, top))).toEqual([199, 399, 799, 1599]);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(400);
  });

  it('never exceeds the maximum wait', () => {
    expect(backoffDelay(30, () => 0.999999, { baseMs: 100, maxMs: 5000 })).toBe(4999);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads whole seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, and a past date as no wait', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
    expect(parseRetryAfter(['12', '40'], now)).toBe(12_000);
  });
});
