import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveBluzone, LiveStreamwise } from '../../../src/core/live.js';
import { META_NAME, sensitive } from '../../../src/core/model.js';
import { createDriver, type RequestEvent } from '../../../src/platform/driver.js';
import { startTestSandbox, type Page, type ProviderWire, type TestSandbox } from '../../support/sandbox.js';
import { fakeClock } from '../../unit/platform/fake-clock.js';
import { bluzoneTarget, caught, consumer, expectNoSecret, providerBody, SECRETS, storage, streamwiseTarget } from './helpers.js';

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterEach(() => { sb.setFaults({}); sb.resetCounts(); });
afterAll(async () => { await sb.close(); });

/** Clears the sandbox's faults once `n` attempts of `route` have been answered. */
function healAfter(n: number, route: string): (e: RequestEvent) => void {
  let seen = 0;
  return (e) => {
    if (`${e.method} ${e.route}` === route && ++seen === n) sb.setFaults({});
  };
}

async function providersNamed(name: string): Promise<ProviderWire[]> {
  const page = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=1000');
  return page.body.data.filter((p) => p.metadata[META_NAME] === name);
}

describe('retries', () => {
  it('retries a 5xx with exponential backoff and full jitter on the injected clock', async () => {
    const clock = fakeClock();
    const driver = createDriver(streamwiseTarget(sb), { clock, onRequest: healAfter(2, 'GET /service-packages') });
    sb.setFaults({ error: 1 });
    const live = (await driver.observe()) as LiveStreamwise;
    await driver.close();
    expect(live.api).toBe('streamwise');
    expect(driver.stats().byRoute['GET /service-packages']).toBe(3);
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(2);
    for (const ms of clock.sleeps) expect(ms).toBeLessThan(400);
    expect(Object.keys(driver.stats().byStatus).some((s) => /^50[023]$/.test(s))).toBe(true);
  });

  it('waits what Retry-After asks for after a 429, even for a create', async () => {
    const clock = fakeClock();
    const driver = createDriver(streamwiseTarget(sb), { clock, onRequest: healAfter(2, 'POST /service-providers') });
    sb.setFaults({ rateLimit: 1, retryAfterSeconds: 7 });
    const { id } = await driver.execute({ type: 'provider.create', body: providerBody('after-429') });
    await driver.close();
    expect(clock.sleeps).toEqual([7000, 7000]);
    expect(driver.stats().byStatus).toMatchObject({ 429: 2, 201: 1 });
    expect((await providersNamed('after-429')).map((p) => p.id)).toEqual([id]);
  });

  it('gives up with the last error after the bounded attempts, saying how many', async () => {
    const clock = fakeClock();
    const driver = createDriver(streamwiseTarget(sb), { clock, maxAttempts: 3 });
    sb.setFaults({ error: 1 });
    const e = await caught(() => driver.execute({ type: 'package.patch', id: { id: 'anything' }, body: { packageName: 'X' } }));
    await driver.close();
    expect(e).toMatchObject({ name: 'PlatformError', code: 'UNAVAILABLE', retryable: true, attempts: 3 });
    expect(e.message).toMatch(/^streamwise "sw-test" failed PATCH \/service-packages\/anything: 50[023] (internal|unavailable): .* \(after 3 attempts\)$/);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('stops retrying when the next wait would pass the overall deadline', async () => {
    const clock = fakeClock();
    const driver = createDriver(streamwiseTarget(sb), { clock, maxAttempts: 10 });
    sb.setFaults({ rateLimit: 1, retryAfterSeconds: 100 });
    const e = await caught(() => driver.execute({ type: 'provider.delete', id: 'x1' }));
    await driver.close();
    expect(e).toMatchObject({ code: 'UNAVAILABLE', status: 429, attempts: 2 });
    expect(clock.sleeps).toEqual([100_000]);
  });

  it('retries a dropped connection for an idempotent request', async () => {
    const clock = fakeClock();
    const driver = createDriver(streamwiseTarget(sb), { clock, onRequest: healAfter(1, 'GET /subscriptions') });
    sb.setFaults({ reset: 1 });
    await driver.observe();
    await driver.close();
    expect(driver.stats().byStatus.unavailable).toBeGreaterThanOrEqual(1);
    expect(driver.stats().byRoute['GET /subscriptions']).toBe(2);
  });
});

describe('timeouts', () => {
  it('enforces the per-request timeout against a slow platform, so a hung platform never hangs the driver', async () => {
    const driver = createDriver(streamwiseTarget(sb, { timeoutSeconds: 0.2 }), { clock: fakeClock(), maxAttempts: 2 });
    sb.setFaults({ latencyMs: 3000 });
    const started = performance.now();
    const e = await caught(() => driver.execute({ type: 'package.delete', id: 'slow1' }));
    const elapsed = performance.now() - started;
    await driver.close();
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true, attempts: 2 });
    expect(e.message).toBe('streamwise "sw-test" did not answer DELETE /service-packages/slow1 within 0.2s (after 2 attempts)');
    expect(elapsed).toBeLessThan(2000);
    expect(driver.stats().byStatus).toEqual({ timeout: 2 });
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const clock = fakeClock();
    const driver = createDriver(streamwiseTarget(sb), { clock });
    sb.setFaults({ latencyMs: 3000 });
    const started = performance.now();
    const e = await caught(() => driver.observe(AbortSignal.timeout(150)));
    await driver.close();
    expect(e).toMatchObject({ name: 'PlatformError', code: 'ABORTED', retryable: false });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(clock.sleeps).toEqual([]);
  });

  it('does not send a timed-out create again when the lookup cannot prove it absent', async () => {
    const driver = createDriver(streamwiseTarget(sb, { timeoutSeconds: 0.3 }), { clock: fakeClock(), maxAttempts: 1 });
    sb.setFaults({ latencyMs: 700 });
    const e = await caught(() => driver.execute({ type: 'provider.create', body: providerBody('slow-create') }));
    await driver.close();
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true });
    sb.setFaults({});
    await new Promise((r) => setTimeout(r, 800)); // let the platform finish with the abandoned request
    expect((await providersNamed('slow-create')).length).toBeLessThanOrEqual(1);
    expect(sb.requestCounts()['POST /service-providers']).toBe(1);
  });
});

