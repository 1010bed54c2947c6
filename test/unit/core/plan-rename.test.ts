import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Plan, PlanInput } from '../../../src/core/change.js';
import { plan } from '../../../src/core/plan.js';
import { renderPlan } from '../../../src/core/render.js';
import { keyOf, sensitive, type Desired } from '../../../src/core/model.js';
import { hashSecrets } from '../../../src/engine/hash.js';
import { withRenameHashes } from '../../../src/engine/reconcile.js';
import { applyToLive } from './fake-apply.js';
import { arbInput } from './plan-arbitraries.js';
import { applied, bluzone, consumer, entry, input, ledger, liveProject, liveProvider, pkg, project, provider, storage, streamwise, sub } from './plan-fixtures.js';

/** The same declaration under another `metadata.name`: same spec, same hash. */
function renamedAs<D extends Desired>(d: D, name: string): D {
  return { ...d, name, key: keyOf(d.kind, name) };
}

function outcome(p: Plan): string[] {
  return p.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}${c.blocker ? `: ${c.blocker.rule}` : ''}`);
}

/** Applies the plan on plain values and plans again: what is left (nothing, once converged). */
function replan(i: PlanInput): { left: string[]; ledgerKeys: string[] } {
  const next = applyToLive(i, plan(i));
  return { left: outcome(plan(next)), ledgerKeys: Object.keys(next.ledger.entries).sort() };
}

describe('renamed projects', () => {
  const old = project('web', { projectName: 'web-app' });
  const renamed = renamedAs(old, 'web-eu');
  const bz = bluzone({ projects: [liveProject('42', old)], reseller: { serviceProviderId: 'sp1', defaultRemoteStorage: storage(), defaultRemoteConsumer: consumer() } });
  const owned = ledger([entry(old, '42', { secretHashes: { defaultOwnerPassword: 'salted-with-the-old-key' } })]);
  const moved = { ...renamed, secretHashes: { defaultOwnerPassword: 'salted-with-the-new-key' } };

  it('moves the ledger entry to the new key instead of deleting the project, with prune on', () => {
    const i = input({ desired: [moved], bz, ledger: owned, options: { prune: true } });
    const p = plan(i);
    expect(p.changes).toMatchInlineSnapshot(`
      [
        {
          "action": "update",
          "externalId": "42",
          "fields": [],
          "key": "Project/web-eu",
          "kind": "Project",
          "ledger": {
            "movedFrom": "Project/web",
            "set": {
              "externalId": {
                "id": "42",
              },
              "hash": "2fdae70d",
              "key": "Project/web-eu",
              "kind": "Project",
              "managedMetadataKeys": [],
              "name": "web-eu",
              "secretHashes": {
                "defaultOwnerPassword": "salted-with-the-new-key",
              },
              "state": "applied",
              "target": "bz",
            },
          },
          "name": "web-eu",
          "reason": "renamed from Project/web: only the ledger changes, the object stays as it is",
          "steps": [],
          "target": "bz",
        },
      ]
    `);
    expect(p.steps).toEqual([]);
    expect(renderPlan(p, 'text')).toMatchInlineSnapshot(`
      "target bz
        ~ update Project/web-eu (id 42)
            reason: renamed from Project/web: only the ledger changes, the object stays as it is

      Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 0 blocked."
    `);
    expect(replan(i)).toEqual({ left: [], ledgerKeys: ['Project/web-eu'] });
  });

  it('renders the rename as JSON that the plan-output schema accepts', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/plan-output.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true }).compile(schema);
    const doc: unknown = JSON.parse(renderPlan(plan(input({ desired: [moved], bz, ledger: owned, options: { prune: true } })), 'json'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect((doc as { actions: unknown }).actions).toMatchInlineSnapshot(`
      [
        {
          "action": "update",
          "changes": [],
          "externalId": "42",
          "kind": "Project",
          "name": "web-eu",
          "reason": "renamed from Project/web: only the ledger changes, the object stays as it is",
          "target": "bz",
        },
      ]
    `);
  });

  it('moves it the same way without prune: no duplicate, nothing blocked', () => {
    const i = input({ desired: [moved], bz, ledger: owned });
    expect(outcome(plan(i))).toEqual(['update Project/web-eu']);
    expect(replan(i)).toEqual({ left: [], ledgerKeys: ['Project/web-eu'] });
  });

  it('still needs a replace, allowed by replacePolicy, when a creation-time field changed too', () => {
    const debug = (replacePolicy: 'Never' | 'Allow') => renamedAs(project('web', { projectName: 'web-app', debugEnabled: true, replacePolicy }), 'web-eu');
    const blocked = plan(input({ desired: [debug('Never')], bz, ledger: owned, options: { prune: true } }));
    expect(outcome(blocked)).toEqual(['blocked Project/web-eu: PLAN_REPLACE_NOT_ALLOWED']);
    const i = input({ desired: [debug('Allow')], bz, ledger: owned, options: { prune: true } });
    const p = plan(i);
    expect(p.changes.map((c) => [c.action, c.key, c.reason])).toMatchInlineSnapshot(`
      [
        [
          "replace",
          "Project/web-eu",
          "projects cannot be updated: debugEnabled changed; the project gets a new projectId and projectApiKey; renamed from Project/web",
        ],
      ]
    `);
    expect(p.steps.map((s) => s.operation.type === 'project.delete' ? `delete ${s.operation.id}` : s.operation.type)).toEqual(['delete 42', 'project.create']);
    expect(replan(i)).toEqual({ left: [], ledgerKeys: ['Project/web-eu'] });
  });

  it('keeps today\'s behaviour while the old declaration is still declared', () => {
    const p = plan(input({ desired: [old, renamed], bz, ledger: owned, options: { prune: true } }));
    expect(outcome(p)).toEqual(['blocked Project/web-eu: PLAN_UNMANAGED_EXISTS']);
  });

  it('does not take a project it does not own, nor one whose projectName differs', () => {
    expect(outcome(plan(input({ desired: [renamed], bz, options: { prune: true } })))).toEqual(['blocked Project/web-eu: PLAN_UNMANAGED_EXISTS']);
    const other = renamedAs(project('web', { projectName: 'web-app-2' }), 'web-eu');
    expect(outcome(plan(input({ desired: [other], bz, ledger: owned, options: { prune: true } })))).toEqual(['delete Project/web', 'create Project/web-eu']);
  });
});

describe('renamed streamwise objects', () => {
  const old = provider('bbb-1', { providerName: 'BBB One' });
  const gold = pkg('gold', ['bbb-1*']);
  const silver = sub('silver', 'gold', ['bbb-1*']);
  const before = applied([
    [old, 'k1'],
    [gold, 'g1', ['k1*']],
    [silver, 's1', ['k1*']],
  ]);

  it('rewrites the name marker of a renamed provider and keeps the objects that reference it, with no create or delete', () => {
    const i = input({ desired: [renamedAs(old, 'bbb-eu-1'), pkg('gold', ['bbb-eu-1*']), sub('silver', 'gold', ['bbb-eu-1*'])], sw: before.sw, ledger: before.ledger, options: { prune: true } });
    const p = plan(i);
    expect(renderPlan(p, 'text')).toMatchInlineSnapshot(`
      "target sw
        ~ update ServicePackage/gold (id g1)
            metadata["syncwise.io/hash"]: "94b3b226" -> "f19c0b7d"
        ~ update ServiceProvider/bbb-eu-1 (id k1)
            metadata["syncwise.io/name"]: "bbb-1" -> "bbb-eu-1"
            reason: renamed from ServiceProvider/bbb-1
        ~ update Subscription/silver (id s1)
            metadata["syncwise.io/hash"]: "636dcf37" -> "55fd15c6"

      Plan: 0 to create, 3 to update, 0 to replace, 0 to delete, 0 blocked."
    `);
    const patch = p.steps.find((s) => s.key === 'ServiceProvider/bbb-eu-1')?.operation;
    expect(patch).toMatchObject({ type: 'provider.patch', id: { id: 'k1' }, body: { metadata: { 'syncwise.io/name': 'bbb-eu-1' } } });
    expect(patch).not.toHaveProperty('body.properties');
    expect(p.steps.map((s) => s.operation.type)).not.toContain('provider.create');
    expect(replan(i)).toEqual({ left: [], ledgerKeys: ['ServicePackage/gold', 'ServiceProvider/bbb-eu-1', 'Subscription/silver'] });
  });

  it('renames a package and a subscription together, and updates changed fields in the same patch', () => {
    const renamed = renamedAs(provider('bbb-1', { providerName: 'BBB One', properties: { url: 'https://moved.example.com/', secret: old.spec.properties.secret } }), 'bbb-eu-1');
    const desired = [renamed, renamedAs(pkg('gold', ['bbb-eu-1*']), 'gold-eu'), renamedAs(sub('silver', 'gold-eu', ['bbb-eu-1*']), 'silver-eu')];
    const i = input({ desired, sw: before.sw, ledger: before.ledger, options: { prune: true } });
    const p = plan(i);
    expect(p.changes.map((c) => `${c.action} ${c.key}: ${c.fields.map((f) => f.path).join(', ')} (${c.reason ?? ''})`)).toMatchInlineSnapshot(`
      [
        "update ServicePackage/gold-eu: metadata["syncwise.io/hash"], metadata["syncwise.io/name"] (renamed from ServicePackage/gold)",
        "update ServiceProvider/bbb-eu-1: properties.url, properties.secret (renamed from ServiceProvider/bbb-1)",
        "update Subscription/silver-eu: metadata["syncwise.io/hash"], metadata["syncwise.io/name"] (renamed from Subscription/silver)",
      ]
    `);
    expect(replan(i)).toEqual({ left: [], ledgerKeys: ['ServicePackage/gold-eu', 'ServiceProvider/bbb-eu-1', 'Subscription/silver-eu'] });
  });

  it('falls back to create and delete when two removed objects share the platform name, and says why', () => {
    const twin = provider('bbb-2', { providerName: 'BBB One' });
    const sw = streamwise({ providers: [liveProvider('k1', old), liveProvider('k2', twin)] });
    const p = plan(input({ desired: [renamedAs(old, 'bbb-eu-1')], sw, ledger: ledger([entry(old, 'k1'), entry(twin, 'k2')]), options: { prune: true } }));
    expect(outcome(p)).toEqual(['delete ServiceProvider/bbb-1', 'delete ServiceProvider/bbb-2', 'create ServiceProvider/bbb-eu-1']);
    expect(p.diagnostics.map((d) => `${d.code} ${d.summary}`)).toMatchInlineSnapshot(`
      [
        "PLAN_RENAME_AMBIGUOUS ServiceProvider/bbb-eu-1 is not taken as a rename of ServiceProvider/bbb-1 or ServiceProvider/bbb-2: each has the same platform name "BBB One"",
      ]
    `);
  });

  it('falls back when two new declarations could each be the new name of one removed object', () => {
    const sw = streamwise({ providers: [liveProvider('k1', old)] });
    const p = plan(input({ desired: [renamedAs(old, 'a'), renamedAs(old, 'b')], sw, ledger: ledger([entry(old, 'k1')]), options: { prune: true } }));
    expect(outcome(p)).toEqual(['create ServiceProvider/a', 'create ServiceProvider/b', 'delete ServiceProvider/bbb-1']);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['PLAN_RENAME_AMBIGUOUS', 'PLAN_RENAME_AMBIGUOUS']);
  });

  it('falls back when the platform could not make the change in place (providerType, a subscription\'s package)', () => {
    const sw = streamwise({ providers: [liveProvider('k1', old)] });
    const retyped = plan(input({ desired: [renamedAs(provider('bbb-1', { providerName: 'BBB One', providerType: 'scalelite' }), 'bbb-eu-1')], sw, ledger: ledger([entry(old, 'k1')]), options: { prune: true } }));
    expect(outcome(retyped)).toEqual(['delete ServiceProvider/bbb-1', 'create ServiceProvider/bbb-eu-1']);
    const platinum = pkg('platinum', ['bbb-1*']);
    const moved = renamedAs(sub('silver', 'platinum', ['bbb-1*']), 'silver-eu');
    const p = plan(input({ desired: [old, gold, platinum, moved], sw: before.sw, ledger: before.ledger, options: { prune: true } }));
    expect(outcome(p)).toEqual(['create ServicePackage/platinum', 'delete Subscription/silver', 'create Subscription/silver-eu']);
  });
});

describe('renames after an apply', () => {
  /** Renames the projects and subscriptions (nothing references them by name) that `flags` picks. */
  function renameLeaves(i: PlanInput, flags: readonly boolean[]): { input: PlanInput; moved: Map<string, string> } {
    const moved = new Map<string, string>();
    const desired = i.desired.map((d, n) => {
      if ((d.kind !== 'Project' && d.kind !== 'Subscription') || flags[n % flags.length] !== true) return d;
      const r = renamedAs(d, `${d.name}-renamed`);
      moved.set(r.key, d.key);
      return r;
    });
    return { input: { ...i, desired }, moved };
  }

  test.prop([arbInput, fc.array(fc.boolean(), { minLength: 7, maxLength: 7 })], { numRuns: 200 })('keeps every renamed project it owns and converges', (start, flags) => {
    const settled = applyToLive(start, plan(start));
    const { input: renamed, moved } = renameLeaves(settled, flags);
    const p = plan(renamed);
    const after = applyToLive(renamed, p);
    const left = plan(after).changes.filter((c) => c.action !== 'blocked' && (c.action !== 'noop' || c.ledger !== undefined));
    expect(left.map((c) => `${c.action} ${c.key}`)).toEqual([]);
    const bz = after.live.bz;
    const liveIds = new Set(bz?.api === 'bluzone' ? bz.projects.map((x) => x.projectId) : []);
    for (const [key, old] of moved) {
      const e = settled.ledger.entries[old];
      const c = p.changes.find((x) => x.key === key);
      if (c?.kind !== 'Project' || e?.state !== 'applied' || e.externalId === 'gone') continue;
      expect(['update', 'replace', 'blocked']).toContain(c.action);
      if (c.action === 'replace') continue;
      expect(liveIds.has(e.externalId)).toBe(true);
      expect(after.ledger.entries[c.action === 'update' ? key : old]?.externalId).toBe(e.externalId);
      if (c.action === 'update') expect(after.ledger.entries[old]).toBeUndefined();
    }
  });
});

describe('secrets of a renamed declaration', () => {
  const old = project('web', { projectName: 'web-app' });
  const bz = bluzone({ projects: [liveProject('42', old)], reseller: { serviceProviderId: 'sp1', defaultRemoteStorage: storage(), defaultRemoteConsumer: consumer() } });
  /** The ledger after `old` was applied, with its secret hashes made the way the engine makes them. */
  const owned = ledger([entry(old, '42', { secretHashes: hashSecrets('salt', old) })]);
  /** `d` as the engine hands it to the planner: its own secret hashes, and those under the old key. */
  const prepared = (d: Desired): Desired => {
    const [ready] = withRenameHashes([{ ...d, secretHashes: hashSecrets('salt', d) }], owned);
    return ready as Desired;
  };

  it('hashes a new declaration\'s secrets under the keys of the entries it may take over, and only those', () => {
    const ready = prepared(renamedAs(old, 'web-eu'));
    expect(Object.keys(ready.secretHashesAs ?? {})).toEqual(['Project/web']);
    expect(ready.secretHashesAs?.['Project/web']).toEqual(owned.entries['Project/web']?.secretHashes);
    const [kept] = withRenameHashes([{ ...old, secretHashes: hashSecrets('salt', old) }], owned);
    expect(kept?.secretHashesAs).toBeUndefined(); // declared already: no rename to look for
  });

  it('keeps an unchanged password through the rename: a ledger-only update', () => {
    const p = plan(input({ desired: [prepared(renamedAs(old, 'web-eu'))], bz, ledger: owned, options: { prune: true } }));
    expect(outcome(p)).toEqual(['update Project/web-eu']);
    expect(p.steps).toEqual([]);
  });

  it('sees a password changed in the same edit: the project needs a replace', () => {
    const rotated = renamedAs(project('web', { projectName: 'web-app', defaultOwnerPassword: sensitive('rotated-password') }), 'web-eu');
    const p = plan(input({ desired: [prepared(rotated)], bz, ledger: owned, options: { prune: true } }));
    expect(outcome(p)).toEqual(['blocked Project/web-eu: PLAN_REPLACE_NOT_ALLOWED']);
    expect(p.changes[0]?.fields).toContainEqual({ path: 'defaultOwnerPassword', sensitive: true });
    const allowed = plan(input({ desired: [prepared({ ...rotated, spec: { ...rotated.spec, replacePolicy: 'Allow' } })], bz, ledger: owned, options: { prune: true } }));
    expect(outcome(allowed)).toEqual(['replace Project/web-eu']);
  });
});
