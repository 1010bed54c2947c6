import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  providerBody, startTestSandbox, type One, type PackageWire, type ProviderWire, type SubscriptionWire, type SwError, type TestSandbox,
} from '../../support/sandbox.js';

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

let counter = 0;
async function provider(overrides: Record<string, unknown> = {}): Promise<ProviderWire> {
  const res = await sb.sw<One<ProviderWire>>('POST', '/service-providers', providerBody(`P${++counter}`, overrides));
  expect(res.status).toBe(201);
  return res.body.data;
}
const link = (p: ProviderWire, isDefault = false) => ({ provider_id: p.id, default: isDefault });
async function pkg(name: string, providers: unknown[]): Promise<PackageWire> {
  const res = await sb.sw<One<PackageWire>>('POST', '/service-packages', { package_name: name, providers });
  expect(res.status).toBe(201);
  return res.body.data;
}
async function sub(name: string, packageId: string, providers: unknown[]): Promise<SubscriptionWire> {
  const res = await sb.sw<One<SubscriptionWire>>('POST', '/subscriptions', { subscription_name: name, package_id: packageId, providers });
  expect(res.status).toBe(201);
  return res.body.data;
}

describe('streamwise rules: packages and subscriptions', () => {
  it('creates, reads, patches and deletes a package', async () => {
    const [a, b] = [await provider(), await provider()];
    const p = await pkg('Gold', [link(a, true), link(b)]);
    expect(p).toMatchObject({ package_name: 'Gold', providers: [link(a, true), link(b)], metadata: {} });
    const patched = await sb.sw<One<PackageWire>>('PATCH', `/service-packages/${p.id}`, { providers: [link(b, true)], metadata: { tier: 'gold' } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ package_name: 'Gold', providers: [link(b, true)], metadata: { tier: 'gold' } });
    expect((await sb.sw<One<PackageWire>>('GET', `/service-packages/${p.id}`)).body.data).toEqual(patched.body.data);
    expect((await sb.sw('DELETE', `/service-packages/${p.id}`)).status).toBe(204);
    expect((await sb.sw('GET', `/service-packages/${p.id}`)).status).toBe(404);
  });

  it('refuses a package with no provider, with no default or two defaults, or listing a provider twice', async () => {
    const [a, b] = [await provider(), await provider()];
    for (const providers of [[], [link(a), link(b)], [link(a, true), link(b, true)], [link(a, true), link(a)], 'x', [{ provider_id: a.id }]]) {
      const res = await sb.sw<SwError>('POST', '/service-packages', { package_name: 'Bad', providers });
      expect(res.status, JSON.stringify(providers)).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.details.fields ?? {}).some((f) => f.startsWith('providers'))).toBe(true);
    }
  });

  it('refuses an unknown provider id and a disabled provider made default', async () => {
    const off = await provider({ active: false });
    const unknown = await sb.sw<SwError>('POST', '/service-packages', { package_name: 'X', providers: [{ provider_id: 'missing1', default: true }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.fields?.providers).toContain('missing1');
    const disabled = await sb.sw<SwError>('POST', '/service-packages', { package_name: 'X', providers: [link(off, true)] });
    expect(disabled.status).toBe(422);
    expect(disabled.body.error.details.fields?.providers).toContain('disabled');
    const on = await provider();
    const attachedOnly = await pkg('Disabled attached', [link(on, true), link(off)]);
    expect(attachedOnly.providers).toHaveLength(2);
  });

  it('refuses to disable a default provider with 409 provider_is_default naming the package and subscription', async () => {
    const a = await provider();
    const b = await provider();
    const p = await pkg('Defaulted', [link(a, true), link(b)]);
    const s = await sub('Customer 1', p.id, [link(a, true)]);
    const res = await sb.sw<SwError>('PATCH', `/service-providers/${a.id}`, { active: false });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('provider_is_default');
    expect(res.body.error.details).toEqual({ packages: [{ id: p.id, name: 'Defaulted' }], subscriptions: [{ id: s.id, name: 'Customer 1' }] });
    const nonDefault = await sb.sw<One<ProviderWire>>('PATCH', `/service-providers/${b.id}`, { active: false });
    expect(nonDefault.status).toBe(200);
    expect(nonDefault.body.data.active).toBe(false);
  });

  it('refuses to delete an attached provider with 409 provider_in_use, and allows it once detached', async () => {
    const a = await provider();
    const b = await provider();
    const p = await pkg('Uses', [link(a, true), link(b)]);
    const res = await sb.sw<SwError>('DELETE', `/service-providers/${b.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('provider_in_use');
    expect(res.body.error.details).toEqual({ packages: [{ id: p.id, name: 'Uses' }], subscriptions: [] });
    expect((await sb.sw('PATCH', `/service-packages/${p.id}`, { providers: [link(a, true)] })).status).toBe(200);
    expect((await sb.sw('DELETE', `/service-providers/${b.id}`)).status).toBe(204);
  });

  it('refuses to delete a package that has subscriptions with 409 package_in_use', async () => {
    const a = await provider();
    const p = await pkg('Busy', [link(a, true)]);
    const s = await sub('Sub of busy', p.id, [link(a, true)]);
    const res = await sb.sw<SwError>('DELETE', `/service-packages/${p.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('package_in_use');
    expect(res.body.error.details.subscriptions).toEqual([{ id: s.id, name: 'Sub of busy' }]);
    expect((await sb.sw('DELETE', `/subscriptions/${s.id}`)).status).toBe(204);
    expect((await sb.sw('DELETE', `/service-packages/${p.id}`)).status).toBe(204);
  });

  it('refuses a subscription attaching a provider outside its package with 422 provider_not_in_package', async () => {
    const [a, outside] = [await provider(), await provider()];
    const p = await pkg('Narrow', [link(a, true)]);
    const res = await sb.sw<SwError>('POST', '/subscriptions', { subscription_name: 'S', package_id: p.id, providers: [link(a, true), link(outside)] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('provider_not_in_package');
    expect(res.body.error.details.provider_ids).toEqual([outside.id]);
  });

  it('refuses removing a provider from a package while a subscription uses it with 409 provider_not_in_package', async () => {
    const [a, b] = [await provider(), await provider()];
    const p = await pkg('Shared', [link(a, true), link(b)]);
    const s = await sub('Uses b', p.id, [link(b, true)]);
    const res = await sb.sw<SwError>('PATCH', `/service-packages/${p.id}`, { providers: [link(a, true)] });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('provider_not_in_package');
    expect(res.body.error.details).toEqual({ subscriptions: [{ id: s.id, name: 'Uses b' }], provider_ids: [b.id] });
  });

  it('refuses an unknown package, a missing package_id and a change of package_id', async () => {
    const a = await provider();
    const missing = await sb.sw<SwError>('POST', '/subscriptions', { subscription_name: 'S', package_id: 'nopkg', providers: [link(a, true)] });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.fields?.package_id).toContain('unknown');
    const absent = await sb.sw<SwError>('POST', '/subscriptions', { subscription_name: 'S', providers: [link(a, true)] });
    expect(absent.body.error.details.fields).toHaveProperty('package_id');
    const [p1, p2] = [await pkg('One', [link(a, true)]), await pkg('Two', [link(a, true)])];
    const s = await sub('Fixed', p1.id, [link(a, true)]);
    const moved = await sb.sw<SwError>('PATCH', `/subscriptions/${s.id}`, { package_id: p2.id });
    expect(moved.status).toBe(422);
    expect(moved.body.error.details.fields?.package_id).toContain('cannot change');
  });

  it('patches a subscription: providers replaced whole, metadata replaced, name kept', async () => {
    const [a, b] = [await provider(), await provider()];
    const p = await pkg('Wide', [link(a, true), link(b)]);
    const s = await sub('Mutable', p.id, [link(a, true), link(b)]);
    const res = await sb.sw<One<SubscriptionWire>>('PATCH', `/subscriptions/${s.id}`, { providers: [link(b, true)], metadata: { plan: 'x' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ subscription_name: 'Mutable', package_id: p.id, providers: [link(b, true)], metadata: { plan: 'x' } });
    expect((await sb.sw('DELETE', `/service-providers/${a.id}`)).status).toBe(409);
  });

  it('refuses metadata nested deeper than one level and non-object metadata', async () => {
    const a = await provider();
    const ok = await sb.sw('POST', '/service-packages', { package_name: 'M', providers: [link(a, true)], metadata: { n: null, o: { k: 'v' }, l: [1, 'x', true] } });
    expect(ok.status).toBe(201);
    for (const metadata of [{ o: { k: { deep: 1 } } }, { l: [[1]] }, [1], 'text']) {
      const res = await sb.sw<SwError>('POST', '/service-packages', { package_name: 'M', providers: [link(a, true)], metadata });
      expect(res.status, JSON.stringify(metadata)).toBe(422);
    }
  });
});
