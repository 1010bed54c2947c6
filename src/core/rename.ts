/**
 * Renames: a declaration new to the ledger takes over the object of an owned entry whose
 * declaration is gone, when both name the same platform identity: the projectName on bluzone, the
 * providerName, packageName or subscriptionName on streamwise. Renaming `Project/web` to
 * `Project/web-eu` (same projectName) then moves the ledger entry instead of deleting the project
 * and finding its name taken (PLAN_UNMANAGED_EXISTS), as Terraform's `moved` block would. Anything
 * ambiguous stays as it was: two removed entries with the identity, two new declarations claiming
 * one entry, an old declaration still declared, or a change the platform cannot make in place (a
 * provider's providerType, a subscription's package).
 */
import { liveOfKind, type PlanContext, type TargetIndex } from './context.js';
import type { Draft } from './draft.js';
import type { LedgerEntry } from './ledger.js';
import type { LiveKeys, Match } from './match.js';
import type { Desired, Diagnostic, Key, ManagedKind } from './model.js';

/** Kinds a rename can carry over, in the order they are decided: a subscription checks its package's match. */
const RENAMABLE = ['Project', 'ServicePackage', 'ServiceProvider', 'Subscription'] as const;

/** The platform's name of a declared object: what stays the same when only `metadata.name` changes. */
function declaredIdentity(d: Desired): string | undefined {
  switch (d.kind) {
    case 'Project':
      return d.spec.projectName;
    case 'ServiceProvider':
      return d.spec.providerName;
    case 'ServicePackage':
      return d.spec.packageName;
    case 'Subscription':
      return d.spec.subscriptionName;
    default:
      return undefined;
  }
}

/** The platform's name of the live object an owned entry points at; undefined when it is gone. */
function liveIdentity(t: TargetIndex, e: LedgerEntry): string | undefined {
  if (t.api === 'bluzone') return e.kind === 'Project' ? t.projects.get(e.externalId)?.projectName : undefined;
  if (e.kind !== 'ServiceProvider' && e.kind !== 'ServicePackage' && e.kind !== 'Subscription') return undefined;
  const o = liveOfKind(t, e.kind).get(e.externalId);
  if (o === undefined) return undefined;
  return 'providerName' in o ? o.providerName : 'packageName' in o ? o.packageName : o.subscriptionName;
}

const slot = (target: string, kind: ManagedKind, identity: string): string => `${target}\u0000${kind}\u0000${identity}`;

/** Owned entries no declaration has, whose objects are live and matched by nobody, by target, kind and identity. */
function removedEntries(ctx: PlanContext, claimed: LiveKeys): Map<string, LedgerEntry[]> {
  const out = new Map<string, LedgerEntry[]>();
  for (const e of ctx.undeclared) {
    const t = ctx.targets.get(e.target);
    if (t === undefined || e.state !== 'applied' || claimed.get(e.target)?.get(e.kind)?.has(e.externalId) === true) continue;
    const identity = liveIdentity(t, e);
    if (identity === undefined) continue;
    const k = slot(e.target, e.kind, identity);
    out.set(k, [...(out.get(k) ?? []), e]);
  }
  return out;
}

/** Whether a declaration is new and its match found nothing it may take: the only ones a rename is looked for. */
function isUnmatched(ctx: PlanContext, d: Desired, m: Match | undefined): boolean {
  if (ctx.input.ledger.entries[d.key] !== undefined) return false;
  return m === undefined || m.found === 'none' || (m.found === 'blocked' && m.blocker.rule === 'PLAN_UNMANAGED_EXISTS');
}

/** Whether the object can become the declaration without a change the platform refuses. */
function isUpdatable(ctx: PlanContext, byKey: ReadonlyMap<Key, Match>, d: Desired, e: LedgerEntry): boolean {
  const t = ctx.targets.get(d.target);
  if (t?.api !== 'streamwise') return true;
  if (d.kind === 'ServiceProvider') return t.providers.get(e.externalId)?.providerType === d.spec.providerType;
  if (d.kind !== 'Subscription') return true;
  const ref = d.spec.package;
  const pkg = ref.by === 'id' ? undefined : ctx.referable.ServicePackage.get(ref.name);
  const m = pkg?.target === d.target ? byKey.get(pkg.key) : undefined;
  const packageId = ref.by === 'id' ? ref.id : m?.found === 'live' ? m.id : undefined;
  return packageId !== undefined && t.subscriptions.get(e.externalId)?.packageId === packageId;
}

function ambiguous(d: Desired, others: readonly Key[], why: string): Diagnostic {
  return { severity: 'warning', code: 'PLAN_RENAME_AMBIGUOUS', summary: `${d.key} is not taken as a rename of ${others.join(' or ')}: ${why}`, origin: d.origin };
}

