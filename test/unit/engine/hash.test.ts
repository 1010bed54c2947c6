import { describe, expect, it } from 'vitest';
import { sensitive } from '../../../src/core/model.js';
import { hashSecrets, hashSpec } from '../../../src/engine/hash.js';
import { consumer, pkg, project, provider, storage, sub } from '../core/plan-fixtures.js';

describe('secret hashes', () => {
  const own = project('alpha', { remoteStorage: storage(), remoteConsumer: consumer() });

  it('hashes each secret field of a spec under its dotted path', () => {
    expect(Object.keys(hashSecrets('salt', own))).toEqual(['defaultOwnerPassword', 'remoteConsumer.awsSecretKey', 'remoteStorage.secretKey']);
    expect(Object.keys(hashSecrets('salt', project('beta')))).toEqual(['defaultOwnerPassword']);
    expect(Object.keys(hashSecrets('salt', provider('p1')))).toEqual(['properties.secret']);
  });

  it('changes only the hash of the secret that changed', () => {
    const before = hashSecrets('salt', own);
    const after = hashSecrets('salt', { ...own, spec: { ...own.spec, defaultOwnerPassword: sensitive('another-password') } });
    expect(after.defaultOwnerPassword).not.toBe(before.defaultOwnerPassword);
    expect(after['remoteStorage.secretKey']).toBe(before['remoteStorage.secretKey']);
    expect(hashSecrets('salt', own)).toEqual(before);
  });

  it('depends on the salt and on the object, never shows the secret', () => {
    const a = hashSecrets('salt', project('alpha'));
    expect(hashSecrets('other-salt', project('alpha')).defaultOwnerPassword).not.toBe(a.defaultOwnerPassword);
    const twin = project('twin', { defaultOwnerPassword: sensitive('pw-alpha') });
    expect(hashSecrets('salt', twin).defaultOwnerPassword).not.toBe(a.defaultOwnerPassword);
    expect(JSON.stringify(a)).not.toContain('pw-alpha');
  });

  it('tells a replacePolicy change (spec hash only) from a secret change', () => {
    const allow = project('alpha', { replacePolicy: 'Allow' });
    expect(hashSpec('salt', allow)).not.toBe(hashSpec('salt', project('alpha')));
    expect(hashSecrets('salt', allow)).toEqual(hashSecrets('salt', project('alpha')));
  });
});

describe('spec hashes', () => {
  it('do not depend on the order of a package or subscription provider list', () => {
    const a = pkg('gold', ['p1*', 'p2']);
    const b = pkg('gold', ['p2', 'p1*']);
    expect(hashSpec('salt', b)).toBe(hashSpec('salt', a));
    expect(hashSpec('salt', sub('acme', 'gold', ['p2*', 'p1']))).not.toBe(hashSpec('salt', sub('acme', 'gold', ['p2', 'p1*'])));
  });
});
