import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/core/change.js';
import { plan } from '../../../src/core/plan.js';
import { entry, input, ledger, liveProject, liveProvider, project, provider, streamwise, bluzone } from './plan-fixtures.js';

function outcome(p: Plan): string[] {
  return p.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}${c.blocker ? `: ${c.blocker.rule} | ${c.blocker.hint}` : ''}`);
}

/** `n` owned providers, all live; the first `keep` stay declared. */
function owned(n: number, keep: number) {
  const all = Array.from({ length: n }, (_, i) => provider(`p${String(i).padStart(2, '0')}`));
  return {
    desired: all.slice(0, keep),
    sw: streamwise({ providers: all.map((p, i) => liveProvider(`k${i}`, p)) }),
    ledger: ledger(all.map((p, i) => entry(p, `k${i}`))),
  };
}

describe('prune', () => {
  it('deletes nothing without prune', () => {
    const p = plan(input({ ...owned(3, 1) }));
    expect(outcome(p)).toEqual([]);
  });

  it('deletes owned objects that are no longer declared, with a ledger removal', () => {
    const p = plan(input({ ...owned(3, 1), options: { prune: true } }));
    expect(outcome(p)).toMatchInlineSnapshot(`
      [
        "delete ServiceProvider/p01",
        "delete ServiceProvider/p02",
      ]
    `);
    expect(p.changes.find((c) => c.key === 'ServiceProvider/p01')?.ledger).toEqual({ remove: 'ServiceProvider/p01' });
  });

  it('never deletes an object the ledger does not own, even one with our markers', () => {
    const stray = provider('stray');
    const sw = streamwise({ providers: [liveProvider('x1', stray), liveProvider('x2', undefined)] });
    const p = plan(input({ desired: [provider('p1')], sw, options: { prune: true, force: true } }));
    expect(outcome(p)).toEqual(['create ServiceProvider/p1']);
  });

  it('blocks every delete beyond the budget of half the owned objects (at least 5)', () => {
    const p = plan(input({ ...owned(14, 6), options: { prune: true } }));
    expect(p.changes.filter((c) => c.action === 'blocked').length).toBe(8);
    expect(p.changes.find((c) => c.action === 'blocked')?.blocker).toMatchInlineSnapshot(`
      {
        "hint": "pass --max-delete 8 or --force if these deletes are intended, or declare some of them again",
        "rule": "PLAN_DELETE_BUDGET",
        "summary": "this run would delete 8 objects, more than the limit of 7",
      }
    `);
    expect(p.steps).toEqual([]);
  });

  it('allows up to 5 deletes however few objects are owned', () => {
    const p = plan(input({ ...owned(6, 1), options: { prune: true } }));
    expect(p.changes.filter((c) => c.action === 'delete').length).toBe(5);
  });

  it('honours an explicit maxDelete, and force overrides the budget', () => {
    expect(plan(input({ ...owned(6, 4), options: { prune: true, maxDelete: 1 } })).changes.filter((c) => c.action === 'blocked').length).toBe(2);
    expect(plan(input({ ...owned(14, 2), options: { prune: true, force: true } })).changes.filter((c) => c.action === 'delete').length).toBe(12);
  });

  it('refuses to empty a target whose declarations are all missing, unless forced', () => {
    const blocked = plan(input({ ...owned(2, 0), options: { prune: true } }));
    expect(outcome(blocked)).toMatchInlineSnapshot(`
      [
        "blocked ServiceProvider/p00: PLAN_EMPTY_DESIRED | check the -f paths (an empty configuration would delete everything on "sw"), or pass --force",
        "blocked ServiceProvider/p01: PLAN_EMPTY_DESIRED | check the -f paths (an empty configuration would delete everything on "sw"), or pass --force",
      ]
    `);
    const forced = plan(input({ ...owned(2, 0), options: { prune: true, force: true } }));
    expect(outcome(forced)).toEqual(['delete ServiceProvider/p00', 'delete ServiceProvider/p01']);
  });

  it('forgets instead of deleting an object whose declaration said Orphan', () => {
    const kept = provider('keep');
    const orphan = provider('orphan', {}, { deletionPolicy: 'Orphan' });
    const sw = streamwise({ providers: [liveProvider('k1', kept), liveProvider('k2', orphan)] });
    const p = plan(input({ desired: [kept], sw, ledger: ledger([entry(kept, 'k1'), entry(orphan, 'k2', { deletionPolicy: 'Orphan' })]), options: { prune: true } }));
    expect(p.changes.find((c) => c.key === 'ServiceProvider/orphan')).toMatchObject({ action: 'forget', steps: [], ledger: { remove: 'ServiceProvider/orphan' } });
    expect(p.steps).toEqual([]);
  });

  it('records deletionPolicy Orphan in the ledger while the object is declared', () => {
    const orphan = provider('orphan', {}, { deletionPolicy: 'Orphan' });
    const p = plan(input({ desired: [orphan], sw: streamwise({ providers: [liveProvider('k2', orphan)] }), ledger: ledger([entry(orphan, 'k2')]) }));
    expect(p.changes[0]).toMatchObject({ action: 'noop', ledger: { set: { deletionPolicy: 'Orphan' } } });
  });

  it('forgets an owned object that is already gone from the platform', () => {
    const gone = provider('gone');
    const kept = provider('keep');
    const p = plan(input({ desired: [kept], sw: streamwise({ providers: [liveProvider('k1', kept)] }), ledger: ledger([entry(kept, 'k1'), entry(gone, 'k9')]), options: { prune: true } }));
    expect(outcome(p)).toEqual(['forget ServiceProvider/gone']);
  });

  it('deletes owned projects and forgets the reseller defaults', () => {
    const old = project('old');
    const keep = project('keep');
    const bz = bluzone({ projects: [liveProject('42', old), liveProject('43', keep)] });
    const l = ledger([entry(old, '42'), entry(keep, '43'), { ...entry(keep, 'sp1'), key: 'ProjectDefaults/main', kind: 'ProjectDefaults', name: 'main' }]);
    const p = plan(input({ desired: [keep], bz, ledger: l, options: { prune: true } }));
    expect(outcome(p)).toEqual(['delete Project/old', 'forget ProjectDefaults/main']);
    expect(p.steps.map((s) => s.operation)).toEqual([{ type: 'project.delete', id: '42' }]);
  });

  it('leaves alone what the ledger owns on a target that was not observed', () => {
    const elsewhere = provider('far', {}, { target: 'other' });
    const p = plan(input({ desired: [provider('p1')], ledger: ledger([entry(elsewhere, 'k1')]), options: { prune: true } }));
    expect(outcome(p)).toEqual(['create ServiceProvider/p1']);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['PLAN_TARGET_NOT_OBSERVED']);
  });

  it('warns that a declaration moved to another target leaves its old object unmanaged', () => {
    const moved = provider('p1', {}, { target: 'sw2' });
    const i = input({ desired: [moved], ledger: ledger([entry(provider('p1'), 'k1')]) });
    const p = plan({ ...i, live: { ...i.live, sw2: streamwise() } });
    expect(p.diagnostics.map((d) => d.summary)).toEqual(['ServiceProvider/p1 moved from target "sw" to "sw2": the object on "sw" (id k1) is no longer managed and stays there']);
  });
});
