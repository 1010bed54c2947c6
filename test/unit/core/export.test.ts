import { describe, expect, it } from 'vitest';
import { exportBluzone, exportStreamwise, toDnsLabel } from '../../../src/core/export.js';
import type { LiveBluzone, LiveStreamwise } from '../../../src/core/live.js';
import { sensitive, type Kind } from '../../../src/core/model.js';
import { validateDeclaration } from '../../../src/config/validate.js';

const live: LiveStreamwise = {
  api: 'streamwise',
  providers: [
    { id: 'p1', uuid: 'u1', ulid: 'l1', providerName: 'BBB Europe 1', active: true, providerType: 'bbb', serviceType: 'meet', properties: { url: 'https://a/' }, settings: {}, metadata: { 'syncwise.io/name': 'bbb-eu-1', tier: 'gold' } },
    { id: 'p2', uuid: 'u2', ulid: 'l2', providerName: 'BBB Europe 1', active: false, providerType: 'scalelite', serviceType: 'meet', properties: { url: 'https://b/' }, settings: {}, metadata: {} },
  ],
  packages: [{ id: 'k1', packageName: 'Gold', providers: [{ providerId: 'p1', isDefault: true }, { providerId: 'zz', isDefault: false }], metadata: {} }],
  subscriptions: [{ id: 's1', subscriptionName: 'Acme', packageId: 'k1', providers: [{ providerId: 'p1', isDefault: true }], metadata: {} }],
};

describe('export', () => {
  it('names objects by their marker, else by a unique label of the display name', () => {
    const docs = exportStreamwise(live);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ServiceProvider/bbb-eu-1', 'ServiceProvider/bbb-europe-1', 'ServicePackage/gold', 'Subscription/acme']);
  });

  it('references exported providers by name, unknown ones by id, and keeps only user metadata', () => {
    const [p1, , pkg, sub] = exportStreamwise(live, 'prod');
    expect(p1?.spec).toMatchObject({ userMetadata: { tier: 'gold' }, targetRef: 'prod', properties: { secret: { valueFrom: { env: 'BBB_EU_1_SECRET' } } } });
    expect(pkg?.spec.providers).toEqual([{ providerRef: 'bbb-eu-1', default: true }, { providerId: 'zz', default: false }]);
    expect(sub?.spec).toMatchObject({ packageRef: 'gold' });
  });

  it('never writes a secret the platform returned', () => {
    const bz: LiveBluzone = {
      api: 'bluzone',
      reseller: { serviceProviderId: '1', defaultRemoteConsumer: { awsAccessKey: 'AK', awsSecretKey: sensitive('consumer-secret-xyz'), kinesisEndpoint: 'e', streamName: 's', streamType: 'PACKET_DATA', partitionKey: 'k' } },
      projects: [{ projectId: 'x', projectName: 'Demo Project', defaultOwnerEmail: 'o@example.com', joinAccountsEnabled: false, debugEnabled: true, useDefaultRemoteStorage: true, useDefaultRemoteConsumer: true, projectApiKey: sensitive('api-key-abc') }],
    };
    const text = JSON.stringify(exportBluzone(bz));
    expect(text).not.toContain('consumer-secret-xyz');
    expect(text).not.toContain('api-key-abc');
    expect(text).toContain('"name":"demo-project"');
  });

  it('leaves out a partition key the platform holds as null, so the document validates', () => {
    const consumer = { awsAccessKey: 'AK', awsSecretKey: sensitive('consumer-secret-xyz'), kinesisEndpoint: 'https://kinesis.example.com', streamName: 's', streamType: 'PACKET_DATA' as const, partitionKey: '' };
    const bz: LiveBluzone = {
      api: 'bluzone',
      reseller: { serviceProviderId: '1', defaultRemoteConsumer: consumer },
      projects: [{ projectId: 'x', projectName: 'Demo', defaultOwnerEmail: 'o@example.com', joinAccountsEnabled: false, debugEnabled: false, useDefaultRemoteStorage: true, useDefaultRemoteConsumer: false, remoteConsumer: consumer, projectApiKey: sensitive('k') }],
    };
    const docs = exportBluzone(bz);
    for (const d of docs) {
      expect((d.spec as { remoteConsumer?: object }).remoteConsumer, d.kind).not.toHaveProperty('partitionKey');
      expect(validateDeclaration(d.kind as Kind, d), d.kind).toEqual([]);
    }
  });

  it('falls back when a display name has no letters', () => {
    expect(toDnsLabel('42 !!', 'obj-k3')).toBe('obj-k3');
  });
});
