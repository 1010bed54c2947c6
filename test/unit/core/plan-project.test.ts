import { describe, expect, it } from 'vitest';
import { sensitive } from '../../../src/core/model.js';
import { plan } from '../../../src/core/plan.js';
import { bluzone, consumer, defaults, entry, input, ledger, liveProject, project, storage } from './plan-fixtures.js';

describe('projects', () => {
  const alpha = project('alpha');

  it('plans nothing for a project that matches, whatever copy of the defaults it holds', () => {
    const bz = bluzone({ projects: [liveProject('42', alpha, { remoteStorage: storage({ storageRegion: 'old' }) })] });
    const p = plan(input({ desired: [alpha], bz, ledger: ledger([entry(alpha, '42')]) }));
    expect(p.changes.map((c) => c.action)).toEqual(['noop']);
  });

  it('blocks a replace unless replacePolicy allows it, with the hint', () => {
    const changed = project('alpha', { defaultOwnerEmail: 'new@example.com' });
    const bz = bluzone({ projects: [liveProject('42', alpha)] });
    const p = plan(input({ desired: [changed], bz, ledger: ledger([entry(alpha, '42')]) }));
    expect(p.changes[0]).toMatchInlineSnapshot(`
      {
        "action": "blocked",
        "blocker": {
          "by": {
            "id": "42",
            "kind": "Project",
            "name": "alpha",
          },
          "hint": "set spec.replacePolicy: Allow or pass --allow-replace",
          "rule": "PLAN_REPLACE_NOT_ALLOWED",
          "summary": "changing defaultOwnerEmail needs project "alpha" (id 42) to be deleted and created again",
        },
        "externalId": "42",
        "fields": [
          {
            "after": "new@example.com",
            "before": "alpha@example.com",
            "path": "defaultOwnerEmail",
          },
        ],
        "key": "Project/alpha",
        "kind": "Project",
        "name": "alpha",
        "reason": "changing defaultOwnerEmail needs project "alpha" (id 42) to be deleted and created again",
        "steps": [],
        "target": "bz",
      }
    `);
    expect(p.steps).toEqual([]);
  });

  it('replaces a project by deleting then creating it when allowed', () => {
    const changed = project('alpha', { debugEnabled: true, replacePolicy: 'Allow' });
    const bz = bluzone({ projects: [liveProject('42', alpha)], reseller: { serviceProviderId: 'sp1', defaultRemoteStorage: storage(), defaultRemoteConsumer: consumer() } });
    const p = plan(input({ desired: [changed], bz, ledger: ledger([entry(alpha, '42')]) }));
    expect(p.changes[0]).toMatchObject({ action: 'replace', steps: ['Project/alpha#delete', 'Project/alpha#create'], ledger: { set: { externalId: { createdBy: 'Project/alpha#create' } } } });
    expect(p.waves).toEqual([['Project/alpha#delete'], ['Project/alpha#create']]);
  });

  it('replaces with --allow-replace even without replacePolicy, comparing secrets the platform returns', () => {
    const own = project('alpha', { remoteStorage: storage() });
    const rotated = project('alpha', { remoteStorage: storage({ secretKey: sensitive('rotated') }) });
    const bz = bluzone({ projects: [liveProject('42', own)], reseller: { serviceProviderId: 'sp1', defaultRemoteConsumer: consumer() } });
    const p = plan(input({ desired: [rotated], bz, ledger: ledger([entry(own, '42')]), options: { allowReplace: true } }));
    expect(p.changes[0]).toMatchObject({ action: 'replace', fields: [{ path: 'remoteStorage.secretKey', sensitive: true }] });
  });

  it('blocks a project whose name an unmanaged project already has, and says how to adopt it', () => {
    const bz = bluzone({ projects: [liveProject('77', alpha)] });
    const p = plan(input({ desired: [alpha], bz }));
    expect(p.changes[0]?.blocker).toMatchInlineSnapshot(`
      {
        "by": {
          "id": "77",
          "kind": "Project",
        },
        "hint": "delete project "alpha" (id 77) on the platform so that it is created from this declaration, or change spec.projectName",
        "rule": "PLAN_UNMANAGED_EXISTS",
        "summary": "a project named "alpha" already exists (id 77) and this configuration does not own it (the platform would answer 409)",
      }
    `);
  });

  it('adopts a project of a pending create found by projectName', () => {
    const bz = bluzone({ projects: [liveProject('77', alpha)] });
    const p = plan(input({ desired: [alpha], bz, ledger: ledger([entry(alpha, '', { state: 'pending' })]) }));
    expect(p.changes[0]).toMatchObject({ action: 'noop', externalId: '77', ledger: { set: { externalId: { id: '77' }, state: 'applied' } } });
  });

  it('blocks a project that follows reseller defaults the reseller does not have', () => {
    const p = plan(input({ desired: [alpha] }));
    expect(p.changes[0]?.blocker).toMatchInlineSnapshot(`
      {
        "hint": "declare a ProjectDefaults with remoteStorage on target "bz", or give alpha its own remoteStorage",
        "rule": "unprocessable",
        "summary": "project "alpha" follows the reseller's default remoteStorage, but target "bz" has none (422 unprocessable)",
      }
    `);
  });
});

