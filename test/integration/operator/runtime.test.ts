import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page, ProviderWire } from '../../support/sandbox.js';
import { condition, providerSpec, startWorld, until, type World } from './harness.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

async function ready(name: string): Promise<void> {
  await until(`${name} Ready`, async () => condition(await world.get('ServiceProvider', name), 'Ready')?.status === 'True');
}

describe('operator runtime', () => {
  it('recovers when watch connections are reset, closed, or resumed from a compacted resourceVersion', async () => {
    const op = await world.operator();
    await world.apply('ServiceProvider', 'before', providerSpec('before'));
    await ready('before');

    expect(world.kube.dropWatches('reset')).toBe(7);
    await until('the informers to restart', () => Object.values(op.cache.restarts()).every((n) => n > 0));
    await until('the watches to reconnect', () => world.kube.openWatches() === 7);
    await world.apply('ServiceProvider', 'after-reset', providerSpec('after-reset'));
    await ready('after-reset');

    world.kube.compact();
    world.kube.dropWatches('end');
    await until('the watches to reconnect', () => world.kube.openWatches() === 7);
    await world.apply('ServiceProvider', 'after-compaction', providerSpec('after-compaction'));
    await ready('after-compaction');
    const names = (await world.sandbox.sw<Page<ProviderWire>>('GET', '/service-providers')).body.data.map((p) => p.provider_name).sort();
    expect(names).toEqual(['after-compaction', 'after-reset', 'before']);
  });

  it('serves /healthz, /readyz and /metrics with the reconcile and platform request metrics', async () => {
    const op = await world.operator({ metricsPort: 0, metricsHost: '127.0.0.1' });
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await ready('bbb-1');
    const url = op.health?.url ?? '';
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/syncwise_reconcile_duration_seconds_count [1-9]/);
    expect(text).toContain('syncwise_actions_total{kind="ServiceProvider",action="create",result="applied"} 1');
    expect(text).toMatch(/syncwise_platform_requests_total\{target="streamwise",method="POST",status="201"\} 1/);
    expect(text).toMatch(/syncwise_last_success_timestamp_seconds [1-9]/);
    expect(text).toContain('syncwise_leader 1');
  });

  it('corrects drift made on the platform at the next periodic resync', async () => {
    await world.operator({ resyncMs: 300 });
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await ready('bbb-1');
    const id = String((await world.get('ServiceProvider', 'bbb-1'))?.status?.externalId);
    expect((await world.sandbox.sw('PATCH', `/service-providers/${id}`, { provider_name: 'renamed by hand' })).status).toBe(200);
    await until('the name to be restored', async () => (await world.sandbox.sw<{ data: ProviderWire }>('GET', `/service-providers/${id}`)).body.data.provider_name === 'bbb-1');
  });

  it('aggregates a repeated Event by its count and writes an unchanged status only once', async () => {
    await world.operator({ resyncMs: 100 });
    await world.apply('ServicePackage', 'gold', { packageName: 'Gold', providers: [{ providerRef: 'ghost', default: true }] });
    const warnings = () => world.kube.objects('events', 'default').filter((e) => (e['involvedObject'] as { name?: string }).name === 'gold' && e['reason'] === 'InvalidSpec');
    await until('three reports of the same problem', () => (warnings()[0]?.['count'] as number | undefined ?? 0) >= 3);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ type: 'Warning', source: { component: 'syncwise-operator' }, involvedObject: { kind: 'ServicePackage', apiVersion: 'syncwise.io/v1alpha1' } });
    const statusWrites = world.kube.requests().filter((r) => r.method === 'PATCH' && r.url.endsWith('/servicepackages/gold/status'));
    expect(statusWrites).toHaveLength(1);
  });
});
