import { describe, expect, it } from 'vitest';
import { META_NAME, sensitive } from '../../../src/core/model.js';
import { projectFromWire, projectToWire, storageToWire } from '../../../src/platform/bluzone/wire.js';
import { toWireJson } from '../../../src/platform/http.js';
import { pageFromWire, providerFromWire, providerToWire, subscriptionToWire } from '../../../src/platform/streamwise/wire.js';
import { WireShapeError } from '../../../src/platform/wire-read.js';

describe('streamwise wire bodies', () => {
  it('keeps the provider secret sensitive until the body is serialised for the wire', () => {
    const body = providerToWire({ providerName: 'P', properties: { secret: sensitive('wire-secret-1') }, metadata: { [META_NAME]: 'p' } });
    expect(JSON.stringify(body)).not.toContain('wire-secret-1');
    const { json, secrets } = toWireJson(body);
    expect(JSON.parse(json)).toEqual({ provider_name: 'P', properties: { secret: 'wire-secret-1' }, metadata: { [META_NAME]: 'p' } });
    expect(secrets).toEqual(['wire-secret-1']);
  });

  it('sends only the fields a patch changes, in snake_case', () => {
    expect(providerToWire({ active: false })).toEqual({ active: false });
    expect(subscriptionToWire({ providers: [{ provider: { id: 'a1' }, isDefault: true }] })).toEqual({ providers: [{ provider_id: 'a1', default: true }] });
  });

  it('refuses a reference that was never resolved to an id', () => {
    expect(() => subscriptionToWire({ packageId: { createdBy: 'ServicePackage/gold#create' } })).toThrow(/ServicePackage\/gold#create/);
  });
});

describe('streamwise wire answers', () => {
  it('reads a provider without its secret and keeps __proto__ metadata keys as data', () => {
    const wire = JSON.parse(`{"id":"k3","uuid":"u","ulid":"01J","provider_name":"P","active":true,"provider_type":"bbb","service_type":"meet",
      "properties":{"url":"https://x/","secret":"leaked?"},"settings":{},"metadata":{"__proto__":{"polluted":true},"n":1}}`) as unknown;
    const live = providerFromWire(wire, 'data[0]');
    expect(live.properties).toEqual({ url: 'https://x/' });
    expect(Object.keys(live.metadata)).toEqual(['__proto__', 'n']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the field of a malformed answer', () => {
    expect(() => pageFromWire({ data: [], meta: { page: 1, total: '3', last_page: 1 } })).toThrow(new WireShapeError('meta.total', 'a number'));
    expect(() => providerFromWire({ id: 1, provider_type: 'bbb' }, 'data[4]')).toThrow('expected data[4].id to be a string');
  });
});

describe('bluzone wire', () => {
  const storage = {
    storageProvider: 'AWS' as const, storageRegion: 'eu', storageResourceIdentifier: 'arn', accessKey: 'AK',
    secretKey: sensitive('bz-secret-2'), assumeRoleEnabled: false, storageTypes: [],
  };

  it('asks for the reseller default exactly where the body has no value of its own', () => {
    const body = { projectName: 'p', defaultOwnerEmail: 'o@x.io', defaultOwnerPassword: sensitive('pw-3'), joinAccountsEnabled: false, debugEnabled: false };
    expect(projectToWire(body).query).toBe('useDefaultRemoteStorage=true&useDefaultRemoteConsumer=true');
    const own = projectToWire({ ...body, remoteStorage: storage });
    expect(own.query).toBe('useDefaultRemoteStorage=false&useDefaultRemoteConsumer=true');
    expect(JSON.stringify(own.body)).not.toMatch(/bz-secret-2|pw-3/);
    expect(storageToWire(storage)).not.toHaveProperty('assumeRoleName');
  });

  it('wraps every secret of an answer the moment it is read', () => {
    const live = projectFromWire({
      projectId: 'p1', projectName: 'n', projectApiKey: 'api-key-4', defaultOwnerEmail: 'o@x.io', remoteConsumer: null,
      remoteStorage: { ...storage, secretKey: 'bz-secret-5', assumeRoleName: null },
    }, '[0]');
    expect(JSON.stringify(live)).not.toMatch(/api-key-4|bz-secret-5/);
    expect(live.projectApiKey?.reveal()).toBe('api-key-4');
    expect(live.remoteStorage?.secretKey.reveal()).toBe('bz-secret-5');
    expect(live).not.toHaveProperty('remoteConsumer');
  });
});
