/**
 * Matches each desired resource to the live object it manages: by the ledger's external id, else
 * (no entry, or a pending create whose answer was lost) by the reserved name marker on streamwise
 * or by projectName on bluzone, else, for a renamed declaration, by the platform name of an owned
 * object whose declaration is gone (rename.ts). An object another configuration owns, or an
 * unmanaged project with the same name, blocks the resource instead of being taken over.
 */
import type { Blocker, IdRef } from './change.js';
import { bluzoneOf, entryOf, liveOfKind, markedAs, streamwiseOf, type PlanContext, type ReferableKind, type StreamwiseKind } from './context.js';
import type { LedgerEntry } from './ledger.js';
import { matchRenames } from './rename.js';
import { META_OWNER, type Desired, type Diagnostic, type Key, type ManagedKind, type ObjectRef, type OfKind } from './model.js';

/** How a declaration relates to live state: the object it manages, none yet, or blocked from taking one. */
export type Match =
  | {
      readonly found: 'live';
      readonly id: string;
      readonly entry?: LedgerEntry;
      readonly adopted: boolean;
      /** The old key of a renamed declaration whose entry (`entry`, secret hashes dropped) it takes over. */
      readonly renamedFrom?: Key;
    }
  | { readonly found: 'none'; readonly entry?: LedgerEntry }
  | { readonly found: 'blocked'; readonly blocker: Blocker };

/** A provider or package declaration as references see it: where it lives and the id (or create step) they name. */
export interface ReferableRef {
  readonly target: string;
  readonly ref: IdRef;
  /** `simId(ref)`. */
  readonly sim: string;
  /** How plans name it: the name of the declaration managing that object, else its id. */
  readonly label: string;
}

/** The declaration name of a key: `ServiceProvider/p1` -> `p1`. */
export function nameOfKey(key: Key): string {
  return key.slice(key.indexOf('/') + 1);
}

/** Every declaration's match, and the reverse lookup from live objects to the declarations managing them. */
export interface Matches {
  readonly byKey: ReadonlyMap<Key, Match>;
  /**
   * Providers and packages by declaration name with the reference they resolve to, built once:
   * a 10,000-object plan resolves about 15,000 references, and each is then one lookup.
   */
  readonly referable: { readonly [K in ReferableKind]: ReadonlyMap<string, ReferableRef> };
  /** target -> kind -> live id -> key of the declaration (or owned ledger entry) of that object. */
  readonly byLive: LiveKeys;
  /** Old keys of renamed declarations: their entries move to the new keys and prune leaves them alone. */
  readonly renamedFrom: ReadonlySet<Key>;
  readonly diagnostics: readonly Diagnostic[];
}

/** What every per-kind planner reads: the indexes and the matches. */
export interface PlanScope {
  readonly ctx: PlanContext;
  readonly matches: Matches;
}

/** The match of a declared key (`none` for a key that was never matched). */
export function matchOf(scope: PlanScope, key: Key): Match {
  return scope.matches.byKey.get(key) ?? { found: 'none' };
}

/** The ledger entry a match was made with, if any. */
export function matchedEntry(m: Match): LedgerEntry | undefined {
  return m.found === 'blocked' ? undefined : m.entry;
}

/** Keys of managed live objects, looked up without building composite strings. */
export type LiveKeys = ReadonlyMap<string, ReadonlyMap<ManagedKind, ReadonlyMap<string, Key>>>;

/** The key of the declaration (or owned entry) that manages a live object, if any. */
export function liveKeyOf(keys: LiveKeys, target: string, kind: ManagedKind, id: string): Key | undefined {
  return keys.get(target)?.get(kind)?.get(id);
}

function setLiveKey(keys: Map<string, Map<ManagedKind, Map<string, Key>>>, at: { target: string; kind: ManagedKind; id: string }, key: Key): void {
  let byKind = keys.get(at.target);
  if (byKind === undefined) keys.set(at.target, (byKind = new Map()));
  let byId = byKind.get(at.kind);
  if (byId === undefined) byKind.set(at.kind, (byId = new Map()));
  if (!byId.has(at.id)) byId.set(at.id, key);
}

function withEntry(entry: LedgerEntry | undefined): { entry?: LedgerEntry } {
  return entry ? { entry } : {};
}

function ownedElsewhere(d: Desired, id: string, owner: unknown): Match {
  const who = typeof owner === 'string' ? `configuration "${owner}"` : 'no configuration (it has no syncwise.io/owner marker)';
  return {
    found: 'blocked',
    blocker: {
      rule: 'PLAN_OWNED_ELSEWHERE',
      summary: `${d.kind} ${d.name} (id ${id}) on the platform is owned by ${who}`,
      hint: `${d.key} (id ${id}) is managed by ${who}: remove it from that configuration (or delete it on the platform), or rename this declaration`,
      by: { kind: d.kind, name: d.name, id },
    },
  };
}

function matchStreamwise(ctx: PlanContext, d: Desired & { kind: StreamwiseKind }, diags: Diagnostic[]): Match {
  const t = streamwiseOf(ctx, d.target);
  const entry = entryOf(ctx, d.key, d.target);
  if (t === undefined) return { found: 'none', ...withEntry(entry) };
  if (entry?.state === 'applied' && liveOfKind(t, d.kind).has(entry.externalId)) {
    return { found: 'live', id: entry.externalId, entry, adopted: false };
  }
  const candidates = markedAs(t, d.kind, d.name);
  const mine = candidates.filter((o) => o.metadata[META_OWNER] === ctx.input.ledger.owner);
  const first = mine[0];
  if (mine.length > 1) {
    const ids = mine.map((o) => o.id).join(', ');
    diags.push({ severity: 'warning', code: 'PLAN_DUPLICATE_MARKER', summary: `${d.key} matches several live objects (${ids}); managing ${first?.id ?? ''}`, origin: d.origin });
  }
  if (first !== undefined) return { found: 'live', id: first.id, adopted: true, ...withEntry(entry) };
  const other = candidates[0];
  if (other !== undefined) return ownedElsewhere(d, other.id, other.metadata[META_OWNER]);
  return { found: 'none', ...withEntry(entry) };
}

