import { describe, expect, it } from 'vitest';
import { sensitive, type Desired } from '../../../src/core/model.js';
import { plan } from '../../../src/core/plan.js';
import { hashSecrets, hashSpec } from '../../../src/engine/hash.js';
import { bluzone, consumer, entry, input, ledger, liveProject, liveProvider, project, provider, storage, streamwise } from './plan-fixtures.js';

/** A declaration with the engine's real salted hashes, as reconcile() computes them. */
function hashed<D extends Desired>(d: D): D {
  return { ...d, hash: hashSpec('salt', d), secretHashes: hashSecrets('salt', d) };
}

const reseller = { serviceProviderId: 'sp1', defaultRemoteStorage: storage(), defaultRemoteConsumer: consumer() };
const applied = hashed(project('alpha'));
const recorded = entry(applied, '42', { secretHashes: applied.secretHashes ?? {} });
const bz = bluzone({ reseller, projects: [liveProject('42', applied)] });

describe('write-only secrets of a project', () => {
  it('blocks a replace when only defaultOwnerPassword changed, showing it as sensitive', () => {
    const rotated = hashed(project('alpha', { defaultOwnerPassword: sensitive('rotated-password-9f') }));
    const p = plan(input({ desired: [rotated], bz, ledger: ledger([recorded]) }));
    const [change] = p.changes;
    expect({ action: change?.action, fields: change?.fields, rule: change?.blocker?.rule, reason: change?.reason }).toMatchInlineSnapshot(`
      {
        "action": "blocked",
        "fields": [
          {
            "path": "defaultOwnerPassword",
            "sensitive": true,
          },
        ],
        "reason": "changing defaultOwnerPassword needs project "alpha" (id 42) to be deleted and created again",
        "rule": "PLAN_REPLACE_NOT_ALLOWED",
      }
    `);
    expect(JSON.stringify(p)).not.toContain('rotated-password-9f');
  });

  it('replaces the project when replacePolicy allows it, recording the new secret hashes', () => {
    const rotated = hashed(project('alpha', { defaultOwnerPassword: sensitive('rotated-password-9f'), replacePolicy: 'Allow' }));
    const p = plan(input({ desired: [rotated], bz, ledger: ledger([recorded]) }));
    expect(p.changes[0]).toMatchObject({ action: 'replace', steps: ['Project/alpha#delete', 'Project/alpha#create'] });
    const update = p.changes[0]?.ledger;
    expect(update !== undefined && 'set' in update ? update.set.secretHashes : undefined).toEqual(rotated.secretHashes);
  });

  it('does not replace for a replacePolicy change alone', () => {
    const allow = hashed(project('alpha', { replacePolicy: 'Allow' }));
    const p = plan(input({ desired: [allow], bz, ledger: ledger([recorded]) }));
    expect(p.changes.map((c) => c.action)).toEqual(['noop']);
    expect(p.steps).toEqual([]);
  });

  it('reads a ledger written before secret hashes existed, and records them without a replace', () => {
    const old = entry(applied, '42');
    const rotated = hashed(project('alpha', { defaultOwnerPassword: sensitive('rotated-password-9f') }));
    const p = plan(input({ desired: [rotated], bz, ledger: ledger([old]) }));
    expect(p.changes[0]).toMatchObject({ action: 'noop', ledger: { set: { secretHashes: rotated.secretHashes } } });
  });
});

describe('the secret of a provider', () => {
  const p1 = hashed(provider('p1'));
  const live = streamwise({ providers: [liveProvider('k1', p1)] });

  it('is not sent again when another field changes', () => {
    const renamed = hashed(provider('p1', { providerName: 'Renamed' }));
    const p = plan(input({ desired: [renamed], sw: live, ledger: ledger([entry(p1, 'k1', { secretHashes: p1.secretHashes ?? {} })]) }));
    expect(p.changes[0]?.fields.map((f) => f.path)).toEqual(['providerName']);
    expect(p.steps[0]?.operation).toMatchObject({ type: 'provider.patch', body: { providerName: 'Renamed' } });
    expect(p.steps[0]?.operation).not.toHaveProperty('body.properties');
  });

  it('is sent again, and shown as sensitive, when only the secret changed', () => {
    const rotated = hashed(provider('p1', { properties: { url: 'https://p1.example.com/', secret: sensitive('rotated-secret-77') } }));
    const p = plan(input({ desired: [rotated], sw: live, ledger: ledger([entry(p1, 'k1', { secretHashes: p1.secretHashes ?? {} })]) }));
    expect(p.changes[0]?.fields).toEqual([{ path: 'properties.secret', sensitive: true }]);
    expect(p.steps[0]?.operation).toHaveProperty('body.properties.secret');
  });

  it('is sent again on any change when the ledger has no secret hashes', () => {
    const renamed = hashed(provider('p1', { providerName: 'Renamed' }));
    const p = plan(input({ desired: [renamed], sw: live, ledger: ledger([entry(p1, 'k1')]) }));
    expect(p.changes[0]?.fields.map((f) => f.path)).toEqual(['providerName', 'properties.secret']);
  });
});
