import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/sandbox/server.js';
import { providerBody, startTestSandbox, type Page, type ProviderWire, type SwError, type TestSandbox } from '../../support/sandbox.js';

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

/** Status of each of `n` sequential list calls; 'reset' when the connection was dropped. */
async function statuses(n: number): Promise<(number | 'reset')[]> {
  const out: (number | 'reset')[] = [];
  for (let i = 0; i < n; i++) out.push(await sb.sw('GET', '/service-providers').then((r) => r.status, () => 'reset' as const));
  return out;
}

describe('sandbox fault injection', () => {
  it('answers a seeded share of requests with 500, 502 or 503 in the streamwise error shape', async () => {
    sb.setFaults({ error: 0.5, seed: 1 });
    const seen = await statuses(60);
    const failed = seen.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(15);
    expect(failed.length).toBeLessThan(45);
    expect(new Set(failed)).toEqual(new Set([500, 502, 503]));
    sb.setFaults({ error: 1, seed: 1 });
    const res = await sb.sw<SwError>('GET', '/service-providers');
    expect(['internal', 'unavailable']).toContain(res.body.error.code);
    sb.setFaults({});
  });

  it('gives the same fault sequence for the same seed', async () => {
    sb.setFaults({ error: 0.3, rateLimit: 0.2, retryAfterSeconds: 0, seed: 42 });
    const first = await statuses(40);
    sb.setFaults({ error: 0.3, rateLimit: 0.2, retryAfterSeconds: 0, seed: 42 });
    const second = await statuses(40);
    sb.setFaults({ error: 0.3, rateLimit: 0.2, retryAfterSeconds: 0, seed: 43 });
    const other = await statuses(40);
    sb.setFaults({});
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).toContain(429);
  });

  it('answers 429 rate_limited with a Retry-After header on both APIs', async () => {
    sb.setFaults({ rateLimit: 1, retryAfterSeconds: 2 });
    const sw = await sb.sw<SwError>('GET', '/service-providers');
    expect(sw.status).toBe(429);
    expect(sw.headers.get('retry-after')).toBe('2');
    expect(sw.body.error.code).toBe('rate_limited');
    const bz = await sb.bz<{ error: string }>('GET', '/projects');
    expect(bz.status).toBe(429);
    expect(bz.headers.get('retry-after')).toBe('2');
    expect(bz.body.error).toBe('rate_limited');
    sb.setFaults({});
  });

  it('adds a fixed latency or one drawn from a range', async () => {
    sb.setFaults({ latencyMs: 60 });
    let t = performance.now();
    expect((await sb.sw('GET', '/service-providers')).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
    sb.setFaults({ latencyMs: [20, 40], seed: 3 });
    t = performance.now();
    await statuses(5);
    const each = (performance.now() - t) / 5;
    expect(each).toBeGreaterThanOrEqual(19);
    sb.setFaults({});
  });

  it('drops connections without an answer', async () => {
    sb.setFaults({ reset: 1 });
    await expect(sb.sw('GET', '/service-providers')).rejects.toThrow(/fetch failed/);
    sb.setFaults({});
    expect(sb.requestCounts()['status:reset']).toBeGreaterThanOrEqual(1);
    expect((await sb.sw('GET', '/service-providers')).status).toBe(200);
  });

  it('loses the answer of a write after the write committed', async () => {
    sb.setFaults({ failAfterWrite: 1 });
    await expect(sb.sw('POST', '/service-providers', providerBody('Lost answer'))).rejects.toThrow(/fetch failed/);
    expect((await sb.sw('GET', '/service-providers')).status).toBe(200); // reads are answered
    sb.setFaults({});
    const list = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=1000');
    expect(list.body.data.map((p) => p.provider_name)).toContain('Lost answer');
  });

  it('does not inject faults into the OpenAPI document', async () => {
    sb.setFaults({ error: 1 });
    expect((await fetch(`${sb.url}/openapi.json`)).status).toBe(200);
    sb.setFaults({});
  });
});

describe('parseFaults', () => {
  it('reads the CLI form of every fault', () => {
    expect(parseFaults('error=0.1,429=0.05,latency=20ms,reset=0.01')).toEqual({ error: 0.1, rateLimit: 0.05, latencyMs: 20, reset: 0.01 });
    expect(parseFaults('latency=10-50ms, lost=0.2, retry-after=0, seed=7')).toEqual({ latencyMs: [10, 50], failAfterWrite: 0.2, retryAfterSeconds: 0, seed: 7 });
    expect(parseFaults('latency=1s')).toEqual({ latencyMs: 1000 });
  });

  it('refuses unknown faults and values out of range', () => {
    expect(() => parseFaults('boom=1')).toThrow(/unknown fault "boom"/);
    expect(() => parseFaults('error=1.5')).toThrow(/between 0 and 1/);
    expect(() => parseFaults('latency=fast')).toThrow(/latency/);
    expect(() => parseFaults('latency=50-10ms')).toThrow(/ends before it starts/);
  });
});
