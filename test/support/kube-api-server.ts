/**
 * An in-process fake Kubernetes API server on node:http (127.0.0.1, a free port) that speaks the
 * real wire protocol for what syncwise's operator uses through @kubernetes/client-node: discovery,
 * list and watch with resourceVersion (410 once compacted), get, create, update with 409 on a stale
 * resourceVersion, merge/JSON/apply patches, delete with finalizers, the `/status` subresource and
 * Status objects for failures. It serves the six syncwise.io/v1alpha1 kinds, Secrets, ConfigMaps,
 * core and events.k8s.io Events, and coordination.k8s.io Leases. No authentication.
 *
 * Known simplifications: every namespace exists; strategic merge and server-side apply behave as a
 * merge patch (no field ownership); list ignores `limit`/`continue`; the two Event APIs keep
 * separate collections; CRD validation covers the openAPIV3Schema (no CEL rules, no ratcheting).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { crdAdmission, loadCrdSchemas, type Admission } from './kube-api/admission.js';
import { handleResource, parseResourcePath } from './kube-api/handlers.js';
import type { JsonObject } from './kube-api/patch.js';
import { discovery, resolveType } from './kube-api/resources.js';
import { noRoute, StatusError } from './kube-api/status.js';
import { ObjectStore } from './kube-api/store.js';
import { WatchHub, type DropMode } from './kube-api/watch.js';

export type { JsonObject } from './kube-api/patch.js';
export type { DropMode } from './kube-api/watch.js';

/** One request as the server received it, for asserting what a client sent on the wire. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query string. */
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** Options of {@link startKubeApiServer}. */
export interface KubeApiServerOptions {
  /** Watch events kept per resource type before the oldest are compacted. @default 1000 */
  readonly historyLimit?: number;
  /**
   * Schemas custom resources are pruned, defaulted and validated with, as the apiserver does with
   * installed CRDs: 'chart' reads charts/syncwise/crds, 'none' stores them unchecked, or a map of
   * kind to openAPIV3Schema. @default 'chart'
   */
  readonly crds?: 'chart' | 'none' | ReadonlyMap<string, unknown>;
  /** Time every write (any method but GET) waits before it is carried out, as a remote apiserver's round trip would. @default 0 */
  readonly writeDelayMs?: number;
}

const CHART_CRDS = fileURLToPath(new URL('../../charts/syncwise/crds', import.meta.url));

/** A running fake apiserver and its test controls. */
export interface KubeApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A client-node KubeConfig pointing at this server (no auth), with `namespace` as the context's namespace. @default 'default' */
  kubeconfig(namespace?: string): KubeConfig;
  /** The same configuration as kubeconfig YAML, for a process started with `KUBECONFIG`. */
  kubeconfigYaml(namespace?: string): string;
  /** Copies of the stored objects of a kind (`ServiceProvider`, `serviceproviders`, `swsp`, `leases`, `events.events.k8s.io`), optionally of one namespace. */
  objects(kind: string, namespace?: string): JsonObject[];
  /** Closes every open watch connection, cleanly (`end`, the default) or by resetting the socket; returns how many were open. */
  dropWatches(mode?: DropMode): number;
  /** Number of watch connections open now. */
  openWatches(): number;
  /** Compacts the watch history: a watch resuming from an older resourceVersion gets 410 Expired. */
  compact(): void;
  /** Sends a BOOKMARK event to every watch opened with `allowWatchBookmarks=true`. */
  sendBookmarks(): void;
  /** Every request received so far, in order. */
  requests(): readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** The most writes (any method but GET) that were in progress at the same time. */
  peakWritesInFlight(): number;
  /** Ends all watches and connections and stops listening. */
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function route(store: ObjectStore, hub: WatchHub, req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const doc = req.method === 'GET' ? discovery(url.pathname) : undefined;
  if (doc !== undefined) return sendJson(res, 200, doc);
  const target = parseResourcePath(url.pathname);
  if (target === undefined) throw noRoute(url.pathname);
  const result = handleResource(store, hub, {
    ...target, method: req.method ?? 'GET', query: url.searchParams, contentType: req.headers['content-type'], body,
  }, res);
  if (result !== 'streaming') sendJson(res, result.code, result.body);
}

function kubeconfigOf(url: string, namespace: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'fake-user' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake-user', namespace }],
    currentContext: 'fake',
  });
  return kc;
}

let chartAdmission: Admission | undefined;

function admissionFor(crds: NonNullable<KubeApiServerOptions['crds']>): Admission {
  if (crds === 'none') return crdAdmission(new Map());
  if (crds !== 'chart') return crdAdmission(crds);
  chartAdmission ??= crdAdmission(loadCrdSchemas(CHART_CRDS)); // compiled once per test file
  return chartAdmission;
}

/** Starts a fake apiserver on 127.0.0.1 with an empty store. */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const store = new ObjectStore({ ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }), admit: admissionFor(options.crds ?? 'chart') });
  const hub = new WatchHub(store);
  const recorded: RecordedRequest[] = [];
  const writes = { inFlight: 0, peak: 0 };
  const server = createServer((req, res) => {
    const write = req.method !== 'GET';
    if (write) writes.peak = Math.max(writes.peak, ++writes.inFlight);
    void readBody(req).then(async (body) => {
      if (write && options.writeDelayMs) await new Promise((r) => setTimeout(r, options.writeDelayMs));
      recorded.push({ method: req.method ?? 'GET', url: req.url ?? '/', contentType: req.headers['content-type'], body });
      try {
        route(store, hub, req, res, body);
      } catch (e) {
        if (e instanceof StatusError) sendJson(res, e.code, e.body);
        else sendJson(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String(e), reason: 'InternalError', code: 500 });
      } finally {
        if (write) writes.inFlight -= 1;
      }
    });
  });
  let connections = 0;
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    kubeconfig: (namespace = 'default') => kubeconfigOf(url, namespace),
    kubeconfigYaml: (namespace = 'default') => kubeconfigOf(url, namespace).exportConfig(),
    objects: (kind, namespace) => store.list(resolveType(kind), namespace),
    dropWatches: (mode = 'end') => hub.drop(mode),
    openWatches: () => hub.count,
    compact: () => store.compact(),
    sendBookmarks: () => hub.bookmark(),
    requests: () => [...recorded],
    connections: () => connections,
    peakWritesInFlight: () => writes.peak,
    close: async () => {
      hub.drop('end');
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
