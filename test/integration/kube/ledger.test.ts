import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CoordinationV1Api, CoreV1Api, V1MicroTime, type V1LeaseSpec } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, LedgerState } from '../../../src/core/ledger.js';
import { kubernetesLedger, LEDGER_DATA_KEY, MAX_SECRET_BYTES, type KubernetesLedgerOptions } from '../../../src/engine/ledger/kubernetes.js';
import { startKubeApiServer, type JsonObject, type KubeApiServer } from '../../support/kube-api-server.js';

const NS = 'ci';
const NAME = 'syncwise-ledger';

let server: KubeApiServer;

beforeEach(async () => {
  server = await startKubeApiServer({ crds: 'none' });
});
afterEach(async () => server.close());

function store(options: Partial<KubernetesLedgerOptions> = {}): ReturnType<typeof kubernetesLedger> {
  return kubernetesLedger({ kubeConfig: server.kubeconfig(NS), namespace: NS, name: NAME, ...options });
}

/** A ledger of `n` providers with realistic, random ids and hashes (which compress poorly). */
function ledgerOf(n: number, owner = 'cfg-1a2b3c4d'): LedgerState {
  const entries: Record<string, LedgerEntry> = {};
  for (let i = 0; i < n; i++) {
    const key = `ServiceProvider/provider-${i}` as const;
    entries[key] = {
      key, kind: 'ServiceProvider', name: `provider-${i}`, target: 'sw', externalId: randomBytes(4).toString('base64url'),
      hash: randomBytes(24).toString('base64url'), managedMetadataKeys: ['tier', 'region'], state: 'applied',
    };
  }
  return { version: 1, owner, salt: randomBytes(24).toString('base64url'), entries };
}

function secretObject(): JsonObject | undefined {
  return server.objects('secrets', NS).find((s) => (s['metadata'] as { name?: string }).name === NAME);
}

function storedLedger(): unknown {
  const data = secretObject()?.['data'] as Record<string, string>;
  return JSON.parse(gunzipSync(Buffer.from(data[LEDGER_DATA_KEY] ?? '', 'base64')).toString('utf8'));
}

function lockSpec(): V1LeaseSpec | undefined {
  const lease = server.objects('leases', NS).find((l) => (l['metadata'] as { name?: string }).name === `${NAME}-lock`);
  return lease?.['spec'] as V1LeaseSpec | undefined;
}

async function failure(call: Promise<unknown>): Promise<{ code?: string; message: string; retryable?: boolean }> {
  try {
    await call;
  } catch (e) {
    return e as { code?: string; message: string; retryable?: boolean };
  }
  throw new Error('expected a failure');
}

describe('Kubernetes ledger: Secret storage', () => {
  it('loads nothing before the first save, then round-trips through a gzip-compressed Secret', async () => {
    const first = store();
    expect(await first.load()).toBeUndefined();
    const state = ledgerOf(3);
    await first.save(state);
    await first.save({ ...state, owner: 'cfg-renamed' }); // a second save replaces at the new resourceVersion
    expect(await store().load()).toEqual({ ...state, owner: 'cfg-renamed' });
    const secret = secretObject();
    expect(secret).toMatchObject({ type: 'syncwise.io/ledger', metadata: { labels: { 'app.kubernetes.io/managed-by': 'syncwise' } } });
    expect(Object.keys(secret?.['data'] as object)).toEqual([LEDGER_DATA_KEY]);
    expect(storedLedger()).toEqual({ ...state, owner: 'cfg-renamed' });
  });

  it('stores a ledger larger than a Secret when it compresses under the limit', async () => {
    const state = ledgerOf(10_000); // about 2.5 MB of JSON
    expect(JSON.stringify(state).length).toBeGreaterThan(2 * MAX_SECRET_BYTES);
    await store().save(state);
    expect(await store().load()).toEqual(state);
  });

  it('refuses a ledger still over 1 MiB after compression, and writes nothing', async () => {
    const error = await failure(store().save(ledgerOf(30_000)));
    expect(error).toMatchObject({ code: 'LEDGER_TOO_LARGE', retryable: false });
    expect(error.message).toMatch(/^the ledger is 1\.\d\d MiB after compression \(\d+\.\d\d MiB of JSON, 30000 entries\), more than the 1 MiB a Kubernetes Secret holds; ledger Secret ci\/syncwise-ledger was not written/);
    expect(secretObject()).toBeUndefined();
  });

  it('saves atomically: a writer holding a stale resourceVersion fails and changes nothing', async () => {
    await store().save(ledgerOf(1, 'cfg-initial'));
    const a = store();
    const b = store();
    await a.load();
    await b.load();
    const winner = ledgerOf(2, 'cfg-a');
    await a.save(winner);
    const error = await failure(b.save(ledgerOf(2, 'cfg-b')));
    expect(error).toMatchObject({ code: 'LEDGER_CONFLICT', retryable: true });
    expect(error.message).toMatch(/^ledger Secret ci\/syncwise-ledger was changed by another writer after this run read it \(it was at resourceVersion \d+\); nothing was written/);
    expect(storedLedger()).toEqual(winner);
    await b.load(); // the next run reads the winner's ledger and can write again
    await b.save({ ...winner, owner: 'cfg-b' });
    expect(storedLedger()).toEqual({ ...winner, owner: 'cfg-b' });
  });

  it('does not overwrite a ledger created by another writer after this store found none', async () => {
    const a = store();
    const b = store();
    expect(await a.load()).toBeUndefined();
    expect(await b.load()).toBeUndefined();
    await a.save(ledgerOf(1, 'cfg-a'));
    expect(await failure(b.save(ledgerOf(1, 'cfg-b')))).toMatchObject({ code: 'LEDGER_CONFLICT', message: expect.stringContaining('(it did not exist)') });
    expect(storedLedger()).toMatchObject({ owner: 'cfg-a' });
  });

  it('refuses to read or replace a Secret that is not a ledger', async () => {
    const core = server.kubeconfig(NS).makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: NAME }, stringData: { password: 'hunter22' } } });
    const s = store();
    expect(await failure(s.load())).toMatchObject({ code: 'LEDGER_INVALID', message: expect.stringContaining('is not a syncwise ledger (no "ledger.json.gz" key)') });
    expect(await failure(s.save(ledgerOf(1)))).toMatchObject({ code: 'LEDGER_CONFLICT' });
    expect(Object.keys(secretObject()?.['data'] as object)).toEqual(['password']);
  });

  it('reports an unreachable API server as retryable, naming the server', async () => {
    const url = server.url;
    await server.close();
    const error = await failure(store().load());
    expect(error).toMatchObject({ code: 'LEDGER_UNAVAILABLE', retryable: true });
    expect(error.message).toContain(`cannot read the ledger Secret ci/syncwise-ledger: the Kubernetes API at ${url} did not answer`);
    server = await startKubeApiServer({ crds: 'none' }); // for afterEach
  });
});

