import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationsFromText } from '../../../src/config/load-files.js';
import { isSensitive, type Declared, type OfKind } from '../../../src/core/model.js';

const HEAD = 'apiVersion: syncwise.io/v1alpha1\n';

function one<K extends Declared['kind']>(kind: K, body: string, file = 'conf/a.yaml'): OfKind<Declared, K> {
  const r = declarationsFromText(`${HEAD}kind: ${kind}\n${body}`, file);
  expect(r.diagnostics).toEqual([]);
  expect(r.declared).toHaveLength(1);
  return r.declared[0] as OfKind<Declared, K>;
}

const PROVIDER = `metadata:
  name: bbb-eu-1
  labels: { region: eu }
spec:
  providerName: BBB Europe 1
  providerType: bbb
  properties:
    url: https://bbb.example.com/bigbluebutton/
    secret: { valueFrom: { env: BBB_SECRET } }
`;

describe('declarationsFromText', () => {
  it('applies the schema defaults to a minimal provider', () => {
    const p = one('ServiceProvider', PROVIDER);
    expect(p).toMatchObject({ kind: 'ServiceProvider', name: 'bbb-eu-1', key: 'ServiceProvider/bbb-eu-1', labels: { region: 'eu' }, target: '', deletionPolicy: 'Delete' });
    expect(p.spec).toEqual({
      providerName: 'BBB Europe 1',
      active: true,
      providerType: 'bbb',
      serviceType: 'meet',
      properties: { url: 'https://bbb.example.com/bigbluebutton/', secret: { from: 'env', name: 'BBB_SECRET' } },
      settings: {},
    });
  });

  it('leaves userMetadata undefined when omitted and keeps an explicit empty object', () => {
    expect(one('ServiceProvider', PROVIDER).spec.userMetadata).toBeUndefined();
    expect(one('ServiceProvider', `${PROVIDER}  userMetadata: {}\n`).spec.userMetadata).toEqual({});
  });

  it('keeps __proto__ in userMetadata as an own key without polluting prototypes', () => {
    const meta = one('ServiceProvider', `${PROVIDER}  userMetadata: { __proto__: { polluted: 1 }, n: [1, "a", null] }\n`).spec.userMetadata ?? {};
    expect(Object.keys(meta)).toEqual(['__proto__', 'n']);
    expect(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('maps providerRef, providerId and default to attachments', () => {
    const pkg = one('ServicePackage', 'metadata: { name: eu }\nspec:\n  packageName: EU\n  providers:\n    - { providerRef: p1, default: true }\n    - { providerId: k3Jx9q }\n');
    expect(pkg.spec.providers).toEqual([
      { provider: { by: 'name', name: 'p1' }, isDefault: true },
      { provider: { by: 'id', id: 'k3Jx9q' }, isDefault: false },
    ]);
  });

  it('references a subscription package by name or by platform id', () => {
    const providers = '  providers: [{ providerId: k3Jx9q, default: true }]\n';
    expect(one('Subscription', `metadata: { name: s }\nspec:\n  subscriptionName: S\n  packageRef: eu\n${providers}`).spec.package).toEqual({ by: 'name', name: 'eu' });
    expect(one('Subscription', `metadata: { name: s }\nspec:\n  subscriptionName: S\n  packageId: Pk9\n${providers}`).spec.package).toEqual({ by: 'id', id: 'Pk9' });
  });

  it('turns each form of secret value into its source', () => {
    const t = one('Target', 'metadata: { name: bz }\nspec:\n  api: bluzone\n  url: https://bz.example.com\n  serviceProviderId: sp-1\n  apiKey: { valueFrom: { file: keys/bz.key } }\n');
    expect(t.spec).toEqual({ api: 'bluzone', url: 'https://bz.example.com', serviceProviderId: 'sp-1', apiKey: { from: 'file', path: resolve('conf/keys/bz.key'), root: resolve('conf') }, timeoutSeconds: 30, maxRequestsPerSecond: 20 });
    const literal = one('Project', 'metadata: { name: p }\nspec:\n  projectName: P\n  defaultOwnerEmail: a@example.com\n  defaultOwnerPassword: pw-literal\n');
    const pw = literal.spec.defaultOwnerPassword;
    expect(pw.from === 'literal' && isSensitive(pw.value) && pw.value.reveal()).toBe('pw-literal');
    expect(JSON.stringify(literal)).not.toContain('pw-literal');
  });

  it('accepts a valueFrom.file outside the file directory when the root allows it', () => {
    const r = declarationsFromText(`${HEAD}kind: Target\nmetadata: { name: bz }\nspec:\n  api: streamwise\n  url: https://x.example.com\n  token: { valueFrom: { file: ../t } }\n`, 'conf/a.yaml', { root: '.' });
    expect(r.diagnostics).toEqual([]);
  });

  it('defaults a project to the reseller defaults and replacePolicy Never', () => {
    const p = one('Project', 'metadata: { name: p }\nspec:\n  projectName: P\n  defaultOwnerEmail: a@example.com\n  defaultOwnerPassword: { valueFrom: { secretKeyRef: { name: s, key: k } } }\n');
    expect(p.spec).toMatchObject({
      defaultOwnerPassword: { from: 'secretKeyRef', name: 's', key: 'k' },
      joinAccountsEnabled: false,
      debugEnabled: false,
      remoteStorage: { useDefault: true },
      remoteConsumer: { useDefault: true },
      replacePolicy: 'Never',
    });
  });

  it('converts explicit remote storage with its defaults', () => {
    const d = one('ProjectDefaults', 'metadata: { name: d }\nspec:\n  remoteStorage:\n    storageRegion: eu-west-1\n    storageResourceIdentifier: bucket\n    accessKey: AK\n    secretKey: { valueFrom: { env: SK } }\n');
    expect(d.spec).toEqual({
      remoteStorage: { storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: 'bucket', accessKey: 'AK', secretKey: { from: 'env', name: 'SK' }, assumeRoleEnabled: false, storageTypes: [] },
      propagateToProjects: false,
    });
    expect(d.deletionPolicy).toBe('Orphan');
  });

  it('records the document position and the positions of cited fields', () => {
    const r = declarationsFromText(`# comment\n${HEAD}kind: ServicePackage\nmetadata:\n  name: eu\nspec:\n  targetRef: sw\n  packageName: EU\n  providers:\n    - providerRef: p1\n      default: true\n`, 'a.yaml');
    expect(r.declared[0]?.origin).toEqual({
      file: 'a.yaml',
      line: 2,
      col: 1,
      fields: {
        spec: { line: 6, col: 1 },
        'metadata.name': { line: 5, col: 9 },
        'spec.targetRef': { line: 7, col: 14 },
        'spec.providers[0]': { line: 10, col: 7 },
        'spec.providers[0].providerRef': { line: 10, col: 20 },
      },
    });
    expect(r.declared[0]?.target).toBe('sw');
  });

  it('reports every problem of every document in one pass and lists rejected keys', () => {
    const bad = `${HEAD}kind: ServicePackage\nmetadata: { name: a }\nspec: { packageName: 1, providers: [] }\n`;
    const r = declarationsFromText(`${bad}---\n${bad.replace('name: a', 'name: b')}`, 'a.yaml');
    expect(r.diagnostics.map((d) => `${d.origin?.line}:${d.origin?.col} ${d.origin?.path}`)).toEqual(['4:22 spec.packageName', '4:36 spec.providers', '9:22 spec.packageName', '9:36 spec.providers']);
    expect(r.rejected).toEqual(['ServicePackage/a', 'ServicePackage/b']);
  });

  it('caps the problems of one hostile document', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `  k${i}: 1`).join('\n');
    const r = declarationsFromText(`${HEAD}kind: ServicePackage\nmetadata: { name: a }\nspec:\n${keys}\n`, 'a.yaml');
    expect(r.diagnostics).toHaveLength(51);
    expect(r.diagnostics.at(-1)?.summary).toMatch(/^and \d+ more problems in this document$/);
  });
});
