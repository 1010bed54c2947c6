import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/core/change.js';
import { plan } from '../../../src/core/plan.js';
import {
  applied,
  bluzone,
  consumer,
  defaults,
  input,
  pkg,
  project,
  provider,
  storage,
  sub,
} from './plan-fixtures.js';

/** The waves as `wave N: step, step`. */
export function waves(p: Plan): string[] {
  return p.waves.map((w, i) => `${i}: ${w.join(', ')}`);
}

const p1 = provider('p1');
const p2 = provider('p2');
const p3 = provider('p3');

describe('ordering', () => {
  it('creates providers, then packages, then subscriptions, with references to created objects', () => {
    const p = plan(input({ desired: [sub('acme', 'gold', ['p1*']), pkg('gold', ['p1*', 'p2']), p2, p1] }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ServiceProvider/p1#create, ServiceProvider/p2#create",
        "1: ServicePackage/gold#create",
        "2: Subscription/acme#create",
      ]
    `);
    const subStep = p.steps.find((s) => s.id === 'Subscription/acme#create');
    expect(subStep?.operation).toMatchObject({ body: { packageId: { createdBy: 'ServicePackage/gold#create' }, providers: [{ provider: { createdBy: 'ServiceProvider/p1#create' }, isDefault: true }] } });
    expect(subStep?.dependsOn).toEqual(['ServicePackage/gold#create', 'ServiceProvider/p1#create']);
  });

  it('runs steps of unrelated objects in the same wave', () => {
    const p = plan(input({ desired: [provider('a'), provider('b'), provider('c')] }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ServiceProvider/a#create, ServiceProvider/b#create, ServiceProvider/c#create",
      ]
    `);
  });

  it('splits a package update that adds and removes providers so subscriptions move in between', () => {
    const gold = pkg('gold', ['p2*']);
    const acme = sub('acme', 'gold', ['p2*']);
    const before = applied([[p1, 'k1'], [p2, 'k2'], [gold, 'g1', ['k1*']], [acme, 's1', ['k1*']]]);
    const p = plan(input({ desired: [p1, p2, gold, acme], ...before }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ServicePackage/gold#attach",
        "1: Subscription/acme#update",
        "2: ServicePackage/gold#detach",
      ]
    `);
    expect(p.steps.find((s) => s.id === 'ServicePackage/gold#attach')?.operation).toMatchObject({
      body: { providers: [{ provider: { id: 'k1' }, isDefault: false }, { provider: { id: 'k2' }, isDefault: true }] },
    });
    expect(p.steps.find((s) => s.id === 'ServicePackage/gold#detach')?.operation).toMatchObject({ body: { providers: [{ provider: { id: 'k2' }, isDefault: true }] } });
  });

  it('removes a provider from subscriptions before the package detaches it', () => {
    const gold = pkg('gold', ['p1*']);
    const acme = sub('acme', 'gold', ['p1*']);
    const before = applied([[p1, 'k1'], [p2, 'k2'], [gold, 'g1', ['k1*', 'k2']], [acme, 's1', ['k1*', 'k2']]]);
    const p = plan(input({ desired: [p1, p2, gold, acme], ...before }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: Subscription/acme#update",
        "1: ServicePackage/gold#update",
      ]
    `);
  });

  it('moves a default away before disabling the provider', () => {
    const off = provider('p1', { active: false });
    const gold = pkg('gold', ['p1', 'p2*']);
    const acme = sub('acme', 'gold', ['p1', 'p2*']);
    const before = applied([[p1, 'k1'], [p2, 'k2'], [gold, 'g1', ['k1*', 'k2']], [acme, 's1', ['k1*', 'k2']]]);
    const p = plan(input({ desired: [off, p2, gold, acme], ...before }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ServicePackage/gold#update, Subscription/acme#update",
        "1: ServiceProvider/p1#update",
      ]
    `);
    expect(p.changes.filter((c) => c.action === 'blocked')).toEqual([]);
  });

  it('enables a provider before making it the default', () => {
    const gold = pkg('gold', ['p1', 'p2*']);
    const before = applied([[p1, 'k1'], [provider('p2', { active: false }), 'k2'], [gold, 'g1', ['k1*', 'k2']]]);
    const p = plan(input({ desired: [p1, p2, gold], ...before }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ServiceProvider/p2#update",
        "1: ServicePackage/gold#update",
      ]
    `);
  });

  it('enables a provider before any patch that sends it as the default, changed or not', () => {
    const gold = pkg('gold', ['p1*']);
    const acme = sub('acme', 'gold', ['p1*']);
    const before = applied([[provider('p1', { active: false }), 'k1'], [p2, 'k2'], [gold, 'g1', ['k1*', 'k2']], [acme, 's1', ['k1*', 'k2']]]);
    const p = plan(input({ desired: [p1, p2, gold, acme], ...before }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ServiceProvider/p1#update",
        "1: Subscription/acme#update",
        "2: ServicePackage/gold#update",
      ]
    `);
  });

  it('detaches a provider from subscriptions, then packages, before deleting it', () => {
    const gold = pkg('gold', ['p1*']);
    const acme = sub('acme', 'gold', ['p1*']);
    const before = applied([[p1, 'k1'], [p2, 'k2'], [gold, 'g1', ['k1*', 'k2']], [acme, 's1', ['k1*', 'k2']]]);
    const p = plan(input({ desired: [p1, gold, acme], ...before, options: { prune: true } }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: Subscription/acme#update",
        "1: ServicePackage/gold#update",
        "2: ServiceProvider/p2#delete",
      ]
    `);
  });

  it('deletes subscriptions, then packages, then providers', () => {
    const gold = pkg('gold', ['p1*']);
    const acme = sub('acme', 'gold', ['p1*']);
    const before = applied([[p1, 'k1'], [p3, 'k3'], [gold, 'g1', ['k1*']], [acme, 's1', ['k1*']]]);
    const p = plan(input({ desired: [p3], ...before, options: { prune: true } }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: Subscription/acme#delete",
        "1: ServicePackage/gold#delete",
        "2: ServiceProvider/p1#delete",
      ]
    `);
  });

  it('creates projects that follow the reseller defaults after the defaults are set', () => {
    const main = defaults('main', { remoteStorage: storage(), remoteConsumer: consumer() });
    const p = plan(input({ desired: [project('alpha'), main, project('beta', { remoteStorage: storage() })], bz: bluzone() }));
    expect(waves(p)).toMatchInlineSnapshot(`
      [
        "0: ProjectDefaults/main#consumer, ProjectDefaults/main#storage",
        "1: Project/alpha#create, Project/beta#create",
      ]
    `);
  });
});