describe('Kubernetes ledger: the run lock', () => {
  it('refuses a second holder with the holder and since time, and releases on unlock', async () => {
    const unlock = await store({ holder: 'ci-runner-1_4242' }).lock();
    const since = lockSpec()?.acquireTime;
    const error = await failure(store({ holder: 'ci-runner-2_77' }).lock());
    expect(error).toMatchObject({ code: 'LEDGER_LOCKED', retryable: true });
    expect(error.message).toMatch(/^ledger Secret ci\/syncwise-ledger is locked by ci-runner-1_4242 since \d{4}-\d\d-\d\dT[\d:.]+Z \(Lease ci\/syncwise-ledger-lock, valid until .+ unless renewed\); wait for that run to finish or stop it$/);
    expect(error.message).toContain(new Date(String(since)).toISOString());
    await unlock();
    expect(lockSpec()).toMatchObject({ leaseTransitions: 0 });
    expect(lockSpec()?.holderIdentity).toBeUndefined();
    const unlockSecond = await store({ holder: 'ci-runner-2_77' }).lock();
    expect(lockSpec()).toMatchObject({ holderIdentity: 'ci-runner-2_77', leaseTransitions: 1 });
    await unlockSecond();
  });

  it('keeps the lock renewed while held, past its duration', async () => {
    const unlock = await store({ holder: 'long-apply', lockDurationSeconds: 1 }).lock();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await failure(store({ holder: 'impatient' }).lock())).toMatchObject({ code: 'LEDGER_LOCKED', message: expect.stringContaining('locked by long-apply') });
    await unlock();
  });

  it('waits up to lockWaitMs for the holder to finish', async () => {
    const unlock = await store({ holder: 'first' }).lock();
    setTimeout(() => void unlock(), 300);
    const started = Date.now();
    const unlockSecond = await store({ holder: 'second', lockWaitMs: 5000 }).lock();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(lockSpec()?.holderIdentity).toBe('second');
    await unlockSecond();
  });

  it('takes over a lock whose holder stopped renewing it, counting a transition', async () => {
    const coordination = server.kubeconfig(NS).makeApiClient(CoordinationV1Api);
    const crashed = new V1MicroTime(Date.now() - 5000);
    await coordination.createNamespacedLease({
      namespace: NS,
      body: { metadata: { name: `${NAME}-lock` }, spec: { holderIdentity: 'killed-job_9', leaseDurationSeconds: 2, acquireTime: crashed, renewTime: crashed, leaseTransitions: 3 } },
    });
    const unlock = await store({ holder: 'next-job_10' }).lock();
    expect(lockSpec()).toMatchObject({ holderIdentity: 'next-job_10', leaseTransitions: 4 });
    await unlock();
  });
});