describe('project defaults', () => {
  it('updates the defaults and lists every project a propagated change touches', () => {
    const main = defaults('main', { remoteStorage: storage({ storageRegion: 'us-east-1' }), propagateToProjects: true });
    const follows = project('follows');
    const own = project('own', { remoteStorage: storage() });
    const bz = bluzone({ reseller: { serviceProviderId: 'sp1', defaultRemoteStorage: storage() }, projects: [liveProject('2', own), liveProject('1', follows)] });
    const p = plan(input({ desired: [main], bz }));
    expect(p.changes[0]).toMatchInlineSnapshot(`
      {
        "action": "update",
        "externalId": "sp1",
        "fields": [
          {
            "after": "us-east-1",
            "before": "eu-west-1",
            "path": "remoteStorage.storageRegion",
          },
        ],
        "key": "ProjectDefaults/main",
        "kind": "ProjectDefaults",
        "ledger": {
          "set": {
            "externalId": {
              "id": "sp1",
            },
            "hash": "c4acaff1",
            "key": "ProjectDefaults/main",
            "kind": "ProjectDefaults",
            "managedMetadataKeys": [],
            "name": "main",
            "state": "applied",
            "target": "bz",
          },
        },
        "name": "main",
        "steps": [
          "ProjectDefaults/main#storage",
        ],
        "target": "bz",
        "touches": [
          "follows",
        ],
      }
    `);
    expect(p.steps[0]?.operation).toMatchObject({ type: 'defaults.storage', updateProjects: true });
  });

  it('touches no project when the change is not propagated', () => {
    const main = defaults('main', { remoteConsumer: consumer({ streamName: 'other' }) });
    const bz = bluzone({ reseller: { serviceProviderId: 'sp1', defaultRemoteConsumer: consumer() }, projects: [liveProject('1', project('follows'))] });
    const p = plan(input({ desired: [main], bz }));
    expect(p.changes[0]).toMatchObject({ action: 'update', fields: [{ path: 'remoteConsumer.streamName', before: 'events', after: 'other' }] });
    expect(p.changes[0]?.touches).toBeUndefined();
  });

  it('reports two defaults on one target as an error', () => {
    const p = plan(input({ desired: [defaults('a', {}), defaults('b', {})] }));
    expect(p.diagnostics.map((d) => d.code)).toEqual(['PLAN_DUPLICATE_DEFAULTS']);
  });
});

describe('convergence', () => {
  it('treats an optional field the platform answers as null like an unset one', () => {
    const own = project('alpha', { remoteStorage: storage() });
    const answered = liveProject('42', own, { remoteStorage: { ...storage(), assumeRoleName: null as unknown as string } });
    const p = plan(input({ desired: [own], bz: bluzone({ projects: [answered] }), ledger: ledger([entry(own, '42')]) }));
    expect(p.changes.map((c) => c.action)).toEqual(['noop']);
  });
});
