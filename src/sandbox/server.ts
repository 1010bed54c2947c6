/**
 * The embedded sandbox: a real implementation of both platform APIs (streamwise and bluzone) on
 * one loopback HTTP server, backed by SQLite, with secrets sealed at rest, the platform's rules,
 * and fault injection. It is the default target, the test double of every integration test, and
 * the `syncwise sandbox` playground. It shares no code with the reconciler's rules.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { handleAdmin } from './admin.js';
import { createSealer, loadKey, type Sealer } from './crypto.js';
import { createFaultInjector, type FaultOptions } from './faults.js';
import { createUlidFactory } from './ids.js';
import { openapiJson } from './openapi.js';
import { createRequestListener, type ApiSurface, type DebugLog } from './pipeline.js';
import { bluzoneSurface } from './routes/bluzone.js';
import { streamwiseSurface } from './routes/streamwise.js';
import { createSettings, openDatabase, verifyKey, type Db } from './store.js';
import { createBluzoneStore, type BluzoneStore } from './store-bluzone.js';
import { createStreamwiseStore } from './store-streamwise.js';

export type { FaultOptions } from './faults.js';
export { parseFaults } from './faults.js';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** SQLite file path, or `':memory:'`. @default '.syncwise/sandbox.db' */
  data?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** streamwise bearer token; when absent the stored one, or a generated one (then stored). */
  token?: string;
  /** bluzone `bzspid` key of reseller 1; when absent the stored one, or a generated one. */
  apiKey?: string;
  /** Encryption key (64 hex chars, base64 of 32 bytes, or a passphrase). @default env SYNCWISE_SANDBOX_KEY, else the 0600 file `<data>.key` */
  key?: string;
  /** @default no faults */
  faults?: FaultOptions;
  /** Receives one debug line per request (method, path, status, ms); never headers or bodies. */
  log?: DebugLog;
}

/** A running sandbox. */
export interface SandboxHandle {
  /** `http://host:port`, no trailing slash; both APIs live at the root. */
  url: string;
  token: string;
  /** The `bzspid` key of reseller `serviceProviderId`. */
  apiKey: string;
  /** The reseller the api key belongs to: always '1'. Reseller '2' exists with another key. */
  serviceProviderId: string;
  setFaults(f: FaultOptions): void;
  /**
   * Requests by `METHOD /route/{template}` (every request, faulted or not) and answers by `status:NNN`
   * (`status:reset` for dropped ones). Also served at `GET /_sandbox/requests` (src/sandbox/admin.ts).
   */
  requestCounts(): Record<string, number>;
  resetCounts(): void;
  /** Stops listening, drops open connections and closes the database. */
  close(): Promise<void>;
}

const DEFAULT_DATA = '.syncwise/sandbox.db';

/** Starts a sandbox server; resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const data = options.data ?? DEFAULT_DATA;
  const sealer = createSealer(loadKey(data, options.key ?? process.env.SYNCWISE_SANDBOX_KEY));
  const db = openDatabase(data);
  try {
    const settings = createSettings(db, sealer);
    verifyKey(settings);
    const token = db.transaction(() => credential(settings, 'token', options.token)).immediate();
    const bluzone = createBluzoneStore(db, sealer);
    const apiKey = db.transaction(() => bluzone.seedResellers(options.apiKey)).immediate();
    const counts = new Map<string, number>();
    const faults = createFaultInjector(options.faults ?? {});
    const surfaces = buildSurfaces(db, sealer, bluzone, token);
    const listener = createRequestListener({
      surfaces, faults, openapi: openapiJson, ...(options.log ? { log: options.log } : {}),
      count: (key) => counts.set(key, (counts.get(key) ?? 0) + 1),
    });
    const requestCounts = (): Record<string, number> => Object.fromEntries(counts);
    const resetCounts = (): void => counts.clear();
    const server = createServer({ keepAlive: true }, (req, res) => {
      if (!handleAdmin({ token, requestCounts, resetCounts }, req, res)) listener(req, res);
    });
    const url = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
    return {
      url, token, apiKey, serviceProviderId: '1',
      setFaults: (f) => faults.set(f),
      requestCounts, resetCounts,
      close: () => closeAll(server, db),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

function credential(settings: ReturnType<typeof createSettings>, name: string, given: string | undefined): string {
  const value = given ?? settings.get(name) ?? randomBytes(24).toString('base64url');
  if (settings.get(name) !== value) settings.set(name, value);
  return value;
}

function buildSurfaces(db: Db, sealer: Sealer, bluzone: BluzoneStore, token: string): ApiSurface[] {
  const tx = <T>(fn: () => T): T => db.transaction(fn).immediate();
  const streamwise = createStreamwiseStore(db);
  const newest = db.prepare<[], { ulid: string }>(
    `select max(ulid) as ulid from (select json_extract(doc, '$.ulid') as ulid from providers
       union all select json_extract(doc, '$.ulid') from packages union all select json_extract(doc, '$.ulid') from subscriptions)`,
  ).get();
  const ulid = createUlidFactory(newest?.ulid ?? undefined);
  const now = () => new Date();
  return [
    bluzoneSurface({ store: bluzone, tx, now }),
    streamwiseSurface({ store: streamwise, sealer, ulid, tx, now }, token),
  ];
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}

function closeAll(server: Server, db: Db): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      if (db.open) db.close();
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
      else resolve();
    });
    server.closeAllConnections();
  });
}