/**
 * The old entry as the new key sees it. Its secret hashes are salted with the old key, so each is
 * compared with the declaration's secret hashed under that key (`secretHashesAs`): an unchanged
 * secret carries the new key's hash, a changed one a value that matches nothing, so the planner
 * sends it again (a provider) or replaces the object (a project's password). Without those hashes
 * (too many candidates to hash) the old hashes are dropped and only the spec hash tells.
 */
function carriedEntry(e: LedgerEntry, d: Desired): LedgerEntry {
  const { secretHashes: old, ...carried } = e;
  const asOld = d.secretHashesAs?.[e.key];
  const now = d.secretHashes;
  if (old === undefined || asOld === undefined || now === undefined) return carried;
  const secretHashes: Record<string, string> = {};
  for (const [path, before] of Object.entries(old)) {
    const after = now[path];
    if (after !== undefined) secretHashes[path] = asOld[path] === before ? after : `changed:${before}`;
  }
  return { ...carried, secretHashes };
}

interface RenameScope {
  readonly byKey: Map<Key, Match>;
  readonly removed: ReadonlyMap<string, LedgerEntry[]>;
  /** New key -> old key of the renames decided so far. */
  readonly moved: Map<Key, Key>;
}

/** Decides the renames of one kind: each new declaration with exactly one removed entry that no other claims. */
function renamesOfKind(ctx: PlanContext, kind: (typeof RENAMABLE)[number], scope: RenameScope, diags: Diagnostic[]): void {
  const claims = new Map<Key, Desired[]>();
  const wanted = new Map<Key, LedgerEntry>();
  for (const d of ctx.desired.values()) {
    if (d.kind !== kind || !isUnmatched(ctx, d, scope.byKey.get(d.key))) continue;
    const found = scope.removed.get(slot(d.target, d.kind, declaredIdentity(d) ?? '')) ?? [];
    const e = found[0];
    if (found.length > 1) diags.push(ambiguous(d, found.map((x) => x.key), `each has the same platform name ${JSON.stringify(declaredIdentity(d))}`));
    if (found.length !== 1 || e === undefined || !isUpdatable(ctx, scope.byKey, d, e)) continue;
    wanted.set(d.key, e);
    claims.set(e.key, [...(claims.get(e.key) ?? []), d]);
  }
  for (const [key, e] of wanted) {
    const d = ctx.desired.get(key);
    const rivals = claims.get(e.key) ?? [];
    if (d === undefined) continue;
    if (rivals.length > 1) {
      diags.push(ambiguous(d, [e.key], `${rivals.map((r) => r.key).join(' and ')} could each be its new name`));
      continue;
    }
    scope.byKey.set(key, { found: 'live', id: e.externalId, entry: carriedEntry(e, d), adopted: false, renamedFrom: e.key });
    scope.moved.set(key, e.key);
  }
}

/**
 * Finds the renames among the declarations that matched nothing and records them in `byKey` as
 * live matches carrying the old entry (`renamedFrom`). Returns new key -> old key; prune leaves
 * the old keys alone. `claimed` are the live objects other declarations already manage.
 */
export function matchRenames(ctx: PlanContext, byKey: Map<Key, Match>, claimed: LiveKeys, diags: Diagnostic[]): Map<Key, Key> {
  const moved = new Map<Key, Key>();
  if (ctx.undeclared.length === 0) return moved; // the usual plan: nothing was removed, so nothing was renamed
  const removed = removedEntries(ctx, claimed);
  if (removed.size === 0) return moved;
  for (const kind of RENAMABLE) renamesOfKind(ctx, kind, { byKey, removed, moved }, diags);
  return moved;
}

/**
 * The change of a renamed declaration: its ledger update also drops the old key, and the reason
 * says where it came from. A rename that changes nothing else on the platform is still an update
 * (of the ledger), so `plan --detailed-exitcode` reports it and an apply records it. A blocked
 * change keeps the old entry as it is.
 */
export function asRename(draft: Draft, from: Key): Draft {
  const c = draft.change;
  if (draft.blocker !== undefined || c.ledger === undefined || !('set' in c.ledger)) return draft;
  const note = c.steps.length === 0 ? `renamed from ${from}: only the ledger changes, the object stays as it is` : `renamed from ${from}`;
  const reason = c.reason === undefined ? note : `${c.reason}; ${note}`;
  return { ...draft, change: { ...c, action: c.action === 'noop' ? 'update' : c.action, reason, ledger: { ...c.ledger, movedFrom: from } } };
}
