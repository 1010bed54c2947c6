/**
 * Prune: deletes only objects in the ledger whose declaration is gone, and only with `prune` on.
 * `deletionPolicy: Orphan` and objects already gone are forgotten (ledger only). A run that would
 * delete more than the budget, or everything on a target whose declarations are all missing, is
 * blocked unless forced: an empty or mistyped `-f` must never wipe a platform.
 */
import type { Blocker, Change } from './change.js';
import { cmp, liveOfKind, markedAs, type TargetIndex } from './context.js';
import { changeHead, makeStep, type Draft, type DraftStep } from './draft.js';
import type { LedgerEntry } from './ledger.js';
import type { PlanScope } from './match.js';
import { META_OWNER, type Diagnostic } from './model.js';

function forget(entry: LedgerEntry, reason: string, externalId?: string): Draft {
  const change: Change = { ...changeHead(entry), action: 'forget', fields: [], reason, steps: [], ledger: { remove: entry.key }, ...(externalId ? { externalId } : {}) };
  return { change, steps: [] };
}

/** The live id of an owned object: the ledger's id, or for a pending create the object carrying our markers. */
function findLive(scope: PlanScope, entry: LedgerEntry, t: TargetIndex): string | undefined {
  if (t.api === 'bluzone') return entry.kind === 'Project' && entry.state === 'applied' && t.projects.has(entry.externalId) ? entry.externalId : undefined;
  if (entry.kind !== 'ServiceProvider' && entry.kind !== 'ServicePackage' && entry.kind !== 'Subscription') return undefined;
  if (entry.state === 'applied') return liveOfKind(t, entry.kind).has(entry.externalId) ? entry.externalId : undefined;
  return markedAs(t, entry.kind, entry.name).find((o) => o.metadata[META_OWNER] === scope.ctx.input.ledger.owner)?.id;
}

function deleteStep(entry: LedgerEntry, id: string, t: TargetIndex): DraftStep | undefined {
  const at = (type: 'provider.delete' | 'package.delete' | 'subscription.delete' | 'project.delete') => makeStep(entry, 'delete', { type, id });
  if (t.api === 'bluzone') return { step: at('project.delete'), effect: { kind: 'none' } };
  if (entry.kind === 'ServiceProvider') return { step: at('provider.delete'), effect: { kind: 'provider', id, verb: 'delete' } };
  const live = entry.kind === 'ServicePackage' ? t.packages.get(id) : t.subscriptions.get(id);
  if (live === undefined) return undefined;
  const removes = live.providers.map((a) => a.providerId).sort(cmp);
  const from = live.providers.find((a) => a.isDefault)?.providerId;
  const base = { kind: 'container' as const, id, adds: [], removes, isDelete: true, ...(from ? { defaultFrom: from } : {}) };
  if ('packageId' in live) return { step: at('subscription.delete'), effect: { ...base, container: 'subscription', packageId: live.packageId } };
  return { step: at('package.delete'), effect: { ...base, container: 'package' } };
}

function pruneOne(scope: PlanScope, entry: LedgerEntry, t: TargetIndex): Draft {
  if (entry.kind === 'ProjectDefaults') return forget(entry, "the reseller's defaults cannot be deleted: they stay as they are and leave the ledger");
  const id = findLive(scope, entry, t);
  if (id === undefined) return forget(entry, 'no longer declared and already gone from the platform');
  if (entry.deletionPolicy === 'Orphan') return forget(entry, 'deletionPolicy: Orphan: left on the platform, removed from the ledger', id);
  const step = deleteStep(entry, id, t);
  if (step === undefined) return forget(entry, 'no longer declared and already gone from the platform');
  const change: Change = { ...changeHead(entry), action: 'delete', externalId: id, fields: [], reason: 'no longer declared', steps: [step.step.id], ledger: { remove: entry.key } };
  return { change, steps: [step] };
}

/** Plans the deletes and forgets of prune; entries on targets that were not observed are left alone. */
export function planPrune(scope: PlanScope, diags: Diagnostic[]): Draft[] {
  const out: Draft[] = [];
  const unobserved = new Map<string, number>();
  for (const entry of scope.ctx.undeclared) {
    if (scope.matches.renamedFrom.has(entry.key)) continue; // renamed: its declaration's change moves it
    const t = scope.ctx.targets.get(entry.target);
    if (t === undefined) unobserved.set(entry.target, (unobserved.get(entry.target) ?? 0) + 1);
    else if (scope.ctx.input.options.prune) out.push(pruneOne(scope, entry, t));
  }
  for (const { d, entry: e } of scope.ctx.movedTarget) {
    const summary = `${d.key} moved from target "${e.target}" to "${d.target}": the object on "${e.target}" (id ${e.externalId}) is no longer managed and stays there`;
    diags.push({ severity: 'warning', code: 'PLAN_TARGET_CHANGED', summary, origin: d.origin });
  }
  for (const [target, n] of unobserved) {
    const summary = `the ledger owns ${n} object(s) on target "${target}", which is not declared: they are left alone`;
    if (scope.ctx.input.options.prune) diags.push({ severity: 'warning', code: 'PLAN_TARGET_NOT_OBSERVED', summary });
  }
  return out;
}

function ownedPerTarget(entries: readonly LedgerEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) if (e.state === 'applied') out.set(e.target, (out.get(e.target) ?? 0) + 1);
  return out;
}

function budgetBlocker(deletes: number, limit: number): Blocker {
  return {
    rule: 'PLAN_DELETE_BUDGET',
    summary: `this run would delete ${deletes} objects, more than the limit of ${limit}`,
    hint: `pass --max-delete ${deletes} or --force if these deletes are intended, or declare some of them again`,
  };
}

function emptyBlocker(target: string, owned: number): Blocker {
  return {
    rule: 'PLAN_EMPTY_DESIRED',
    summary: `nothing is declared for target "${target}", where this configuration owns ${owned} object(s)`,
    hint: `check the -f paths (an empty configuration would delete everything on "${target}"), or pass --force`,
  };
}

/**
 * Blocks every delete when there are more than `maxDelete` (default: half of the owned objects,
 * at least 5), and the deletes of a target with nothing declared, unless `force`.
 */
export function guardDeletes(scope: PlanScope, drafts: readonly Draft[]): Draft[] {
  const { options, ledger } = scope.ctx.input;
  if (options.force) return [...drafts];
  const deletes = drafts.filter((d) => d.change.action === 'delete' && d.blocker === undefined).length;
  if (deletes === 0) return [...drafts]; // the usual plan: no ledger count needed
  const owned = ownedPerTarget(Object.values(ledger.entries));
  const total = [...owned.values()].reduce((a, b) => a + b, 0);
  const limit = options.maxDelete ?? Math.max(5, Math.floor(total / 2));
  return drafts.map((d) => {
    if (d.change.action !== 'delete' || d.blocker !== undefined) return d;
    const target = d.change.target;
    if (!scope.ctx.desiredTargets.has(target)) return { ...d, blocker: emptyBlocker(target, owned.get(target) ?? 0) };
    return deletes > limit ? { ...d, blocker: budgetBlocker(deletes, limit) } : d;
  });
}
