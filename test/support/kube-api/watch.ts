/**
 * Watch streams as kube-apiserver serves them: HTTP 200 with chunked, newline-delimited JSON
 * events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), resumed from a `resourceVersion`, with an
 * ERROR event carrying 410 Expired when that version was compacted, and selector transitions
 * reported as ADDED/DELETED the way the watch cache reports them.
 */
import type { ServerResponse } from 'node:http';
import type { JsonObject } from './patch.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { Matcher } from './selectors.js';
import { expired } from './status.js';
import type { ObjectStore, StoredEvent } from './store.js';
import { labelsOf, metaString, selectableFields } from './object-rules.js';

/** What a watch request asked for. */
export interface WatchRequest {
  readonly type: ResourceType;
  /** Undefined for a watch across all namespaces. */
  readonly namespace: string | undefined;
  readonly labels: Matcher;
  readonly fields: Matcher;
  readonly resourceVersion: string;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds: number | undefined;
}

interface OpenWatch {
  readonly request: WatchRequest;
  readonly res: ServerResponse;
}

/** How `drop` ends connections: a clean end of the stream, or a reset socket. */
export type DropMode = 'end' | 'reset';

/** All open watch streams of one server. */
export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  constructor(private readonly store: ObjectStore) {}

  /** Number of watch connections currently open. */
  get count(): number {
    return this.open.size;
  }

  private matches(r: WatchRequest, o: JsonObject | undefined): boolean {
    if (o === undefined) return false;
    const namespace = metaString(o, 'namespace');
    if (r.namespace !== undefined && r.namespace !== namespace) return false;
    return r.labels(labelsOf(o)) && r.fields(selectableFields(o));
  }

  private translate(r: WatchRequest, e: StoredEvent): StoredEvent['type'] | undefined {
    const now = this.matches(r, e.object);
    const before = this.matches(r, e.previous);
    if (e.type === 'DELETED') return before || now ? 'DELETED' : undefined;
    if (now) return before ? 'MODIFIED' : 'ADDED';
    return before ? 'DELETED' : undefined;
  }

  private send(w: OpenWatch, type: string, object: unknown): void {
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** Starts streaming `request` on `res` until the client goes, the timeout passes or the test drops it. */
  serve(request: WatchRequest, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const w: OpenWatch = { request, res };
    const since = this.backlog(request);
    if (since === 'expired') {
      this.send(w, 'ERROR', expired(request.resourceVersion, this.store.resourceVersion).body);
      res.end();
      return;
    }
    for (const e of since) this.deliver(w, e);
    const unsubscribe = this.store.subscribe((t, e) => {
      if (t === request.type) this.deliver(w, e);
    });
    this.open.add(w);
    const timer = request.timeoutSeconds === undefined ? undefined : setTimeout(() => res.end(), request.timeoutSeconds * 1000);
    res.on('close', () => {
      clearTimeout(timer);
      unsubscribe();
      this.open.delete(w);
    });
  }

  private backlog(r: WatchRequest): readonly StoredEvent[] | 'expired' {
    if (r.resourceVersion === '' || r.resourceVersion === '0') {
      const rv = this.store.resourceVersion;
      return this.store.list(r.type, r.namespace).map((object) => ({ type: 'ADDED', resourceVersion: rv, object }));
    }
    const rv = Number(r.resourceVersion);
    return Number.isInteger(rv) ? this.store.eventsSince(r.type, rv) : 'expired';
  }

  private deliver(w: OpenWatch, e: StoredEvent): void {
    const type = this.translate(w.request, e);
    if (type !== undefined) this.send(w, type, e.object);
  }

  /** Sends a BOOKMARK with the current resourceVersion to every watch that allowed bookmarks. */
  bookmark(): void {
    for (const w of this.open) {
      if (!w.request.allowBookmarks) continue;
      const t = w.request.type;
      this.send(w, 'BOOKMARK', { kind: t.kind, apiVersion: apiVersionOf(t), metadata: { resourceVersion: String(this.store.resourceVersion) } });
    }
  }

  /** Ends every open watch (cleanly or by resetting its socket); returns how many were open. */
  drop(mode: DropMode): number {
    const n = this.open.size;
    for (const w of [...this.open]) {
      if (mode === 'end') w.res.end();
      else w.res.socket?.destroy();
      this.open.delete(w);
    }
    return n;
  }
}
