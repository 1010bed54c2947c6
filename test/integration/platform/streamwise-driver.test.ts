import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamwise } from '../../../src/core/live.js';
import { META_NAME } from '../../../src/core/model.js';
import { createDriver, type RequestEvent } from '../../../src/platform/driver.js';
import { startTestSandbox, type One, type ProviderWire, type TestSandbox } from '../../support/sandbox.js';
import { expectNoSecret, providerBody, seedProviders, streamwiseTarget } from './helpers.js';

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

describe('streamwise driver: observe', () => {
  it('reads every page of a collection larger than one page, first page then the rest', async () => {
    await seedProviders(sb, 2150, 'Seed');
    sb.resetCounts();
    const events: RequestEvent[] = [];
    const driver = createDriver(streamwiseTarget(sb), { parallelism: 4, onRequest: (e) => events.push(e) });
    const live = (await driver.observe()) as LiveStreamwise;
    await driver.close();
    expect(events).toHaveLength(5);
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['attempt', 'durationMs', 'method', 'route', 'status']);
    expect(events.map((e) => `${e.method} ${e.route} ${e.status}`).sort()).toEqual([
      'GET /service-packages 200', 'GET /service-providers 200', 'GET /service-providers 200', 'GET /service-providers 200', 'GET /subscriptions 200',
    ]);
    expect(live.providers).toHaveLength(2150);
    expect(new Set(live.providers.map((p) => p.id)).size).toBe(2150);
    expect(live.providers[0]).toMatchObject({ providerName: 'Seed 0', providerType: 'scalelite', active: true, properties: { url: 'https://seed.example.com/' }, metadata: {} });
    expect(live.providers[0]?.properties).not.toHaveProperty('secret');
    expect(driver.stats().byRoute).toEqual({ 'GET /service-providers': 3, 'GET /service-packages': 1, 'GET /subscriptions': 1 });
    expect(sb.requestCounts()).toMatchObject({ 'GET /service-providers': 3, 'GET /service-packages': 1, 'GET /subscriptions': 1 });
  });
});

describe('streamwise driver: operations', () => {
  it('creates, patches and deletes a provider, a package and a subscription', async () => {
    const driver = createDriver(streamwiseTarget(sb));
    const p1 = await driver.execute({ type: 'provider.create', body: providerBody('ops-p1') });
    const p2 = await driver.execute({ type: 'provider.create', body: providerBody('ops-p2') });
    expect(p1.id).toMatch(/^\w+$/);
    const created = await sb.sw<One<ProviderWire>>('GET', `/service-providers/${p1.id}`);
    expect(created.body.data).toMatchObject({ provider_name: 'Provider ops-p1', metadata: { [META_NAME]: 'ops-p1', external_billing_id: 7 } });

    await driver.execute({ type: 'provider.patch', id: { id: p1.id ?? '' }, body: { providerName: 'Renamed', metadata: { [META_NAME]: 'ops-p1' } } });
    const patched = await sb.sw<One<ProviderWire>>('GET', `/service-providers/${p1.id}`);
    expect(patched.body.data).toMatchObject({ provider_name: 'Renamed', metadata: { [META_NAME]: 'ops-p1' }, properties: { url: 'https://ops-p1.example.com/bigbluebutton/' } });

    const attach = [{ provider: { id: p1.id ?? '' }, isDefault: true }, { provider: { id: p2.id ?? '' }, isDefault: false }];
    const pkg = await driver.execute({ type: 'package.create', body: { packageName: 'Gold', providers: attach, metadata: { [META_NAME]: 'gold' } } });
    const sub = await driver.execute({ type: 'subscription.create', body: { subscriptionName: 'Acme', packageId: { id: pkg.id ?? '' }, providers: attach, metadata: { [META_NAME]: 'acme' } } });
    await driver.execute({ type: 'subscription.patch', id: { id: sub.id ?? '' }, body: { providers: [{ provider: { id: p2.id ?? '' }, isDefault: true }] } });
    await driver.execute({ type: 'package.patch', id: { id: pkg.id ?? '' }, body: { packageName: 'Platinum' } });

    const live = (await driver.observe()) as LiveStreamwise;
    expect(live.packages.find((p) => p.id === pkg.id)).toEqual({
      id: pkg.id, packageName: 'Platinum', metadata: { [META_NAME]: 'gold' },
      providers: [{ providerId: p1.id, isDefault: true }, { providerId: p2.id, isDefault: false }],
    });
    expect(live.subscriptions.find((s) => s.id === sub.id)).toEqual({
      id: sub.id, subscriptionName: 'Acme', packageId: pkg.id, metadata: { [META_NAME]: 'acme' }, providers: [{ providerId: p2.id, isDefault: true }],
    });

    await driver.execute({ type: 'subscription.delete', id: sub.id ?? '' });
    await driver.execute({ type: 'package.delete', id: pkg.id ?? '' });
    await driver.execute({ type: 'provider.delete', id: p1.id ?? '' });
    expect((await sb.sw('GET', `/subscriptions/${sub.id}`)).status).toBe(404);
    expect((await sb.sw('GET', `/service-packages/${pkg.id}`)).status).toBe(404);
    expect((await sb.sw('GET', `/service-providers/${p1.id}`)).status).toBe(404);
    expect(driver.stats().byRoute).toMatchObject({ 'POST /service-providers': 2, 'PATCH /service-providers/{id}': 1, 'DELETE /service-providers/{id}': 1 });
    await driver.close();
  });

  it('sends the provider secret on the wire but never returns or exposes it', async () => {
    const driver = createDriver(streamwiseTarget(sb));
    const { id } = await driver.execute({ type: 'provider.create', body: providerBody('secret-check') });
    const live = (await driver.observe()) as LiveStreamwise;
    await driver.close();
    const provider = live.providers.find((p) => p.id === id);
    expect(provider?.metadata[META_NAME]).toBe('secret-check');
    expectNoSecret(provider, sb);
  });

  it('refuses an operation whose reference was not resolved, before sending anything', async () => {
    const driver = createDriver(streamwiseTarget(sb));
    const body = { packageName: 'X', providers: [{ provider: { createdBy: 'ServiceProvider/p#create' }, isDefault: true }], metadata: {} };
    await expect(driver.execute({ type: 'package.create', body })).rejects.toMatchObject({
      name: 'PlatformError', code: 'REJECTED', retryable: false, message: expect.stringContaining('ServiceProvider/p#create'),
    });
    expect(driver.stats().byRoute).toEqual({});
    await driver.close();
  });
});
