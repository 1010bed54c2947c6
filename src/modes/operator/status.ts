/**
 * The `status` of a custom resource from a verdict: Ready and Synced conditions (metav1.Condition
 * shape, a transition time kept while the status stays the same), observedGeneration, externalId
 * and lastAppliedHash. A status equal to the stored one is not written again.
 */
import { createHash } from 'node:crypto';
import { redactKnownSecrets } from '../../log.js';
import type { ObjectRef } from './kinds.js';
import type { ConditionValue, Verdict } from './verdict.js';

export interface Condition extends ConditionValue {
  readonly type: 'Ready' | 'Synced';
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
}

export interface ObjectStatus {
  readonly conditions: readonly Condition[];
  readonly observedGeneration: number;
  readonly externalId?: string;
  readonly lastAppliedHash?: string;
}

/** The CRDs cap condition messages; status messages stay short enough to read in `kubectl get -o wide`. */
const MAX_MESSAGE = 2048;

/** A message safe to store: known secret values redacted, length capped. */
export function safeMessage(text: string): string {
  const clean = redactKnownSecrets(text);
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
}

function previous(existing: unknown, type: string): Partial<Condition> | undefined {
  const conditions = (existing as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c: unknown) => (c as { type?: unknown }).type === type) as Partial<Condition> | undefined;
}

function condition(type: Condition['type'], value: ConditionValue, ref: ObjectRef, existing: unknown, now: string): Condition {
  const before = previous(existing, type);
  const since = before?.status === value.status && typeof before.lastTransitionTime === 'string' ? before.lastTransitionTime : now;
  return { type, status: value.status, reason: value.reason, message: safeMessage(value.message), observedGeneration: ref.generation, lastTransitionTime: since };
}

/** The status a verdict asks for; `now` (RFC 3339, seconds) stamps conditions that change status. */
export function statusOf(verdict: Verdict, ref: ObjectRef, existing: unknown, now: string): ObjectStatus {
  return {
    conditions: [condition('Ready', verdict.ready, ref, existing, now), condition('Synced', verdict.synced, ref, existing, now)],
    observedGeneration: ref.generation,
    ...(verdict.externalId !== undefined ? { externalId: verdict.externalId } : {}),
    ...(verdict.lastAppliedHash !== undefined ? { lastAppliedHash: verdict.lastAppliedHash } : {}),
  };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Whether the stored status already says exactly this. */
export function isSameStatus(next: ObjectStatus, existing: unknown): boolean {
  return canonical(next) === canonical(existing ?? {});
}

/** How long a written status is trusted over an informer cache that has not seen the write yet. */
const WRITTEN_TRUST_MS = 30_000;

/** A short digest of a status, so that 10,000 remembered writes hold 10,000 digests rather than 10,000 copies of the status text. */
function digestOf(status: ObjectStatus): string {
  return createHash('sha256').update(canonical(status)).digest('base64');
}

/**
 * Statuses this process wrote, so that a run reading a cache that lags behind its own write does
 * not write the same status again. A write is trusted until the cache shows it, or for 30 s; older
 * writes are forgotten.
 */
export interface WrittenStatuses {
  /** Whether `next` must be written for the object `uid` whose cached status is `cached`. */
  needsWrite(uid: string, next: ObjectStatus, cached: unknown, now: number): boolean;
  wrote(uid: string, status: ObjectStatus, now: number): void;
}

export function writtenStatuses(): WrittenStatuses {
  const written = new Map<string, { readonly digest: string; readonly at: number }>(); // oldest write first
  const forgetExpired = (now: number): void => {
    for (const [uid, w] of written) {
      if (now - w.at <= WRITTEN_TRUST_MS) return;
      written.delete(uid);
    }
  };
  return {
    needsWrite: (uid, next, cached, now) => {
      if (isSameStatus(next, cached)) {
        written.delete(uid);
        return false;
      }
      const w = written.get(uid);
      return w === undefined || now - w.at > WRITTEN_TRUST_MS || w.digest !== digestOf(next);
    },
    wrote: (uid, status, now) => {
      written.delete(uid);
      written.set(uid, { digest: digestOf(status), at: now });
      forgetExpired(now);
      if (written.size > 10_000) written.delete(written.keys().next().value as string);
    },
  };
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
