import { describe, expect, it } from 'vitest';
import type { ObjectRef } from '../../../src/modes/operator/kinds.js';
import { isSameStatus, kubeTime, statusOf, writtenStatuses } from '../../../src/modes/operator/status.js';
import type { Verdict } from '../../../src/modes/operator/verdict.js';

const ref: ObjectRef = { kind: 'ServiceProvider', namespace: 'team', name: 'bbb', uid: 'u1', generation: 3, resourceVersion: '9' };
const applied: Verdict = { ready: { status: 'True', reason: 'Applied', message: 'up to date on target sw' }, synced: { status: 'True', reason: 'Applied', message: 'up to date on target sw' }, externalId: 'k3Jx9q', lastAppliedHash: 'h1', release: false };

describe('operator status', () => {
  it('stamps a condition when its status changes and keeps the stamp while it stays', () => {
    const first = statusOf(applied, ref, undefined, '2026-01-01T00:00:00Z');
    expect(first).toEqual({
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Applied', message: 'up to date on target sw', observedGeneration: 3, lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Synced', status: 'True', reason: 'Applied', message: 'up to date on target sw', observedGeneration: 3, lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
      observedGeneration: 3, externalId: 'k3Jx9q', lastAppliedHash: 'h1',
    });
    const again = statusOf({ ...applied, synced: { status: 'True', reason: 'Applied', message: 'updated providerName on target sw' } }, ref, first, '2026-01-02T00:00:00Z');
    expect(again.conditions.map((c) => c.lastTransitionTime)).toEqual(['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z']);
    const failed = statusOf({ ...applied, ready: { status: 'False', reason: 'Blocked', message: 'provider_is_default' } }, ref, again, '2026-01-03T00:00:00Z');
    expect(failed.conditions.map((c) => c.lastTransitionTime)).toEqual(['2026-01-03T00:00:00Z', '2026-01-01T00:00:00Z']);
  });

  it('treats a status with the same content in another key order as unchanged', () => {
    const s = statusOf(applied, ref, undefined, '2026-01-01T00:00:00Z');
    const stored = JSON.parse(JSON.stringify({ lastAppliedHash: s.lastAppliedHash, externalId: s.externalId, observedGeneration: 3, conditions: s.conditions })) as unknown;
    expect(isSameStatus(s, stored)).toBe(true);
    expect(isSameStatus(statusOf({ ...applied, externalId: 'other' }, ref, stored, '2026-01-01T00:00:00Z'), stored)).toBe(false);
  });

  it('formats times as metav1.Time does, in whole seconds', () => {
    expect(kubeTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05Z');
  });
});

describe('statuses written by this process', () => {
  const s = statusOf(applied, ref, undefined, '2026-01-01T00:00:00Z');

  it('does not write again what it wrote while the cache still shows the old status, for a while', () => {
    const w = writtenStatuses();
    expect(w.needsWrite('u1', s, undefined, 0)).toBe(true);
    w.wrote('u1', s, 0);
    expect(w.needsWrite('u1', s, undefined, 1_000)).toBe(false);
    expect(w.needsWrite('u1', s, undefined, 31_000)).toBe(true);
  });

  it('writes again once the cache has caught up and then shows another status', () => {
    const w = writtenStatuses();
    w.wrote('u1', s, 0);
    expect(w.needsWrite('u1', s, JSON.parse(JSON.stringify(s)), 1_000)).toBe(false);
    expect(w.needsWrite('u1', s, { conditions: [] }, 2_000)).toBe(true);
  });
});
