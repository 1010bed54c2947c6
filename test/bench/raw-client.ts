/**
 * Plain HTTP clients of the sandbox, with no planning around them: the per-object refresh
 * baseline (one GET per owned object) and a replay of the full apply's creates, which measures
 * the request rate the sandbox sustains at a given concurrency.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import {
  packageName, packageProviders, projectName, providerName, subscriptionName, type KindCounts,
} from './generate.js';

/** A sandbox to talk to. */
export interface RawTarget {
  readonly url: string;
  readonly token: string;
  readonly apiKey: string;
}

/** Requests sent and the time they took. */
export interface RawRun {
  readonly requests: number;
  readonly wallMs: number;
  readonly failures: number;
}

interface RawRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body?: unknown;
}

const BZ = '/portal/service/1';

async function runAll(pool: Pool, t: RawTarget, requests: readonly RawRequest[], parallelism: number, onAnswer?: (i: number, body: unknown) => void): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < requests.length; i = next++) {
      const r = requests[i] as RawRequest;
      const auth = r.path.startsWith(BZ) ? { bzspid: t.apiKey } : { authorization: `Bearer ${t.token}` };
      const headers = { ...auth, accept: 'application/json', ...(r.body === undefined ? {} : { 'content-type': 'application/json' }) };
      const res = await pool.request({ method: r.method, path: r.path, headers, body: r.body === undefined ? null : JSON.stringify(r.body) });
      const text = await res.body.text();
      if (res.statusCode >= 300) failures += 1;
      else onAnswer?.(i, text === '' ? undefined : JSON.parse(text));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, requests.length)) }, worker));
  return failures;
}

async function timed(t: RawTarget, parallelism: number, batches: readonly (() => RawRequest[])[], onAnswer?: (batch: number, i: number, body: unknown) => void): Promise<RawRun> {
  const pool = new Pool(t.url, { connections: parallelism });
  const started = performance.now();
  let requests = 0;
  let failures = 0;
  try {
    for (const [b, make] of batches.entries()) {
      const batch = make();
      requests += batch.length;
      failures += await runAll(pool, t, batch, parallelism, (i, body) => onAnswer?.(b, i, body));
    }
    return { requests, wallMs: performance.now() - started, failures };
  } finally {
    await pool.close();
  }
}

const COLLECTION: Record<string, string> = {
  ServiceProvider: '/service-providers', ServicePackage: '/service-packages', Subscription: '/subscriptions', Project: `${BZ}/projects`,
};

/** What a per-resource refresh costs: one GET for every object the ledger in `stateDir` owns. */
export function perObjectBaseline(t: RawTarget, stateDir: string, parallelism: number): Promise<RawRun> {
  const ledger = JSON.parse(readFileSync(join(stateDir, 'ledger.json'), 'utf8')) as { entries: Record<string, { kind: string; externalId: string }> };
  const gets = Object.values(ledger.entries).map((e): RawRequest => ({
    method: 'GET', path: e.kind === 'ProjectDefaults' ? BZ : `${COLLECTION[e.kind] ?? '/'}/${encodeURIComponent(e.externalId)}`,
  }));
  return timed(t, parallelism, [() => gets]);
}

