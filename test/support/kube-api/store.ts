/**
 * The fake apiserver's storage: objects per resource type, one cluster-wide `resourceVersion`
 * counter (as etcd's revision), and a bounded history of watch events per type so that a watch can
 * resume from a `resourceVersion` until it is compacted (then 410 Expired).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Admission } from './admission.js';
import type { JsonObject } from './patch.js';
import { typeKey, type ResourceType } from './resources.js';
import { finalizersOf, isSameObject, kubeTime, metaOf, metaString, prepareCreate, validate } from './object-rules.js';
import { alreadyExists, conflict, deleted, notFound } from './status.js';

/** A change as a watch reports it; `previous` is the state before (for selector transitions). */
export interface StoredEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resourceVersion: number;
  readonly object: JsonObject;
  readonly previous?: JsonObject;
}

/** Called after every stored change. */
export type StoreListener = (t: ResourceType, event: StoredEvent) => void;

/** Options of a store. */
export interface StoreOptions {
  /** Watch events kept per resource type before the oldest are compacted. @default 1000 */
  readonly historyLimit?: number;
  /** What the apiserver does to an object before storing it (CRD pruning, defaults, validation). @default none */
  readonly admit?: Admission;
}

/** Preconditions a DELETE body may carry. */
export interface DeletePreconditions {
  readonly uid?: string;
  readonly resourceVersion?: string;
}

const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Objects, history and listeners of one fake apiserver. */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly history = new Map<string, StoredEvent[]>();
  private readonly compactedAt = new Map<string, number>();
  private compactedEverywhere = 0;
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;
  private readonly admit: Admission;

  constructor(options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 1000;
    this.admit = options.admit ?? ((_t, o) => o);
  }

  /** The latest `resourceVersion` handed out. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Registers a listener; returns its removal. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private table(t: ResourceType): Map<string, JsonObject> {
    const key = typeKey(t);
    let table = this.objects.get(key);
    if (table === undefined) this.objects.set(key, (table = new Map()));
    return table;
  }

  /** A copy of one object, or undefined. */
  find(t: ResourceType, namespace: string, name: string): JsonObject | undefined {
    const o = this.table(t).get(objectKey(namespace, name));
    return o === undefined ? undefined : structuredClone(o);
  }

  /** A copy of one object; 404 when absent. */
  get(t: ResourceType, namespace: string, name: string): JsonObject {
    const o = this.find(t, namespace, name);
    if (o === undefined) throw notFound(t, name);
    return o;
  }

  /** Copies of all objects of a type (one namespace, or all), sorted by namespace and name. */
  list(t: ResourceType, namespace?: string): JsonObject[] {
    return [...this.table(t).entries()]
      .filter(([k]) => namespace === undefined || k.startsWith(`${namespace}/`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => structuredClone(o));
  }

  private commit(t: ResourceType, type: StoredEvent['type'], object: JsonObject, previous?: JsonObject): JsonObject {
    this.revision += 1;
    metaOf(object)['resourceVersion'] = String(this.revision);
    const key = objectKey(metaString(object, 'namespace'), metaString(object, 'name'));
    if (type === 'DELETED') this.table(t).delete(key);
    else this.table(t).set(key, object);
    const event: StoredEvent = { type, resourceVersion: this.revision, object: structuredClone(object), ...(previous === undefined ? {} : { previous }) };
    const events = [...(this.history.get(typeKey(t)) ?? []), event];
    const dropped = events.splice(0, Math.max(0, events.length - this.historyLimit));
    const last = dropped[dropped.length - 1];
    if (last !== undefined) this.compactedAt.set(typeKey(t), last.resourceVersion);
    this.history.set(typeKey(t), events);
    for (const l of this.listeners) l(t, event);
    return structuredClone(object);
  }

  /** Stores a new object (`generateName` honoured); 409 AlreadyExists, 422 Invalid. */
  create(t: ResourceType, namespace: string, body: JsonObject): JsonObject {
    const o = prepareCreate(t, namespace, body, { uid: randomUUID(), now: new Date() });
    const meta = metaOf(o);
    if (metaString(o, 'name') === '' && metaString(o, 'generateName') !== '') {
      meta['name'] = `${metaString(o, 'generateName')}${randomBytes(4).toString('hex').slice(0, 5)}`;
    }
    validate(t, o, namespace);
    if (this.table(t).has(objectKey(namespace, metaString(o, 'name')))) throw alreadyExists(t, metaString(o, 'name'));
    return this.commit(t, 'ADDED', this.admit(t, o));
  }

  /**
   * Stores `next` in place of `current`. A write that changes nothing keeps the resourceVersion and
   * emits no event; one that empties the finalizers of an object being deleted removes it.
   */
  replace(t: ResourceType, current: JsonObject, proposed: JsonObject): JsonObject {
    validate(t, proposed, metaString(current, 'namespace'));
    const next = this.admit(t, proposed);
    if (isSameObject(current, next)) return current;
    if (metaString(next, 'deletionTimestamp') !== '' && finalizersOf(next).length === 0) return this.commit(t, 'DELETED', next, current);
    return this.commit(t, 'MODIFIED', next, current);
  }

  /**
   * Deletes an object: with finalizers it only gains `deletionTimestamp` (and custom resources a new
   * generation) and stays until they are removed. Answers what the apiserver's DELETE answers.
   */
  delete(t: ResourceType, namespace: string, name: string, pre: DeletePreconditions = {}): JsonObject {
    const current = this.get(t, namespace, name);
    if (pre.uid !== undefined && pre.uid !== metaString(current, 'uid')) {
      throw conflict(t, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${metaString(current, 'uid')}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== metaString(current, 'resourceVersion')) throw conflict(t, name);
    if (finalizersOf(current).length > 0) {
      if (metaString(current, 'deletionTimestamp') !== '') return current;
      const next = structuredClone(current);
      const meta = metaOf(next);
      Object.assign(meta, { deletionTimestamp: kubeTime(new Date()), deletionGracePeriodSeconds: 0 });
      if (typeof meta['generation'] === 'number') meta['generation'] += 1;
      return this.commit(t, 'MODIFIED', next, current);
    }
    const gone = this.commit(t, 'DELETED', structuredClone(current), current);
    return t.isCustom ? gone : deleted(t, name, metaString(current, 'uid'));
  }

  /** Events of a type after `resourceVersion`, or 'expired' when that part of history was compacted. */
  eventsSince(t: ResourceType, resourceVersion: number): readonly StoredEvent[] | 'expired' {
    if (resourceVersion < Math.max(this.compactedEverywhere, this.compactedAt.get(typeKey(t)) ?? 0)) return 'expired';
    return (this.history.get(typeKey(t)) ?? []).filter((e) => e.resourceVersion > resourceVersion);
  }

  /** Forgets all watch history, as etcd compaction does: older resourceVersions now answer 410. */
  compact(): void {
    this.compactedEverywhere = this.revision;
    this.history.clear();
  }
}