describe('lost create answers', () => {
  it('finds a streamwise create whose answer was dropped after the write, without sending it again', async () => {
    const driver = createDriver(streamwiseTarget(sb), { clock: fakeClock() });
    sb.setFaults({ failAfterWrite: 1 });
    const result = await driver.execute({ type: 'provider.create', body: providerBody('lost-sw') });
    await driver.close();
    const found = await providersNamed('lost-sw');
    expect(found).toHaveLength(1);
    expect(result).toEqual({ id: found[0]?.id, recovered: true });
    expect(sb.requestCounts()).toMatchObject({ 'POST /service-providers': 1, 'status:reset': 1 });
  });

  it('sends a streamwise create again once the lookup proved it absent after a 5xx', async () => {
    const driver = createDriver(streamwiseTarget(sb), { clock: fakeClock(), onRequest: healAfter(1, 'POST /service-providers') });
    sb.setFaults({ error: 1 });
    const result = await driver.execute({ type: 'provider.create', body: providerBody('resent-sw') });
    await driver.close();
    const found = await providersNamed('resent-sw');
    expect(found.map((p) => p.id)).toEqual([result.id]);
    expect(result.recovered).toBeUndefined();
    expect(sb.requestCounts()['POST /service-providers']).toBe(2);
  });

  it('finds a bluzone project whose create answer was dropped, by projectName', async () => {
    const driver = createDriver(bluzoneTarget(sb), { clock: fakeClock() });
    sb.setFaults({ failAfterWrite: 1 });
    const body = {
      projectName: 'lost-bz', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: sensitive(SECRETS.password),
      joinAccountsEnabled: true, debugEnabled: false, remoteStorage: storage(), remoteConsumer: consumer(),
    };
    const result = await driver.execute({ type: 'project.create', body });
    sb.setFaults({});
    const live = (await driver.observe()) as LiveBluzone;
    await driver.close();
    const named = live.projects.filter((p) => p.projectName === 'lost-bz');
    expect(named).toHaveLength(1);
    expect(result).toEqual({ id: named[0]?.projectId, recovered: true });
    expect(sb.requestCounts()['POST /portal/service/{spId}/projects/_create']).toBe(1);
    expectNoSecret(result, sb);
  });

  it('counts a DELETE that answers 404 after a retry as done', async () => {
    const driver = createDriver(streamwiseTarget(sb), { clock: fakeClock() });
    const { id = '' } = await driver.execute({ type: 'provider.create', body: providerBody('delete-twice') });
    sb.setFaults({ failAfterWrite: 1 });
    await expect(driver.execute({ type: 'provider.delete', id })).resolves.toEqual({ id });
    await driver.close();
    expect(driver.stats().byStatus).toMatchObject({ 404: 1 });
    expect(await providersNamed('delete-twice')).toHaveLength(0);
  });
});
