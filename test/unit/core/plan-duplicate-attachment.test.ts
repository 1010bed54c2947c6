import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/core/plan.js';
import { applied, input, pkg, provider } from './plan-fixtures.js';

// Found by the convergence property on the sandbox: a provider attached both by providerRef and by
// its platform id was sent twice in one list, and the platform answered 422.
describe('a provider attached twice under two references', () => {
  const p1 = provider('p1');
  const p2 = provider('p2');

  it('blocks the package create instead of sending a list the platform refuses', () => {
    const world = applied([[p1, 'k1'], [p2, 'k2']]);
    const gold = pkg('gold', ['p1*', '#k1']);
    const p = plan(input({ desired: [p1, p2, gold], sw: world.sw, ledger: world.ledger }));
    const change = p.changes.find((c) => c.key === 'ServicePackage/gold');
    expect({ action: change?.action, rule: change?.blocker?.rule, summary: change?.blocker?.summary, hint: change?.blocker?.hint }).toMatchInlineSnapshot(`
      {
        "action": "blocked",
        "hint": "attach provider p1 once to package gold: a providerRef and a providerId name the same provider",
        "rule": "validation_failed",
        "summary": "package gold would list provider p1 more than once (422 validation_failed)",
      }
    `);
    expect(p.steps.map((s) => s.id)).toEqual([]);
  });

  it('blocks the package update the same way, and nothing else', () => {
    const gold = pkg('gold', ['p1*']);
    const world = applied([[p1, 'k1'], [p2, 'k2'], [gold, 'g1', ['k1*']]]);
    const twice = pkg('gold', ['p1*', '#k1', 'p2']);
    const p = plan(input({ desired: [p1, p2, twice], sw: world.sw, ledger: world.ledger }));
    expect(p.changes.map((c) => `${c.action} ${c.key} ${c.blocker?.rule ?? ''}`.trim())).toEqual([
      'blocked ServicePackage/gold validation_failed',
      'noop ServiceProvider/p1',
      'noop ServiceProvider/p2',
    ]);
  });
});
