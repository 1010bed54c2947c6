import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, providerBody, startTestSandbox, type One, type Page, type ProviderWire, type SwError, type TestSandbox } from '../../support/sandbox.js';
import { startSandbox } from '../../../src/sandbox/server.js';

let dir: string;
let sb: TestSandbox;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncwise-load-'));
  sb = await startTestSandbox({ data: join(dir, 'sandbox.db') });
});
afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sandbox under load', () => {
  it('gives 100 distinct objects for 100 parallel creates', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => sb.sw<One<ProviderWire>>('POST', '/service-providers', providerBody(`Parallel ${i}`))));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    expect(new Set(answers.map((a) => a.body.data.id)).size).toBe(100);
    expect(new Set(answers.map((a) => a.body.data.ulid)).size).toBe(100);
    const list = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=1000');
    expect(list.body.meta.total).toBe(100);
  });

  it('lists 10,000 providers in pages of 1000 in well under a second, in creation order', async () => {
    const data = join(dir, 'big.db');
    const big = await startTestSandbox({ data });
    // Fill through the API with bounded concurrency: the write path is what a full apply uses.
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 200) {
      await Promise.all(Array.from({ length: 200 }, (_, j) => big.sw('POST', '/service-providers', providerBody(`Bulk ${i + j}`))));
    }
    const createRate = 10_000 / ((performance.now() - started) / 1000);
    expect(createRate).toBeGreaterThan(200);
    const t0 = performance.now();
    const ids: string[] = [];
    let last = '';
    for (let page = 1; page <= 10; page++) {
      const res = await big.sw<Page<ProviderWire>>('GET', `/service-providers?page=${page}&per_page=1000`);
      expect(res.body.meta).toMatchObject({ page, per_page: 1000, total: 10_000, last_page: 10 });
      for (const p of res.body.data) {
        expect(p.ulid > last).toBe(true);
        last = p.ulid;
        ids.push(p.id);
      }
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(new Set(ids).size).toBe(10_000);
    await big.close();
  }, 90_000);

  it('caps per_page at 1000, defaults it to 25, and gives an empty page past the end', async () => {
    const capped = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=5000');
    expect(capped.body.meta.per_page).toBe(1000);
    const dflt = await sb.sw<Page<ProviderWire>>('GET', '/service-providers');
    expect(dflt.body.meta).toMatchObject({ page: 1, per_page: 25, last_page: Math.ceil(dflt.body.meta.total / 25) });
    expect(dflt.body.data).toHaveLength(25);
    const past = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?page=99');
    expect(past.body.data).toEqual([]);
    for (const q of ['page=0', 'per_page=-1', 'page=abc']) {
      const bad = await sb.sw<SwError>('GET', `/service-providers?${q}`);
      expect(bad.status, q).toBe(422);
    }
  });

  it('answers an empty collection with one empty last page', async () => {
    const res = await sb.sw<Page<unknown>>('GET', '/subscriptions');
    expect(res.body).toEqual({ data: [], meta: { page: 1, per_page: 25, total: 0, last_page: 1 } });
  });

  it('refuses a body over 1 MiB with 413 on both APIs and stays available', async () => {
    const huge = JSON.stringify(providerBody('Huge', { metadata: { blob: 'x'.repeat(1_100_000) } }));
    const sw = await sb.sw<SwError>('POST', '/service-providers', huge);
    expect(sw.status).toBe(413);
    expect(sw.body.error.code).toBe('payload_too_large');
    const bz = await sb.bz<{ error: string }>('POST', '/projects/_create', huge);
    expect(bz.status).toBe(413);
    expect(bz.body.error).toBe('payload_too_large');
    expect((await sb.sw('GET', '/service-providers')).status).toBe(200);
  });

  it('counts requests by route template and by status', async () => {
    sb.resetCounts();
    const created = await sb.sw<One<ProviderWire>>('POST', '/service-providers', providerBody('Counted'));
    await sb.sw('GET', `/service-providers/${created.body.data.id}`);
    await sb.sw('GET', '/service-providers/unknown');
    await call(`${sb.url}/service-providers`, { method: 'GET' });
    await sb.bz('GET', '/projects');
    expect(sb.requestCounts()).toEqual({
      'POST /service-providers': 1, 'GET /service-providers/{id}': 2, 'GET /service-providers': 1, 'GET /portal/service/{spId}/projects': 1,
      'status:201': 1, 'status:200': 2, 'status:404': 1, 'status:401': 1,
    });
  });

  it('refuses to start on a port already in use', async () => {
    const port = Number(new URL(sb.url).port);
    await expect(startSandbox({ data: ':memory:', port })).rejects.toThrow(/EADDRINUSE/);
  });
});
