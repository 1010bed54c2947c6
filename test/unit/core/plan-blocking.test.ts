import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/core/change.js';
import { META_NAME, META_OWNER } from '../../../src/core/model.js';
import { plan } from '../../../src/core/plan.js';
import { entry, input, ledger, markers, livePackage, liveProvider, liveSub, pkg, provider, streamwise, sub } from './plan-fixtures.js';

/** Every change that is not a noop, as `action key: rule | reason | hint`. */
function outcome(p: Plan): string[] {
  return p.changes
    .filter((c) => c.action !== 'noop')
    .map((c) => (c.blocker ? `${c.action} ${c.key}: ${c.blocker.rule} | ${c.reason ?? ''} | ${c.blocker.hint}` : `${c.action} ${c.key}`));
}

const p1 = provider('p1');
const p2 = provider('p2');

describe('blocking by the platform rules', () => {
  it('blocks disabling a provider that is the default of an unmanaged package, with the smallest fix', () => {
    const off = provider('p2', { active: false });
    const live = streamwise({ providers: [liveProvider('k2', p2)], packages: [livePackage('k3Jx9q', 'Manual', ['k2*'])] });
    const p = plan(input({ desired: [off], sw: live, ledger: ledger([entry(p2, 'k2')]) }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServiceProvider/p2: provider_is_default | the platform would refuse to disable provider p2 (409 provider_is_default) | provider p2 is the default of package "Manual" (id k3Jx9q), which this configuration does not manage: make another provider its default there, or keep p2 active",
      ]
    `);
    expect(p.changes[0]?.blocker?.by).toEqual({ kind: 'ServicePackage', id: 'k3Jx9q' });
    expect(p.steps).toEqual([]);
  });

  it('blocks deleting a provider still attached to an unmanaged package', () => {
    const live = streamwise({ providers: [liveProvider('k1', p1), liveProvider('k2', p2)], packages: [livePackage('m1', 'Manual', ['k1*', 'k2'])] });
    const p = plan(input({ desired: [p1], sw: live, ledger: ledger([entry(p1, 'k1'), entry(p2, 'k2')]), options: { prune: true } }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServiceProvider/p2: provider_in_use | the platform would refuse to delete provider p2 (409 provider_in_use) | provider p2 is attached to package "Manual" (id m1), which this configuration does not manage: remove it from there, or declare p2 again",
      ]
    `);
  });

  it('blocks deleting a package that still has an unmanaged subscription', () => {
    const gold = pkg('gold', ['p1*']);
    const live = streamwise({ providers: [liveProvider('k1', p1)], packages: [livePackage('g1', 'GOLD', ['k1*'])], subscriptions: [liveSub('s9', 'Walk-in', 'g1', ['k1*'])] });
    const p = plan(input({ desired: [p1], sw: live, ledger: ledger([entry(p1, 'k1'), entry(gold, 'g1')]), options: { prune: true } }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: package_in_use | the platform would refuse to delete package "GOLD" (ServicePackage/gold) (409 package_in_use) | package "GOLD" (ServicePackage/gold) still has subscription "Walk-in" (id s9), which this configuration does not manage: delete that subscription first, or declare gold again",
      ]
    `);
  });

  it('blocks removing a provider from a package while an unmanaged subscription uses it', () => {
    const gold = pkg('gold', ['p1*']);
    const live = streamwise({
      providers: [liveProvider('k1', p1), liveProvider('k2', p2)],
      packages: [livePackage('g1', 'GOLD', ['k1*', 'k2'])],
      subscriptions: [liveSub('s9', 'Walk-in', 'g1', ['k2*'])],
    });
    const p = plan(input({ desired: [p1, p2, gold], sw: live, ledger: ledger([entry(p1, 'k1'), entry(p2, 'k2'), entry(gold, 'g1')]) }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: provider_not_in_package | the platform would refuse to remove provider p2 from package gold (409 provider_not_in_package) | provider p2 is used by subscription "Walk-in" (id s9), which this configuration does not manage: remove it from that subscription first, or keep it in package gold",
      ]
    `);
  });

  it('blocks a subscription that attaches a provider its package does not have', () => {
    const gold = pkg('gold', ['p1*']);
    const acme = sub('acme', 'gold', ['p1*', 'p2']);
    const live = streamwise({ providers: [liveProvider('k1', p1), liveProvider('k2', p2)], packages: [livePackage('g1', 'GOLD', ['k1*'], markers(gold))] });
    const p = plan(input({ desired: [p1, p2, gold, acme], sw: live, ledger: ledger([entry(p1, 'k1'), entry(p2, 'k2'), entry(gold, 'g1')]) }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked Subscription/acme: provider_not_in_package | provider p2 is not in package "GOLD" (ServicePackage/gold) (422 provider_not_in_package) | add p2 to the providers of package "GOLD" (ServicePackage/gold), or remove it from subscription acme",
      ]
    `);
  });

  it('blocks making a disabled provider the default', () => {
    const p = plan(input({ desired: [provider('p1', { active: false }), pkg('gold', ['p1*'])] }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: validation_failed | package gold would make disabled provider p1 its default (422 validation_failed) | set active: true on p1, or make another provider the default of package gold",
        "create ServiceProvider/p1",
      ]
    `);
  });

  it('blocks a package without exactly one default provider', () => {
    const p = plan(input({ desired: [p1, p2, pkg('gold', ['p1*', 'p2*']), pkg('silver', ['p1'])] }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: validation_failed | package gold would have 2 default providers (422 validation_failed) | mark exactly one provider of package gold as default",
        "blocked ServicePackage/silver: validation_failed | package silver would have 0 default providers (422 validation_failed) | mark exactly one provider of package silver as default",
        "create ServiceProvider/p1",
        "create ServiceProvider/p2",
      ]
    `);
  });

  it('blocks a reference to a platform id that does not exist', () => {
    const p = plan(input({ desired: [pkg('gold', ['#nope*'])] }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: validation_failed | package gold references provider id "nope", which does not exist on target "sw" (422 validation_failed) | fix the providerId, or reference a declared provider by providerRef",
      ]
    `);
  });

  it('blocks everything that depends on a blocked change', () => {
    const live = streamwise({ providers: [liveProvider('x1', undefined, { metadata: { [META_NAME]: 'p1', [META_OWNER]: 'team-b' } })] });
    const p = plan(input({ desired: [p1, pkg('gold', ['p1*']), sub('acme', 'gold', ['p1*'])], sw: live }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: PLAN_BLOCKED_DEPENDENCY | depends on blocked ServiceProvider/p1 | unblock ServiceProvider/p1 first (see its reason)",
        "blocked ServiceProvider/p1: PLAN_OWNED_ELSEWHERE | ServiceProvider p1 (id x1) on the platform is owned by configuration "team-b" | ServiceProvider/p1 (id x1) is managed by configuration "team-b": remove it from that configuration (or delete it on the platform), or rename this declaration",
        "blocked Subscription/acme: PLAN_BLOCKED_DEPENDENCY | depends on blocked ServiceProvider/p1 | unblock ServiceProvider/p1 first (see its reason)",
      ]
    `);
    expect(p.steps).toEqual([]);
  });

  it('reports a reference to an undeclared name as PLAN_DANGLING_REF', () => {
    const p = plan(input({ desired: [pkg('gold', ['ghost*']), sub('acme', 'nowhere', ['ghost*'])] }));
    expect(p.diagnostics.map((d) => `${d.severity} ${d.code} ${d.summary}`)).toMatchInlineSnapshot(`
      [
        "error PLAN_DANGLING_REF ServicePackage/gold: providerRef "ghost" names no ServiceProvider declared on target "sw"",
        "error PLAN_DANGLING_REF Subscription/acme: providerRef "ghost" names no ServiceProvider declared on target "sw"",
      ]
    `);
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServicePackage/gold: PLAN_DANGLING_REF | providerRef "ghost" names no ServiceProvider declared on target "sw" | declare ServiceProvider ghost on target "sw", fix the name, or reference an existing object by id",
        "blocked Subscription/acme: PLAN_DANGLING_REF | providerRef "ghost" names no ServiceProvider declared on target "sw" | declare ServiceProvider ghost on target "sw", fix the name, or reference an existing object by id",
      ]
    `);
  });

  it('blocks a change of providerType, which the platform cannot patch', () => {
    const live = streamwise({ providers: [liveProvider('k1', p1)] });
    const p = plan(input({ desired: [provider('p1', { providerType: 'scalelite' })], sw: live, ledger: ledger([entry(p1, 'k1')]) }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServiceProvider/p1: PLAN_IMMUTABLE_FIELD | providerType cannot change on the platform (bbb -> scalelite) | keep providerType bbb on p1, or declare a new provider (another name) of type scalelite and move packages to it",
      ]
    `);
  });

  it('blocks moving a subscription to another package', () => {
    const gold = pkg('gold', ['p1*']);
    const silver = pkg('silver', ['p1*']);
    const acme = sub('acme', 'gold', ['p1*']);
    const live = streamwise({
      providers: [liveProvider('k1', p1)],
      packages: [livePackage('g1', 'GOLD', ['k1*'], markers(gold)), livePackage('g2', 'SILVER', ['k1*'], markers(silver))],
      subscriptions: [liveSub('s1', 'ACME', 'g1', ['k1*'])],
    });
    const l = ledger([entry(p1, 'k1'), entry(gold, 'g1'), entry(silver, 'g2'), entry(acme, 's1')]);
    const p = plan(input({ desired: [p1, gold, silver, sub('acme', 'silver', ['p1*'])], sw: live, ledger: l }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked Subscription/acme: PLAN_IMMUTABLE_FIELD | a subscription cannot move to another package (gold -> silver) | keep package gold on acme, or declare a new subscription (another name) for package silver and remove this one",
      ]
    `);
  });

  it('lets independent changes through when one change is blocked', () => {
    const off = provider('p2', { active: false });
    const live = streamwise({ providers: [liveProvider('k2', p2)], packages: [livePackage('m1', 'Manual', ['k2*'])] });
    const p = plan(input({ desired: [off, provider('p3')], sw: live, ledger: ledger([entry(p2, 'k2')]) }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "blocked ServiceProvider/p2: provider_is_default | the platform would refuse to disable provider p2 (409 provider_is_default) | provider p2 is the default of package "Manual" (id m1), which this configuration does not manage: make another provider its default there, or keep p2 active",
        "create ServiceProvider/p3",
      ]
    `);
    expect(p.waves).toEqual([['ServiceProvider/p3#create']]);
  });
});
