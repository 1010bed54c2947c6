/**
 * Indexes built once per plan: live objects by id and by reserved name marker, projects by name,
 * desired resources and ledger entries by key. Every later lookup is O(1), so planning stays linear.
 */
import type { LedgerEntry } from './ledger.js';
import type { LiveBluzone, LivePackage, LiveProject, LiveProvider, LiveStreamwise, LiveSubscription } from './live.js';
import type { PlanInput } from './change.js';
import { META_NAME, type Desired, type Diagnostic, type Key, type ManagedKind, type OfKind } from './model.js';

/** The kinds a declaration can reference by name. */
export type ReferableKind = 'ServiceProvider' | 'ServicePackage';

/** The kinds that live on a streamwise target. */
export type StreamwiseKind = 'ServiceProvider' | 'ServicePackage' | 'Subscription';
/** Any live streamwise object (all carry `id` and `metadata`). */
export type LiveStreamwiseObject = LiveProvider | LivePackage | LiveSubscription;

/** One streamwise target's live state, indexed by id and by reserved name marker. */
export interface StreamwiseIndex {
  readonly api: 'streamwise';
  readonly live: LiveStreamwise;
  readonly providers: ReadonlyMap<string, LiveProvider>;
  readonly packages: ReadonlyMap<string, LivePackage>;
  readonly subscriptions: ReadonlyMap<string, LiveSubscription>;
  /**
   * kind -> `syncwise.io/name` marker -> live objects carrying it, sorted by id (no key string built
   * per live object). Built on first use: a plan whose declarations all have their ledger ids never
   * looks objects up by marker.
   */
  byMarker(): MarkerIndex;
}

/** Live objects by kind and `syncwise.io/name` marker. */
export type MarkerIndex = { readonly [K in StreamwiseKind]: ReadonlyMap<string, readonly LiveStreamwiseObject[]> };

/** One bluzone target's live state, indexed by projectId and by projectName. */
export interface BluzoneIndex {
  readonly api: 'bluzone';
  readonly live: LiveBluzone;
  readonly projects: ReadonlyMap<string, LiveProject>;
  readonly byProjectName: ReadonlyMap<string, LiveProject>;
}

/** The index of one observed target. */
export type TargetIndex = StreamwiseIndex | BluzoneIndex;

/** Everything the per-kind planners look things up in. */
export interface PlanContext {
  readonly input: PlanInput;
  readonly targets: ReadonlyMap<string, TargetIndex>;
  /** Desired resources by key, in key order; only those on an observed target of the right api. */
  readonly desired: ReadonlyMap<Key, Desired>;
  /**
   * The same providers and packages by name: a reference is looked up without building and
   * hashing a `<kind>/<name>` key (35,000 references in a 10,000-object plan).
   */
  readonly referable: { readonly [K in ReferableKind]: ReadonlyMap<string, OfKind<Desired, K>> };
  /** Names of targets that have at least one desired resource. */
  readonly desiredTargets: ReadonlySet<string>;
  /** Ledger entries whose key is not declared (prune candidates), in key order. */
  readonly undeclared: readonly LedgerEntry[];
  /** Declarations whose ledger entry is on another target, in key order (the old object stays there). */
  readonly movedTarget: readonly { readonly d: Desired; readonly entry: LedgerEntry }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The api a managed kind lives on. */
export function apiOf(kind: ManagedKind): 'streamwise' | 'bluzone' {
  return kind === 'Project' || kind === 'ProjectDefaults' ? 'bluzone' : 'streamwise';
}

/** `list` in the order of `key`: the list itself when it is in that order already (platforms list by id). */
function sortedBy<T>(list: readonly T[], key: (o: T) => string): readonly T[] {
  for (let i = 1; i < list.length; i++) {
    if (cmp(key(list[i - 1] as T), key(list[i] as T)) > 0) return [...list].sort((a, b) => cmp(key(a), key(b)));
  }
  return list;
}

function byId<T extends { readonly id: string }>(list: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const o of sortedBy(list, (x) => x.id)) out.set(o.id, o);
  return out;
}

/** Code-unit string order: the same in every locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function markerIndex(live: LiveStreamwise): MarkerIndex {
  const index = (list: readonly LiveStreamwiseObject[]): Map<string, LiveStreamwiseObject[]> => {
    const out = new Map<string, LiveStreamwiseObject[]>();
    for (const o of list) {
      const name = o.metadata[META_NAME];
      if (typeof name !== 'string') continue;
      const same = out.get(name);
      if (same === undefined) out.set(name, [o]);
      else same.push(o);
    }
    for (const same of out.values()) if (same.length > 1) same.sort((a, b) => cmp(a.id, b.id));
    return out;
  };
  return { ServiceProvider: index(live.providers), ServicePackage: index(live.packages), Subscription: index(live.subscriptions) };
}

/** The live objects of `kind` whose `syncwise.io/name` marker is `name`, sorted by id. */
export function markedAs(t: StreamwiseIndex, kind: StreamwiseKind, name: string): readonly LiveStreamwiseObject[] {
  return t.byMarker()[kind].get(name) ?? [];
}

