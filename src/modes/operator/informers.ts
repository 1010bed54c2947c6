/**
 * The operator's view of the cluster: one list+watch informer per syncwise kind and one on
 * Secrets, each restarted with a backoff when its watch stops on an error (the informer itself
 * relists on 410 Gone and resumes after a clean close). Reads come from the caches only, which
 * keep each object slimmed to the fields the operator reads (cached-object.ts).
 */
import { CoreV1Api, CustomObjectsApi, ListWatch, Watch, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { Kind } from '../../core/model.js';
import { LEDGER_SECRET_TYPE } from '../../engine/ledger/kubernetes.js';
import type { Logger } from '../../log.js';
import { backoffDelay, type BackoffOptions } from '../runner.js';
import { createStringPool, slimCustomResource, slimSecret, type Intern } from './cached-object.js';
import { GROUP, KINDS, PLURALS, VERSION, type CustomResource, type SecretObject } from './kinds.js';
import { apiClient } from '../../engine/kube-client.js';

/** What changed in the cache: the source informer, the verb and the object. */
export interface CacheEvent {
  readonly source: Kind | 'Secret';
  readonly type: 'add' | 'update' | 'delete';
  readonly object: KubernetesObject;
}

export interface ClusterCacheOptions {
  readonly kubeConfig: KubeConfig;
  /** Watch only this namespace; every namespace when absent. */
  readonly namespace?: string;
  readonly logger: Logger;
  readonly onEvent: (event: CacheEvent) => void;
  /** Delays between restarts of a stopped informer. @default 500 ms doubling up to 30 s */
  readonly restartBackoff?: BackoffOptions;
  /** Called when an informer is restarted after an error. */
  readonly onRestart?: (source: Kind | 'Secret') => void;
}

export interface ClusterCache {
  /** Starts every informer; resolves once each has listed once (retrying failed lists with backoff). */
  start(): Promise<void>;
  /** true once every informer has listed at least once. */
  isSynced(): boolean;
  customResources(kind: Kind): readonly CustomResource[];
  secret(namespace: string, name: string): SecretObject | undefined;
  /** Number of restarts after errors so far, per source. */
  restarts(): Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

type Source = Kind | 'Secret';
type CachedInformer<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

interface Watched {
  readonly source: Source;
  readonly informer: CachedInformer<KubernetesObject>;
  synced: boolean;
  failures: number;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
}

function pathOf(source: Source, namespace: string | undefined): string {
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return source === 'Secret' ? `/api/v1${scope}/secrets` : `/apis/${GROUP}/${VERSION}${scope}/${PLURALS[source]}`;
}

/**
 * Secrets are watched without the ledger's own: every save of a 10,000-object ledger rewrites about
 * 1 MiB of it, which the operator never reads from the cache.
 */
const SECRET_FIELDS = `type!=${LEDGER_SECRET_TYPE}`;

function listerOf(kc: KubeConfig, source: Source, namespace: string | undefined): () => Promise<KubernetesListObject<KubernetesObject>> {
  if (source === 'Secret') {
    const core = apiClient(kc, CoreV1Api);
    const fieldSelector = SECRET_FIELDS;
    return () => (namespace === undefined ? core.listSecretForAllNamespaces({ fieldSelector }) : core.listNamespacedSecret({ namespace, fieldSelector }));
  }
  const custom = apiClient(kc, CustomObjectsApi);
  const g = { group: GROUP, version: VERSION, plural: PLURALS[source] };
  return async () =>
    (namespace === undefined ? await custom.listClusterCustomObject(g) : await custom.listNamespacedCustomObject({ ...g, namespace })) as KubernetesListObject<KubernetesObject>;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'object' && e !== null && 'code' in e ? `code ${String((e as { code: unknown }).code)}` : String(e);
}

interface CacheState {
  readonly options: ClusterCacheOptions;
  readonly backoff: BackoffOptions;
  readonly watched: readonly Watched[];
  stopping: boolean;
}

/** Starts (or restarts) one informer; it counts as synced once a start ends without an error. */
async function run(w: Watched): Promise<void> {
  let failed = false;
  const onError = (): void => { failed = true; };
  w.informer.on('error', onError);
  await w.informer.start();
  w.informer.off('error', onError);
  if (!failed) {
    w.synced = true;
    w.failures = 0;
  }
}

/** Schedules a restart of a stopped informer after a growing delay. */
function restart(s: CacheState, w: Watched, error: unknown): void {
  if (s.stopping || w.timer !== undefined) return;
  w.failures += 1;
  const delayMs = backoffDelay(w.failures, s.backoff);
  s.options.logger.warn({ source: w.source, error: describe(error), retryInMs: delayMs }, 'watch stopped; restarting');
  w.timer = setTimeout(() => {
    w.timer = undefined;
    if (s.stopping) return;
    w.restarts += 1;
    s.options.onRestart?.(w.source);
    void run(w);
  }, delayMs);
}

/** Slims an object as it arrives; `previous` is the cached version it replaces, if any. */
type Slim = (o: KubernetesObject, previous: KubernetesObject | undefined) => KubernetesObject;

/** A watch whose added, modified and deleted objects are slimmed before the informer sees them. */
function slimmingWatch(kc: KubeConfig, slim: (o: KubernetesObject) => KubernetesObject): Watch {
  const inner = new Watch(kc);
  const isObject = (phase: string): boolean => phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED';
  return {
    config: kc,
    watch: (path, query, callback, done) => inner.watch(path, query, (phase, obj: KubernetesObject, raw: unknown) => callback(phase, isObject(phase) ? slim(obj) : obj, raw), done),
  };
}

function watch(options: ClusterCacheOptions, source: Source, intern: Intern): Watched {
  const slim: Slim = source === 'Secret' ? slimSecret : (o, previous) => slimCustomResource(o, previous, intern);
  const cached = (o: KubernetesObject): KubernetesObject | undefined => informer.get(o.metadata?.name ?? '', o.metadata?.namespace);
  const arriving = (o: KubernetesObject): KubernetesObject => slim(o, cached(o));
  const list = listerOf(options.kubeConfig, source, options.namespace);
  const slimList = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    const listed = await list();
    return { ...listed, items: listed.items.map(arriving) };
  };
  const informer: CachedInformer<KubernetesObject> = new ListWatch(pathOf(source, options.namespace), slimmingWatch(options.kubeConfig, arriving), slimList, false, undefined, source === 'Secret' ? SECRET_FIELDS : undefined);
  return { source, informer, synced: false, failures: 0, restarts: 0, timer: undefined };
}

/** Creates the informers; nothing is requested before `start()`. */
export function createClusterCache(options: ClusterCacheOptions): ClusterCache {
  const intern = createStringPool();
  const s: CacheState = { options, backoff: options.restartBackoff ?? { baseMs: 500, maxMs: 30_000 }, watched: [...KINDS, 'Secret' as const].map((source) => watch(options, source, intern)), stopping: false };
  for (const w of s.watched) {
    for (const type of ['add', 'update', 'delete'] as const) w.informer.on(type, (object) => options.onEvent({ source: w.source, type, object }));
    w.informer.on('error', (e: unknown) => restart(s, w, e));
  }
  const find = (source: Source): Watched => s.watched.find((w) => w.source === source) as Watched;
  return {
    start: async () => {
      await Promise.all(s.watched.map((w) => run(w)));
      while (!s.stopping && s.watched.some((w) => !w.synced)) await new Promise((r) => setTimeout(r, 50));
    },
    isSynced: () => s.watched.every((w) => w.synced),
    customResources: (kind) => find(kind).informer.list() as readonly CustomResource[],
    secret: (ns, name) => find('Secret').informer.get(name, ns) as SecretObject | undefined,
    restarts: () => Object.fromEntries(s.watched.map((w) => [w.source, w.restarts])),
    stop: async () => {
      s.stopping = true;
      for (const w of s.watched) clearTimeout(w.timer);
      await Promise.all(s.watched.map((w) => w.informer.stop()));
    },
  };
}
