import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page, PackageWire, ProviderWire } from '../../support/sandbox.js';
import { condition, providerSpec, startWorld, until, type Cr, type World } from './harness.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

async function providers(): Promise<readonly ProviderWire[]> {
  return (await world.sandbox.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=100')).body.data;
}

async function settled(kind: string, name: string, accept: (cr: Cr) => boolean): Promise<Cr> {
  let last: unknown;
  return until(`${kind}/${name}`, async () => {
    const got = await world.get(kind, name);
    last = got?.status;
    if (got !== undefined && accept(got)) return got;
    throw new Error(`last status ${JSON.stringify(last)}`);
  });
}

const isReady = (cr: Cr): boolean => condition(cr, 'Ready')?.status === 'True';

describe('operator: deleting custom resources', () => {
  it('keeps a provider still attached to a package with DeleteBlocked, and deletes it once freed', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await world.apply('ServiceProvider', 'bbb-2', providerSpec('bbb-2'));
    await world.apply('ServicePackage', 'gold', { packageName: 'Gold', providers: [{ providerRef: 'bbb-1', default: true }, { providerRef: 'bbb-2' }] });
    await settled('ServicePackage', 'gold', isReady);
    await world.remove('ServiceProvider', 'bbb-1');
    const blocked = await settled('ServiceProvider', 'bbb-1', (c) => condition(c, 'Ready')?.reason === 'DeleteBlocked');
    expect(blocked.metadata?.deletionTimestamp).toBeDefined();
    expect(condition(blocked, 'Ready')?.message).toContain('still referenced by ServicePackage/gold');
    expect((await providers()).map((p) => p.provider_name).sort()).toEqual(['bbb-1', 'bbb-2']);

    await world.patchSpec('ServicePackage', 'gold', { providers: [{ providerRef: 'bbb-2', default: true }] });
    await until('the custom resource to be gone', async () => (await world.get('ServiceProvider', 'bbb-1')) === undefined);
    expect((await providers()).map((p) => p.provider_name)).toEqual(['bbb-2']);
    const reasons = world.kube.objects('events', 'default').filter((e) => (e['involvedObject'] as { name?: string }).name === 'bbb-1').map((e) => e['reason']);
    expect(reasons).toEqual(expect.arrayContaining(['Created', 'DeleteBlocked', 'Deleted']));
  });

  it('retries a delete the platform refuses, with backoff, until the object is free', async () => {
    await world.operator({ backoff: { baseMs: 100, maxMs: 200 } });
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    const cr = await settled('ServiceProvider', 'bbb-1', isReady);
    const id = String(cr.status?.externalId);
    const pkg = await world.sandbox.sw<{ data: PackageWire }>('POST', '/service-packages', { package_name: 'Unmanaged', providers: [{ provider_id: id, default: true }] });
    expect(pkg.status).toBe(201);
    await world.remove('ServiceProvider', 'bbb-1');
    const blocked = await settled('ServiceProvider', 'bbb-1', (c) => condition(c, 'Synced')?.reason === 'DeleteBlocked');
    expect(condition(blocked, 'Synced')?.message).toContain('Unmanaged');
    expect(await providers()).toHaveLength(1);
    const deleted = await world.sandbox.sw('DELETE', `/service-packages/${pkg.body.data.id}`);
    expect(deleted.status).toBe(204);
    await until('the custom resource to be gone', async () => (await world.get('ServiceProvider', 'bbb-1')) === undefined);
    expect(await providers()).toHaveLength(0);
  });

  it('forgets a provider with deletionPolicy Orphan and leaves it on the platform', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'keep', providerSpec('keep', { deletionPolicy: 'Orphan' }));
    await settled('ServiceProvider', 'keep', isReady);
    await world.remove('ServiceProvider', 'keep');
    await until('the custom resource to be gone', async () => (await world.get('ServiceProvider', 'keep')) === undefined);
    expect((await providers()).map((p) => p.provider_name)).toEqual(['keep']);
    const reasons = world.kube.objects('events', 'default').filter((e) => (e['involvedObject'] as { name?: string }).name === 'keep').map((e) => e['reason']);
    expect(reasons).toContain('Orphaned');
  });

  it('keeps a Target being deleted while objects on it remain, then lets it go', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'bbb-1', providerSpec('bbb-1'));
    await settled('ServiceProvider', 'bbb-1', isReady);
    await world.remove('Target', 'streamwise');
    await settled('Target', 'streamwise', (c) => condition(c, 'Ready')?.reason === 'DeleteBlocked');
    await world.remove('ServiceProvider', 'bbb-1');
    await until('both custom resources to be gone', async () => (await world.get('ServiceProvider', 'bbb-1')) === undefined && (await world.get('Target', 'streamwise')) === undefined);
    expect(await providers()).toHaveLength(0);
  });
});