function indexTarget(live: LiveStreamwise | LiveBluzone): TargetIndex {
  if (live.api === 'bluzone') {
    const projects = sortedBy(live.projects, (p) => p.projectId);
    return {
      api: 'bluzone',
      live,
      projects: new Map(projects.map((p) => [p.projectId, p])),
      byProjectName: new Map(projects.map((p) => [p.projectName, p])),
    };
  }
  let markers: MarkerIndex | undefined;
  return {
    api: 'streamwise',
    live,
    providers: byId(live.providers),
    packages: byId(live.packages),
    subscriptions: byId(live.subscriptions),
    byMarker: () => (markers ??= markerIndex(live)),
  };
}

function placeable(d: Desired, targets: ReadonlyMap<string, TargetIndex>): Diagnostic | undefined {
  const t = targets.get(d.target);
  const origin = { origin: d.origin };
  if (t === undefined) {
    return { severity: 'error', code: 'PLAN_TARGET_NOT_OBSERVED', summary: `${d.key}: target "${d.target}" was not observed`, ...origin };
  }
  if (t.api !== apiOf(d.kind)) {
    return { severity: 'error', code: 'PLAN_KIND_MISMATCH', summary: `${d.key}: a ${d.kind} cannot live on ${t.api} target "${d.target}"`, ...origin };
  }
  return undefined;
}

function byKeyAndHash(a: Desired, b: Desired): number {
  return cmp(a.key, b.key) || cmp(a.hash, b.hash);
}

function indexDesired(input: PlanInput, targets: ReadonlyMap<string, TargetIndex>, diagnostics: Diagnostic[]): Map<Key, Desired> {
  const list = input.desired;
  let inOrder = true;
  for (let i = 1; i < list.length && inOrder; i++) inOrder = byKeyAndHash(list[i - 1] as Desired, list[i] as Desired) <= 0;
  const sorted = inOrder ? list : [...list].sort(byKeyAndHash);
  const out = new Map<Key, Desired>();
  for (const d of sorted) {
    const problem = placeable(d, targets);
    if (problem) diagnostics.push(problem);
    else if (out.has(d.key)) diagnostics.push({ severity: 'error', code: 'PLAN_DUPLICATE_KEY', summary: `${d.key} is declared more than once`, origin: d.origin });
    else out.set(d.key, d);
  }
  return out;
}

/** Builds the indexes of one plan and the diagnostics of resources it cannot place. */
export function buildContext(input: PlanInput): PlanContext {
  const targets = new Map<string, TargetIndex>();
  for (const name of Object.keys(input.live).sort(cmp)) {
    const live = input.live[name];
    if (live !== undefined) targets.set(name, indexTarget(live));
  }
  const diagnostics: Diagnostic[] = [];
  const desired = indexDesired(input, targets, diagnostics);
  const referable = { ServiceProvider: new Map<string, OfKind<Desired, 'ServiceProvider'>>(), ServicePackage: new Map<string, OfKind<Desired, 'ServicePackage'>>() };
  for (const d of desired.values()) {
    if (d.kind === 'ServiceProvider') referable.ServiceProvider.set(d.name, d);
    else if (d.kind === 'ServicePackage') referable.ServicePackage.set(d.name, d);
  }
  const desiredTargets = new Set<string>();
  for (const d of desired.values()) desiredTargets.add(d.target);
  // one pass over the ledger: entries no longer declared, and declarations whose entry is on another target
  const gone: Key[] = [];
  const movedTarget: { d: Desired; entry: LedgerEntry }[] = [];
  for (const [key, entry] of Object.entries(input.ledger.entries)) {
    const d = desired.get(key);
    if (d === undefined) gone.push(key);
    else if (entry.target !== d.target) movedTarget.push({ d, entry });
  }
  const undeclared = gone.sort(cmp).flatMap((key) => input.ledger.entries[key] ?? []);
  movedTarget.sort((x, y) => cmp(x.d.key, y.d.key));
  return { input, targets, desired, referable, desiredTargets, undeclared, movedTarget, diagnostics };
}

/** The ledger entry of `key` when it is on `target`. */
export function entryOf(ctx: PlanContext, key: Key, target: string): LedgerEntry | undefined {
  const e = ctx.input.ledger.entries[key];
  return e !== undefined && e.target === target ? e : undefined;
}

/** The streamwise index of a target (the caller has checked the api). */
export function streamwiseOf(ctx: PlanContext, target: string): StreamwiseIndex | undefined {
  const t = ctx.targets.get(target);
  return t?.api === 'streamwise' ? t : undefined;
}

/** The bluzone index of a target (the caller has checked the api). */
export function bluzoneOf(ctx: PlanContext, target: string): BluzoneIndex | undefined {
  const t = ctx.targets.get(target);
  return t?.api === 'bluzone' ? t : undefined;
}

/** The live list of a streamwise kind. */
export function liveOfKind(t: StreamwiseIndex, kind: StreamwiseKind): ReadonlyMap<string, LiveStreamwiseObject> {
  switch (kind) {
    case 'ServiceProvider':
      return t.providers;
    case 'ServicePackage':
      return t.packages;
    case 'Subscription':
      return t.subscriptions;
  }
}
