import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensitive } from '../../../src/core/model.js';
import type { Driver } from '../../../src/engine/ports.js';
import { createDriver } from '../../../src/platform/driver.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { bluzoneTarget, caught, consumer, expectNoSecret, providerBody, SECRETS, storage, streamwiseTarget } from './helpers.js';

let sb: TestSandbox;
let sw: Driver;
let bz: Driver;
beforeAll(async () => {
  sb = await startTestSandbox();
  sw = createDriver(streamwiseTarget(sb), { maxAttempts: 1 });
  bz = createDriver(bluzoneTarget(sb), { maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([sw.close(), bz.close()]);
  await sb.close();
});

async function providerInPackage(tag: string): Promise<{ provider: string; pkg: string }> {
  const { id: provider = '' } = await sw.execute({ type: 'provider.create', body: providerBody(`${tag}-p`) });
  const { id: pkg = '' } = await sw.execute({ type: 'package.create', body: { packageName: `Gold ${tag}`, providers: [{ provider: { id: provider }, isDefault: true }], metadata: {} } });
  return { provider, pkg };
}

describe('platform refusals', () => {
  it('names the package in the way when a provider in use is deleted (409 provider_in_use, not retryable)', async () => {
    const { provider, pkg } = await providerInPackage('inuse');
    const e = await caught(() => sw.execute({ type: 'provider.delete', id: provider }));
    expect(e).toMatchObject({ name: 'PlatformError', code: 'CONFLICT', status: 409, platformCode: 'provider_in_use', retryable: false, route: 'DELETE /service-providers/{id}', target: 'sw-test' });
    expect(e.message).toBe(`streamwise "sw-test" refused DELETE /service-providers/${provider}: 409 provider_in_use: provider ${provider} is attached to 1 package(s) or subscription(s); detach it first: package "Gold inuse" (id ${pkg})`);
    expectNoSecret(e, sb);
  });

  it('refuses to disable the default provider of a package (409 provider_is_default)', async () => {
    const { provider } = await providerInPackage('default');
    const e = await caught(() => sw.execute({ type: 'provider.patch', id: { id: provider }, body: { active: false } }));
    expect(e).toMatchObject({ code: 'CONFLICT', platformCode: 'provider_is_default', retryable: false, status: 409 });
    expect(e.message).toContain('package "Gold default"');
  });

  it('refuses to delete a package with subscriptions (409 package_in_use)', async () => {
    const { provider, pkg } = await providerInPackage('pkg');
    await sw.execute({ type: 'subscription.create', body: { subscriptionName: 'Sub pkg', packageId: { id: pkg }, providers: [{ provider: { id: provider }, isDefault: true }], metadata: {} } });
    const e = await caught(() => sw.execute({ type: 'package.delete', id: pkg }));
    expect(e).toMatchObject({ code: 'CONFLICT', platformCode: 'package_in_use', retryable: false });
    expect(e.message).toContain('subscription "Sub pkg"');
  });

  it('reports the refused fields of an invalid body (422 validation_failed) without the secret sent', async () => {
    const body = { ...providerBody('invalid'), providerName: '' };
    const e = await caught(() => sw.execute({ type: 'provider.create', body }));
    expect(e).toMatchObject({ code: 'REJECTED', status: 422, platformCode: 'validation_failed', retryable: false });
    expect(e.message).toMatch(/^streamwise "sw-test" refused POST \/service-providers: 422 validation_failed: .*provider_name/);
    expectNoSecret(e, sb);
  });

  it('reports an unknown id as NOT_FOUND, also for a DELETE answered 404 at its first attempt', async () => {
    const e = await caught(() => sw.execute({ type: 'package.patch', id: { id: 'nope42' }, body: { packageName: 'X' } }));
    expect(e).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false, message: expect.stringContaining('refused PATCH /service-packages/nope42: 404 not_found') });
    const gone = await caught(() => sw.execute({ type: 'provider.delete', id: 'never42' }));
    expect(gone).toMatchObject({ code: 'NOT_FOUND', status: 404, attempts: 1, route: 'DELETE /service-providers/{id}' });
  });

  it('answers a wrong bearer token with UNAUTHORIZED and never shows the token', async () => {
    const driver = createDriver(streamwiseTarget(sb, { token: sensitive('wrong-token-Qa11') }));
    const e = await caught(() => driver.observe());
    await driver.close();
    expect(e).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false, platformCode: 'unauthorized' });
    expect(e.message).toContain('401 unauthorized');
    expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain('wrong-token-Qa11');
  });

  it('answers a wrong bzspid key with 401 and another reseller\'s id with 403, both UNAUTHORIZED', async () => {
    const wrongKey = createDriver(bluzoneTarget(sb, { apiKey: sensitive('wrong-key-Rt55') }));
    const otherReseller = createDriver(bluzoneTarget(sb, { serviceProviderId: '2' }));
    const [e401, e403] = [await caught(() => wrongKey.observe()), await caught(() => otherReseller.observe())];
    await Promise.all([wrongKey.close(), otherReseller.close()]);
    expect(e401).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false });
    expect(e403).toMatchObject({ code: 'UNAUTHORIZED', status: 403, retryable: false, platformCode: 'forbidden' });
    expect(`${e401.message}${e401.stack}`).not.toContain('wrong-key-Rt55');
    expectNoSecret(e403, sb);
  });

  it('refuses a duplicate project name (409, not retryable) and a default that the reseller lacks (422)', async () => {
    const body = { projectName: 'dup', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: sensitive(SECRETS.password), joinAccountsEnabled: false, debugEnabled: false };
    const own = { remoteStorage: storage(), remoteConsumer: consumer() };
    await bz.execute({ type: 'project.create', body: { ...body, ...own } });
    const dup = await caught(() => bz.execute({ type: 'project.create', body: { ...body, ...own } }));
    expect(dup).toMatchObject({ code: 'CONFLICT', status: 409, platformCode: 'conflict', retryable: false });
    expect(dup.message).toBe('bluzone "bz-test" refused POST /portal/service/1/projects/_create?useDefaultRemoteStorage=false&useDefaultRemoteConsumer=false: 409 conflict: a project named dup already exists');
    const noDefault = await caught(() => bz.execute({ type: 'project.create', body: { ...body, projectName: 'nodefault', remoteConsumer: consumer() } }));
    expect(noDefault).toMatchObject({ code: 'REJECTED', status: 422, platformCode: 'unprocessable' });
    expectNoSecret(dup, sb);
    expectNoSecret(noDefault, sb);
  });
});