function unmanagedProject(d: OfKind<Desired, 'Project'>, id: string): Match {
  const name = JSON.stringify(d.spec.projectName);
  return {
    found: 'blocked',
    blocker: {
      rule: 'PLAN_UNMANAGED_EXISTS',
      summary: `a project named ${name} already exists (id ${id}) and this configuration does not own it (the platform would answer 409)`,
      hint: `delete project ${name} (id ${id}) on the platform so that it is created from this declaration, or change spec.projectName`,
      by: { kind: 'Project', id },
    },
  };
}

function matchProject(ctx: PlanContext, d: OfKind<Desired, 'Project'>): Match {
  const t = bluzoneOf(ctx, d.target);
  const entry = entryOf(ctx, d.key, d.target);
  if (t === undefined) return { found: 'none', ...withEntry(entry) };
  if (entry?.state === 'applied' && t.projects.has(entry.externalId)) return { found: 'live', id: entry.externalId, entry, adopted: false };
  const same = t.byProjectName.get(d.spec.projectName);
  if (same === undefined) return { found: 'none', ...withEntry(entry) };
  if (entry?.state === 'pending') return { found: 'live', id: same.projectId, entry, adopted: true };
  return unmanagedProject(d, same.projectId);
}

function matchOne(ctx: PlanContext, d: Desired, diags: Diagnostic[]): Match {
  switch (d.kind) {
    case 'ServiceProvider':
    case 'ServicePackage':
    case 'Subscription':
      return matchStreamwise(ctx, d, diags);
    case 'Project':
      return matchProject(ctx, d);
    case 'ProjectDefaults': {
      const entry = entryOf(ctx, d.key, d.target);
      const id = bluzoneOf(ctx, d.target)?.live.reseller.serviceProviderId ?? '';
      return { found: 'live', id, adopted: entry === undefined, ...withEntry(entry) };
    }
  }
}

/** Matches every desired resource once; later lookups by key or by live id are O(1). */
export function matchAll(ctx: PlanContext): Matches {
  const byKey = new Map<Key, Match>();
  const byLive = new Map<string, Map<ManagedKind, Map<string, Key>>>();
  const diagnostics: Diagnostic[] = [];
  for (const d of ctx.desired.values()) {
    const m = matchOne(ctx, d, diagnostics);
    byKey.set(d.key, m);
    if (m.found === 'live' && d.kind !== 'ProjectDefaults') setLiveKey(byLive, { target: d.target, kind: d.kind, id: m.id }, d.key);
  }
  const renames = matchRenames(ctx, byKey, byLive, diagnostics);
  for (const key of renames.keys()) {
    const m = byKey.get(key);
    const d = ctx.desired.get(key);
    if (m?.found === 'live' && d !== undefined && d.kind !== 'ProjectDefaults') setLiveKey(byLive, { target: d.target, kind: d.kind, id: m.id }, key);
  }
  const renamedFrom = new Set(renames.values());
  for (const e of ctx.undeclared) if (e.state === 'applied' && !renamedFrom.has(e.key)) setLiveKey(byLive, { target: e.target, kind: e.kind, id: e.externalId }, e.key);
  const referable = { ServiceProvider: referableRefs(ctx.referable.ServiceProvider, byKey, byLive), ServicePackage: referableRefs(ctx.referable.ServicePackage, byKey, byLive) };
  return { byKey, byLive, referable, renamedFrom, diagnostics };
}

function referableRefs(byName: ReadonlyMap<string, Desired>, byKey: ReadonlyMap<Key, Match>, byLive: LiveKeys): Map<string, ReferableRef> {
  const out = new Map<string, ReferableRef>();
  for (const [name, d] of byName) {
    const m = byKey.get(d.key);
    if (m?.found === 'live') {
      const managedBy = liveKeyOf(byLive, d.target, d.kind, m.id);
      out.set(name, { target: d.target, ref: { id: m.id }, sim: m.id, label: managedBy === undefined ? m.id : nameOfKey(managedBy) });
    } else {
      const createdBy = `${d.key}#create`;
      out.set(name, { target: d.target, ref: { createdBy }, sim: `@${createdBy}`, label: d.name });
    }
  }
  return out;
}

/**
 * Resolves a reference to a provider or package on `target`: a declared one becomes its live id or
 * the create step that makes it; an id stays an id. Undefined: a name nobody declares there.
 */
export function resolveRef(matches: Matches, target: string, kind: ReferableKind, ref: ObjectRef): IdRef | undefined {
  return ref.by === 'id' ? { id: ref.id } : resolveName(matches, target, kind, ref.name)?.ref;
}

/** A declared name resolved on `target`; undefined when no declaration of that name lives there. */
export function resolveName(matches: Matches, target: string, kind: ReferableKind, name: string): ReferableRef | undefined {
  const r = matches.referable[kind].get(name);
  return r === undefined || r.target !== target ? undefined : r;
}
