/**
 * A mutable model of one target's live state for the rules simulation, with the reverse indexes
 * the platform's rules need (who attaches a provider, which subscriptions a package has), so
 * every check costs what it inspects and not a scan of the whole target. Each part is built from
 * the live index the first time a step needs it: a plan that updates one provider's name copies
 * no package or subscription, and builds no reverse index, of a 10,000-object target.
 */
import type { AttachmentBody } from './change.js';
import { cmp, type TargetIndex } from './context.js';
import { simId } from './draft.js';
import type { LiveAttachment } from './live.js';

/** A provider as the rules see it. */
export interface SimProvider {
  readonly active: boolean;
  readonly name: string;
}

/** A package or subscription as the rules see it. */
export interface SimContainer {
  readonly container: 'package' | 'subscription';
  readonly id: string;
  readonly name: string;
  readonly packageId?: string;
  readonly providers: readonly LiveAttachment[];
}

/** Who uses what, kept in step with the containers once built. */
interface Reverse {
  /** provider id -> `package:<id>` / `subscription:<id>` of every container attaching it. */
  readonly users: Map<string, Set<string>>;
  /** package id -> ids of its subscriptions. */
  readonly subsOf: Map<string, Set<string>>;
}

/** The model of one target that the simulation mutates step by step. */
export interface SimTarget {
  readonly target: string;
  readonly providers: Map<string, SimProvider>;
  readonly packages: Map<string, SimContainer>;
  readonly subscriptions: Map<string, SimContainer>;
  /** The reverse indexes, once a rule has asked for them (see `reverseOf`). */
  reverse: Reverse | undefined;
  /** bluzone: projectName -> projectId. */
  readonly projects: Map<string, string>;
  /** bluzone: projectId -> projectName. */
  readonly projectNames: Map<string, string>;
  readonly defaults: { storage: boolean; consumer: boolean };
}

/** The reference of a container in `users`. */
export function userRef(c: Pick<SimContainer, 'container' | 'id'>): string {
  return `${c.container}:${c.id}`;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function index(r: Reverse, c: SimContainer): void {
  for (const a of c.providers) addTo(r.users, a.providerId, userRef(c));
  if (c.packageId !== undefined) addTo(r.subsOf, c.packageId, c.id);
}

/** The reverse indexes of the model as it is now, built on first use and kept in step after. */
function reverseOf(st: SimTarget): Reverse {
  if (st.reverse !== undefined) return st.reverse;
  const r: Reverse = { users: new Map(), subsOf: new Map() };
  for (const c of st.packages.values()) index(r, c);
  for (const c of st.subscriptions.values()) index(r, c);
  return (st.reverse = r);
}

/** Adds or replaces a container and keeps the reverse indexes in step. */
export function putContainer(st: SimTarget, c: SimContainer): void {
  removeContainer(st, c.container, c.id);
  (c.container === 'package' ? st.packages : st.subscriptions).set(c.id, c);
  if (st.reverse !== undefined) index(st.reverse, c);
}

/** Removes a container and its entries in the reverse indexes. */
export function removeContainer(st: SimTarget, container: 'package' | 'subscription', id: string): void {
  const map = container === 'package' ? st.packages : st.subscriptions;
  const old = map.get(id);
  if (old === undefined) return;
  map.delete(id);
  const r = st.reverse;
  if (r === undefined) return;
  for (const a of old.providers) r.users.get(a.providerId)?.delete(userRef(old));
  if (old.packageId !== undefined) r.subsOf.get(old.packageId)?.delete(id);
}

/** The ids of a package's subscriptions. */
export function subscriptionsOf(st: SimTarget, packageId: string): ReadonlySet<string> {
  return reverseOf(st).subsOf.get(packageId) ?? new Set();
}

/** The containers attaching a provider, sorted (packages first, then by id): stable blame. */
export function usersOf(st: SimTarget, providerId: string): SimContainer[] {
  const out: SimContainer[] = [];
  for (const ref of reverseOf(st).users.get(providerId) ?? []) {
    const [container, id] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
    const c = (container === 'package' ? st.packages : st.subscriptions).get(id);
    if (c) out.push(c);
  }
  return out.sort((a, b) => cmp(a.container, b.container) || cmp(a.id, b.id));
}

/** Attachment bodies as the simulation stores them (created objects under `@<stepId>`). */
export function simAttachments(list: readonly AttachmentBody[]): LiveAttachment[] {
  return list.map((a) => ({ providerId: simId(a.provider), isDefault: a.isDefault }));
}

/** Records a project under both its name and its id. */
export function putProject(st: SimTarget, name: string, id: string): void {
  st.projects.set(name, id);
  st.projectNames.set(id, name);
}

/** Removes a project by id. */
export function removeProject(st: SimTarget, id: string): void {
  const name = st.projectNames.get(id);
  st.projectNames.delete(id);
  if (name !== undefined) st.projects.delete(name);
}

/** A map filled from live state the first time it is read. */
function lazily<V>(fill: (into: Map<string, V>) => void): () => Map<string, V> {
  let map: Map<string, V> | undefined;
  return () => {
    if (map === undefined) fill((map = new Map()));
    return map;
  };
}

/** Builds the model of one observed target; streamwise parts are copied from `t` when first read. */
export function simTarget(target: string, t: TargetIndex): SimTarget {
  const projects = new Map<string, string>();
  const projectNames = new Map<string, string>();
  const defaults = { storage: false, consumer: false };
  if (t.api === 'bluzone') {
    const st: SimTarget = { target, providers: new Map(), packages: new Map(), subscriptions: new Map(), reverse: undefined, projects, projectNames, defaults };
    for (const p of t.projects.values()) putProject(st, p.projectName, p.projectId);
    defaults.storage = t.live.reseller.defaultRemoteStorage !== undefined;
    defaults.consumer = t.live.reseller.defaultRemoteConsumer !== undefined;
    return st;
  }
  const providers = lazily<SimProvider>((m) => {
    for (const p of t.providers.values()) m.set(p.id, { active: p.active, name: p.providerName });
  });
  const packages = lazily<SimContainer>((m) => {
    for (const p of t.packages.values()) m.set(p.id, { container: 'package', id: p.id, name: p.packageName, providers: p.providers });
  });
  const subscriptions = lazily<SimContainer>((m) => {
    for (const s of t.subscriptions.values()) m.set(s.id, { container: 'subscription', id: s.id, name: s.subscriptionName, packageId: s.packageId, providers: s.providers });
  });
  return {
    target,
    get providers() { return providers(); },
    get packages() { return packages(); },
    get subscriptions() { return subscriptions(); },
    reverse: undefined,
    projects,
    projectNames,
    defaults,
  };
}