const meta = (kind: string, name: string, user: Record<string, unknown>): Record<string, unknown> => ({
  ...user, 'syncwise.io/name': `${kind}/${name}`, 'syncwise.io/owner': 'bench-replay', 'syncwise.io/hash': 'x'.repeat(64), 'syncwise.io/managed-keys': Object.keys(user).join(','),
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Sends the creates of a full apply of `counts` straight to an empty sandbox, kind by kind (each
 * kind needs the ids of the one before), with `parallelism` requests in flight: the rate the
 * platform sustains when the client costs next to nothing.
 */
export function replayCreates(t: RawTarget, counts: KindCounts, parallelism: number): Promise<RawRun> {
  const providerIds: string[] = [];
  const packageIds: string[] = [];
  const idOf = (body: unknown): string => (body as { data: { id: string } }).data.id;
  const providers = (): RawRequest[] => range(counts.providers).map((i) => ({
    method: 'POST', path: '/service-providers', body: {
      provider_name: `BBB ${i}`, active: true, provider_type: 'bbb', service_type: 'meet', settings: {},
      properties: { url: `https://${providerName(i)}.example.com/bigbluebutton/`, secret: `replay-secret-${i}` },
      metadata: meta('ServiceProvider', providerName(i), { external_billing_id: 100_000 + i, region: 'eu-west', tags: ['bench', 'eu-west'] }),
    },
  }));
  const attach = (ids: readonly number[]): { provider_id: string; default: boolean }[] => ids.map((p, k) => ({ provider_id: providerIds[p] ?? '', default: k === 0 }));
  const packages = (): RawRequest[] => range(counts.packages).map((p) => ({
    method: 'POST', path: '/service-packages',
    body: { package_name: `Package ${p}`, providers: attach(packageProviders(p, counts)), metadata: meta('ServicePackage', packageName(p), { tier: 'standard', cost_center: `CC-${p % 97}` }) },
  }));
  const subscriptions = (): RawRequest[] => range(counts.subscriptions).map((s) => {
    const pkg = s % counts.packages;
    const ids = packageProviders(pkg, counts).slice(0, s % 2 === 0 ? 2 : 1);
    const user = { customer_id: `C-${10_000 + s}`, contacts: { billing: `billing-${s}@customer.example.com` } };
    return { method: 'POST', path: '/subscriptions', body: { subscription_name: `Customer ${s}`, package_id: packageIds[pkg] ?? '', providers: attach(ids), metadata: meta('Subscription', subscriptionName(s), user) } };
  });
  const projects = (): RawRequest[] => range(counts.projects).map((j) => ({
    method: 'POST', path: `${BZ}/projects/_create?useDefaultRemoteStorage=false&useDefaultRemoteConsumer=false`,
    body: { projectName: projectName(j), defaultOwnerEmail: `owner-${j}@tenant.example.com`, defaultOwnerPassword: `replay-password-${j}`, joinAccountsEnabled: false, debugEnabled: false },
  }));
  return timed(t, parallelism, [providers, packages, subscriptions, projects], (batch, i, body) => {
    if (batch === 0) providerIds[i] = idOf(body);
    if (batch === 1) packageIds[i] = idOf(body);
  });
}

/** Items per list page the driver asks for (the platform's maximum). */
const PAGE_SIZE = 1000;

/**
 * The list transfer time: the list requests a no-op plan makes (every page of every kind, the
 * reseller and its projects), sent by a plain client with `parallelism` in flight.
 */
export function listTransfer(t: RawTarget, counts: KindCounts, parallelism: number): Promise<RawRun> {
  const pages = (path: string, n: number): RawRequest[] =>
    range(Math.max(1, Math.ceil(n / PAGE_SIZE))).map((p) => ({ method: 'GET', path: `${path}?page=${p + 1}&per_page=${PAGE_SIZE}` }));
  return timed(t, parallelism, [() => [
    ...pages('/service-providers', counts.providers), ...pages('/service-packages', counts.packages), ...pages('/subscriptions', counts.subscriptions),
    { method: 'GET', path: BZ }, { method: 'GET', path: `${BZ}/projects` },
  ]]);
}

/** The list requests a no-op plan of `counts` should make, by route. */
export function expectedLists(counts: KindCounts): Record<string, number> {
  const pagesOf = (n: number): number => Math.max(1, Math.ceil(n / PAGE_SIZE));
  return {
    'GET /service-providers': pagesOf(counts.providers), 'GET /service-packages': pagesOf(counts.packages), 'GET /subscriptions': pagesOf(counts.subscriptions),
    'GET /portal/service/{spId}': 1, 'GET /portal/service/{spId}/projects': 1,
  };
}
