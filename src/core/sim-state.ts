/**
 * A mutable model of one target's live state for the rules simulation, with the reverse indexes
 * the platform's rules need (who attaches a provider, which subscriptions a package has), so
 * every check costs what it inspects and not a scan of the whole target.
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

/** The model of one target that the simulation mutates step by step. */
export interface SimTarget {
  readonly target: string;
  readonly providers: Map<string, SimProvider>;
  readonly packages: Map<string, SimContainer>;
  readonly subscriptions: Map<string, SimContainer>;
  /** provider id -> `package:<id>` / `subscription:<id>` of every container attaching it. */
  readonly users: Map<string, Set<string>>;
  /** package id -> ids of its subscriptions. */
  readonly subsOf: Map<string, Set<string>>;
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

/** Adds or replaces a container and keeps the reverse indexes in step. */
export function putContainer(st: SimTarget, c: SimContainer): void {
  removeContainer(st, c.container, c.id);
  (c.container === 'package' ? st.packages : st.subscriptions).set(c.id, c);
  for (const a of c.providers) addTo(st.users, a.providerId, userRef(c));
  if (c.packageId !== undefined) addTo(st.subsOf, c.packageId, c.id);
}

/** Removes a container and its entries in the reverse indexes. */
export function removeContainer(st: SimTarget, container: 'package' | 'subscription', id: string): void {
  const map = container === 'package' ? st.packages : st.subscriptions;
  const old = map.get(id);
  if (old === undefined) return;
  map.delete(id);
  for (const a of old.providers) st.users.get(a.providerId)?.delete(userRef(old));
  if (old.packageId !== undefined) st.subsOf.get(old.packageId)?.delete(id);
}

/** The containers attaching a provider, sorted (packages first, then by id): stable blame. */
export function usersOf(st: SimTarget, providerId: string): SimContainer[] {
  const out: SimContainer[] = [];
  for (const ref of st.users.get(providerId) ?? []) {
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

/** Builds the model of one observed target. */
export function simTarget(target: string, t: TargetIndex): SimTarget {
  const st: SimTarget = {
    target,
    providers: new Map(),
    packages: new Map(),
    subscriptions: new Map(),
    users: new Map(),
    subsOf: new Map(),
    projects: new Map(),
    projectNames: new Map(),
    defaults: { storage: false, consumer: false },
  };
  if (t.api === 'bluzone') {
    for (const p of t.projects.values()) putProject(st, p.projectName, p.projectId);
    st.defaults.storage = t.live.reseller.defaultRemoteStorage !== undefined;
    st.defaults.consumer = t.live.reseller.defaultRemoteConsumer !== undefined;
    return st;
  }
  for (const p of t.providers.values()) st.providers.set(p.id, { active: p.active, name: p.providerName });
  for (const p of t.packages.values()) putContainer(st, { container: 'package', id: p.id, name: p.packageName, providers: p.providers });
  for (const s of t.subscriptions.values()) {
    putContainer(st, { container: 'subscription', id: s.id, name: s.subscriptionName, packageId: s.packageId, providers: s.providers });
  }
  return st;
}
