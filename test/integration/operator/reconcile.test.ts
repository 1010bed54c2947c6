import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderWire, Page } from '../../support/sandbox.js';
import { condition, providerSpec, startWorld, until, type World } from './harness.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => world.close());

async function providers(): Promise<readonly ProviderWire[]> {
  return (await world.sandbox.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=100')).body.data;
}

describe('operator: custom resource to platform object', () => {
  it('creates the platform object, adds the finalizer and reports Ready with the external id', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'bbb-eu-1', providerSpec('bbb-eu-1'));
    const cr = await until('Ready', async () => {
      const got = await world.get('ServiceProvider', 'bbb-eu-1');
      return condition(got, 'Ready')?.status === 'True' ? got : undefined;
    });
    const live = await providers();
    expect(live.map((p) => p.provider_name)).toEqual(['bbb-eu-1']);
    expect(cr.status?.externalId).toBe(live[0]?.id);
    expect(cr.metadata?.finalizers).toContain('syncwise.io/finalizer');
    expect(condition(cr, 'Synced')).toMatchObject({ status: 'True', reason: 'Applied' });
    expect(cr.status?.observedGeneration).toBe(1);
    expect(typeof cr.status?.lastAppliedHash).toBe('string');
  });
});

async function readyWith(kind: string, name: string, accept: (cr: NonNullable<Awaited<ReturnType<World['get']>>>) => boolean): Promise<NonNullable<Awaited<ReturnType<World['get']>>>> {
  let last: unknown;
  return until(`${kind}/${name} to settle`, async () => {
    const got = await world.get(kind, name);
    last = got?.status;
    if (got !== undefined && accept(got)) return got;
    throw new Error(`last status ${JSON.stringify(last)}`);
  });
}

describe('operator: changes', () => {
  it('applies a changed spec and reports the new generation', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'bbb-eu-1', providerSpec('bbb-eu-1'));
    await readyWith('ServiceProvider', 'bbb-eu-1', (cr) => condition(cr, 'Ready')?.status === 'True');
    await world.patchSpec('ServiceProvider', 'bbb-eu-1', { providerName: 'BBB Europe 1', userMetadata: { tier: 'gold' } });
    const cr = await readyWith('ServiceProvider', 'bbb-eu-1', (c) => c.status?.observedGeneration === 2 && condition(c, 'Ready')?.status === 'True');
    const live = await providers();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ provider_name: 'BBB Europe 1', metadata: expect.objectContaining({ tier: 'gold' }) });
    expect(condition(cr, 'Synced')?.message).toContain('providerName');
    const events = world.kube.objects('events', 'default').filter((e) => (e['involvedObject'] as { name?: string }).name === 'bbb-eu-1');
    expect(events.map((e) => e['reason']).sort()).toEqual(['Created', 'Updated']);
  });

  it('re-applies the provider secret when its Secret is rotated', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'bbb-eu-1', providerSpec('bbb-eu-1'));
    const first = await readyWith('ServiceProvider', 'bbb-eu-1', (cr) => condition(cr, 'Ready')?.status === 'True');
    world.sandbox.resetCounts();
    await world.secret('bbb', { secret: 'rotated-shared-secret-0002' });
    const second = await readyWith('ServiceProvider', 'bbb-eu-1', (cr) => cr.status?.lastAppliedHash !== first.status?.lastAppliedHash);
    expect(condition(second, 'Ready')).toMatchObject({ status: 'True', reason: 'Applied' });
    const patches = Object.entries(world.sandbox.requestCounts()).filter(([k]) => k.startsWith('PATCH') && k.includes('service-providers'));
    expect(patches.length).toBeGreaterThan(0);
    const logs = await world.logs();
    expect(logs).toContain('reconcile complete');
    expect(logs).not.toContain('rotated-shared-secret-0002');
    expect(JSON.stringify(world.kube.objects('events'))).not.toContain('rotated-shared-secret-0002');
  });

  it('reports a dangling reference as InvalidSpec and blocks what depends on it', async () => {
    await world.operator();
    await world.apply('ServicePackage', 'gold', { packageName: 'Gold', providers: [{ providerRef: 'ghost', default: true }] });
    await world.apply('Subscription', 'acme', { subscriptionName: 'ACME', packageRef: 'gold', providers: [{ providerRef: 'ghost', default: true }] });
    const pkg = await readyWith('ServicePackage', 'gold', (c) => condition(c, 'Ready')?.reason === 'InvalidSpec');
    expect(condition(pkg, 'Ready')?.message).toBe('spec.providers[0].providerRef: no ServiceProvider named "ghost" is declared');
    expect(condition(pkg, 'Synced')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    const sub = await readyWith('Subscription', 'acme', (c) => condition(c, 'Ready')?.status === 'False');
    expect(condition(sub, 'Ready')?.reason).toMatch(/InvalidSpec|Blocked/);
    expect((await world.sandbox.sw<Page<ProviderWire>>('GET', '/service-packages')).body.data).toHaveLength(0);
    const warnings = world.kube.objects('events', 'default').filter((e) => e['type'] === 'Warning' && e['reason'] === 'InvalidSpec');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('holds an object whose Secret is missing and applies it once the Secret exists', async () => {
    await world.operator();
    await world.apply('ServiceProvider', 'late', providerSpec('late', { properties: { url: 'https://late.example.com/bigbluebutton/', secret: { valueFrom: { secretKeyRef: { name: 'late', key: 'secret' } } } } }));
    const held = await readyWith('ServiceProvider', 'late', (c) => condition(c, 'Ready')?.reason === 'SecretMissing');
    expect(condition(held, 'Ready')?.message).toContain('Secret default/late does not exist');
    await world.secret('late', { secret: 'late-secret-value-0003' });
    await readyWith('ServiceProvider', 'late', (c) => condition(c, 'Ready')?.status === 'True');
    expect((await providers()).map((p) => p.provider_name)).toEqual(['late']);
  });
});
