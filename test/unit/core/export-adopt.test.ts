import { describe, expect, it } from 'vitest';
import { adoptionEntries, exportBluzoneObjects, exportStreamwiseObjects, ledgerNames, unexportableReason } from '../../../src/core/export.js';
import type { LiveProject, LiveStreamwise } from '../../../src/core/live.js';
import { META_NAME, META_OWNER } from '../../../src/core/model.js';
import { bluzone, consumer, entry, ledger, liveProvider, pkg, provider, storage } from './plan-fixtures.js';

const live: LiveStreamwise = {
  api: 'streamwise',
  providers: [
    liveProvider('k1', undefined, { providerName: 'Console One', metadata: { team: 'ops' } }),
    liveProvider('k2', undefined, { providerName: 'Team B', metadata: { [META_NAME]: 'shared', [META_OWNER]: 'team-b' } }),
  ],
  packages: [{ id: 'g1', packageName: 'Gold', providers: [{ providerId: 'k1', isDefault: true }], metadata: { [META_NAME]: 'gold', [META_OWNER]: 'team-a', tier: 1 } }],
  subscriptions: [],
};

describe('adopting exported objects', () => {
  it('records unowned and own objects with an empty hash and their metadata keys, and skips others\' objects', () => {
    const result = adoptionEntries(exportStreamwiseObjects(live, 'sw'), 'sw', ledger());
    expect(result.entries.map((e) => [e.key, e.externalId, e.hash, e.managedMetadataKeys])).toEqual([
      ['ServiceProvider/console-one', 'k1', '', ['team']],
      ['ServicePackage/gold', 'g1', '', ['tier']],
    ]);
    expect(result.skipped).toEqual([{ key: 'ServiceProvider/shared', reason: 'id k2 is owned by configuration "team-b": pass --owner team-b to manage it as that configuration' }]);
  });

  it('keeps an entry that already maps the key to the same object, and never remaps a key', () => {
    const same = entry(pkg('gold', ['console-one*']), 'g1', { target: 'sw' });
    const other = entry(provider('console-one'), 'k9', { target: 'sw' });
    const result = adoptionEntries(exportStreamwiseObjects(live, 'sw'), 'sw', ledger([same, other]));
    expect(result.entries).toEqual([]);
    expect(result.managed).toEqual(['ServicePackage/gold']);
    expect(result.skipped.map((s) => s.reason)).toContain('the ledger already maps ServiceProvider/console-one to id k9 on target "sw"');
  });
});

describe('projects a declaration cannot express', () => {
  const project = (over: Partial<LiveProject>): LiveProject => ({
    projectId: 'P1', projectName: 'Demo', defaultOwnerEmail: 'o@example.com', joinAccountsEnabled: false, debugEnabled: false,
    useDefaultRemoteStorage: false, useDefaultRemoteConsumer: false, remoteStorage: storage(), remoteConsumer: consumer(), ...over,
  });

  it('leaves out a project with no remote consumer (or storage) and says why', () => {
    const { remoteConsumer: _none, ...bare } = project({});
    expect(unexportableReason(bare)).toBe('it has no remoteConsumer, which a declaration cannot express: it is left out');
    const { remoteStorage: _copy, ...following } = project({ useDefaultRemoteStorage: true });
    expect(unexportableReason(following)).toBeUndefined();
    const objects = exportBluzoneObjects(bluzone({ projects: [bare, project({ projectId: 'P2', projectName: 'Full' })] }));
    expect(objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['Project/full']);
  });
});

describe('names of exported objects', () => {
  it('keeps the names the ledger gives owned objects, before markers and display names', () => {
    const owned = ledger([entry(provider('legacy-name'), 'k1', { target: 'sw' }), entry(provider('elsewhere'), 'k2', { target: 'other' })]);
    const names = exportStreamwiseObjects(live, 'sw', ledgerNames(owned, 'sw')).map((o) => `${o.kind}/${o.name}`);
    expect(names).toEqual(['ServiceProvider/legacy-name', 'ServiceProvider/shared', 'ServicePackage/gold']);
  });

  it('names the reseller defaults as the ledger does', () => {
    const defaultsEntry = { ...entry(provider('x'), '1', { target: 'bz' }), key: 'ProjectDefaults/main', kind: 'ProjectDefaults' as const, name: 'main' };
    const reseller = { serviceProviderId: '1', defaultRemoteStorage: storage() };
    const objects = exportBluzoneObjects(bluzone({ reseller }), 'bz', ledgerNames(ledger([defaultsEntry]), 'bz'));
    expect(objects.map((o) => `${o.kind}/${o.name}`)).toEqual(['ProjectDefaults/main']);
  });
});
