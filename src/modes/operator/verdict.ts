/**
 * What one run means for each custom resource, decided from its standing, the engine's outcome
 * and the ledger afterwards: the Ready and Synced conditions, the external id and hash to show,
 * the Event to record, and whether a deleted object may lose its finalizer. Pure.
 */
import type { Change } from '../../core/change.js';
import type { LedgerState } from '../../core/ledger.js';
import type { Diagnostic } from '../../core/model.js';
import type { ChangeResult } from '../../engine/apply.js';
import type { Outcome } from '../../engine/reconcile.js';
import type { ObjectEntry } from './desired-set.js';
import { objectName } from './kinds.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One condition as decided (without its transition time). */
export interface ConditionValue {
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** An Event to record on the object. */
export interface EventValue {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface Verdict {
  readonly ready: ConditionValue;
  readonly synced: ConditionValue;
  readonly externalId?: string;
  readonly lastAppliedHash?: string;
  readonly event?: EventValue;
  /** The object is being deleted and its platform object is gone or forgotten: remove the finalizer. */
  readonly release: boolean;
}

/** The run as the verdicts see it. `outcome` is absent when nothing needed the engine. */
export interface RunView {
  readonly outcome?: Outcome;
  /** The whole ledger after the run (hidden entries included). */
  readonly ledger: LedgerState | undefined;
  /** Entries of the run, to tell a duplicate key's owner apart. */
  readonly entries: readonly ObjectEntry[];
}

const ok = (message: string): ConditionValue => ({ status: 'True', reason: 'Applied', message });
const no = (reason: string, message: string): ConditionValue => ({ status: 'False', reason, message });
const warn = (c: ConditionValue): EventValue => ({ type: 'Warning', reason: c.reason, message: c.message });

function both(c: ConditionValue, event?: EventValue): Pick<Verdict, 'ready' | 'synced' | 'event'> {
  return { ready: c, synced: c, ...(event ? { event } : {}) };
}

/** Each applied report's results by key, built once per report (a run asks once per object). */
const resultsByKey = new WeakMap<readonly ChangeResult[], Map<string, ChangeResult>>();

function changeOf(outcome: Outcome | undefined, key: string): ChangeResult | undefined {
  if (outcome?.kind !== 'applied') return undefined;
  const results = outcome.report.changes;
  let byKey = resultsByKey.get(results);
  if (byKey === undefined) {
    byKey = new Map();
    for (const r of results) if (!byKey.has(r.change.key)) byKey.set(r.change.key, r);
    resultsByKey.set(results, byKey);
  }
  return byKey.get(key);
}

function blockedMessage(c: Change): string {
  return c.blocker ? `${c.blocker.summary}; ${c.blocker.hint}` : c.reason ?? 'the change would be refused by the platform';
}

function diagnosticsOf(outcome: Outcome | undefined, entry: ObjectEntry): readonly Diagnostic[] {
  if (outcome?.kind !== 'invalid') return [];
  return outcome.diagnostics.filter((d) => d.severity === 'error' && (d.origin?.object === objectName(entry.ref) || d.summary.includes(entry.key)));
}

/** The condition for a run that failed as a whole or refused the plan. */
function runFailure(outcome: Outcome | undefined, entry: ObjectEntry): ConditionValue | undefined {
  if (outcome?.kind === 'failed') return no(outcome.error.retryable ? 'PlatformUnavailable' : 'ReconcileError', outcome.error.message);
  if (outcome?.kind !== 'invalid') return undefined;
  const own = diagnosticsOf(outcome, entry);
  if (own.length > 0) return no('InvalidSpec', own.map((d) => d.summary).join('; '));
  return no('PlanInvalid', 'nothing was applied: the plan has errors on other objects');
}

function appliedMessage(c: Change): string {
  switch (c.action) {
    case 'create': return `created on target ${c.target}`;
    case 'update': return `updated ${c.fields.map((f) => f.path).join(', ') || 'the object'} on target ${c.target}`;
    case 'replace': return `replaced on target ${c.target} (${c.reason ?? 'a creation-time field changed'})`;
    default: return `up to date on target ${c.target}`;
  }
}

const EVENT_REASONS: Readonly<Record<string, string>> = { create: 'Created', update: 'Updated', replace: 'Replaced' };

/** The conditions of a declared object from its change. */
function fromChange(r: ChangeResult): Pick<Verdict, 'ready' | 'synced' | 'event'> {
  const c = r.change;
  switch (r.status) {
    case 'applied':
    case 'noop': {
      const reason = EVENT_REASONS[c.action];
      const message = appliedMessage(c);
      return both(ok(message), reason !== undefined && r.status === 'applied' ? { type: 'Normal', reason, message } : undefined);
    }
    case 'blocked': {
      const cond = no('Blocked', blockedMessage(c));
      return both(cond, warn(cond));
    }
    case 'failed': {
      const cond = no(r.error?.retryable === true ? 'PlatformUnavailable' : 'ApplyFailed', r.error?.message ?? 'the platform refused the change');
      return both(cond, warn(cond));
    }
    case 'skipped':
      return both(no('DependencyFailed', r.error?.message ?? 'a change it depends on did not succeed'));
  }
}

function ledgerFacts(view: RunView, entry: ObjectEntry): Pick<Verdict, 'externalId' | 'lastAppliedHash'> {
  const e = view.ledger?.entries[entry.key];
  if (e === undefined || e.state !== 'applied') return {};
  return { ...(e.externalId !== '' ? { externalId: e.externalId } : {}), lastAppliedHash: e.hash };
}

function declaredVerdict(view: RunView, entry: ObjectEntry): Pick<Verdict, 'ready' | 'synced' | 'event'> {
  const failure = runFailure(view.outcome, entry);
  if (failure !== undefined) return both(failure);
  if (entry.ref.kind === 'Target') return both(view.outcome === undefined ? no('Pending', 'not reconciled yet') : { status: 'True', reason: 'Connected', message: 'the target answered the last reconcile' });
  const r = changeOf(view.outcome, entry.key);
  return r === undefined ? both(no('Pending', 'not reconciled yet')) : fromChange(r);
}

function deletingVerdict(view: RunView, entry: ObjectEntry): Verdict {
  const inLedger = view.ledger?.entries[entry.key] !== undefined && entry.ref.kind !== 'Target';
  const claimed = view.entries.some((o) => o.key === entry.key && !o.deleting && o.ref.uid !== entry.ref.uid);
  const deleting = no('Deleting', 'waiting for the platform object to be deleted');
  if (!inLedger || claimed) {
    const r = changeOf(view.outcome, entry.key);
    const gone = r?.change.action === 'delete' ? { type: 'Normal' as const, reason: 'Deleted', message: `deleted from target ${r.change.target}` }
      : r?.change.action === 'forget' ? { type: 'Normal' as const, reason: 'Orphaned', message: r.change.reason ?? 'removed from the ledger' } : undefined;
    return { ready: deleting, synced: ok('the platform object is deleted or released'), release: true, ...(gone ? { event: gone } : {}) };
  }
  const failure = runFailure(view.outcome, entry);
  const r = changeOf(view.outcome, entry.key);
  let synced: ConditionValue;
  if (failure !== undefined) synced = failure.reason === 'PlatformUnavailable' ? failure : no('DeleteBlocked', failure.message);
  else if (r?.status === 'blocked') synced = no('DeleteBlocked', blockedMessage(r.change));
  else if (r?.status === 'failed') synced = no(r.error?.retryable === true ? 'PlatformUnavailable' : 'DeleteBlocked', r.error?.message ?? 'the platform refused the delete');
  else synced = no('Deleting', 'the delete has not run yet');
  return { ready: deleting, synced, ...ledgerFacts(view, entry), release: false, ...(synced.reason === 'Deleting' ? {} : { event: warn(synced) }) };
}

/** Decides the conditions, facts and Event of one object after a run. */
export function verdictOf(view: RunView, entry: ObjectEntry): Verdict {
  const s = entry.standing;
  switch (s.state) {
    case 'held': {
      const cond = no(s.reason, s.message);
      return { ...both(cond, warn(cond)), ...ledgerFacts(view, entry), release: false };
    }
    case 'desired':
      return { ...declaredVerdict(view, entry), ...ledgerFacts(view, entry), release: false };
    case 'retained': {
      const declared = declaredVerdict(view, entry);
      const ready = no('DeleteBlocked', `still referenced by ${s.by.join(', ')}: the delete waits until nothing references it`);
      return { ...declared, ready, event: warn(ready), ...ledgerFacts(view, entry), release: false };
    }
    case 'deleting':
      return deletingVerdict(view, entry);
  }
}

/** Whether any object waits for a delete that the platform or a reference refuses (worth a retry later). */
export function isDeleteWaiting(verdicts: readonly Verdict[]): boolean {
  return verdicts.some((v) => v.ready.reason === 'DeleteBlocked' || v.synced.reason === 'DeleteBlocked');
}
