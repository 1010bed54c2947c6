import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Plan, PlanInput } from '../../../src/core/change.js';
import { refsOf } from '../../../src/core/dependencies.js';
import { buildContext } from '../../../src/core/context.js';
import { matchAll } from '../../../src/core/match.js';
import { META_OWNER } from '../../../src/core/model.js';
import { plan } from '../../../src/core/plan.js';
import { renderPlan } from '../../../src/core/render.js';
import { simulate } from '../../../src/core/rules.js';
import { applyToLive } from './fake-apply.js';
import { arbInput, shuffled } from './plan-arbitraries.js';
import { entry, input, ledger, livePackage, liveProvider, liveSub, pkg, provider, streamwise, sub } from './plan-fixtures.js';

/** A permutation of 0..n-1 drawn from `seed`. */
function permutation(seed: number): (n: number) => number[] {
  return (n) => Array.from({ length: n }, (_, k) => k).sort((a, b) => ((a * 7919 + seed) % 104729) - ((b * 7919 + seed) % 104729) || a - b);
}

function waveOf(p: Plan): Map<string, number> {
  const out = new Map<string, number>();
  p.waves.forEach((w, i) => w.forEach((id) => out.set(id, i)));
  return out;
}

function checkOrder(p: Plan): void {
  const wave = waveOf(p);
  expect(wave.size).toBe(p.steps.length);
  for (const s of p.steps) {
    const mine = wave.get(s.id) ?? -1;
    for (const d of s.dependsOn) expect(wave.get(d) ?? Infinity, `${s.id} after ${d}`).toBeLessThan(mine);
    for (const ref of refsOf(s.operation)) if ('createdBy' in ref) expect(s.dependsOn).toContain(ref.createdBy);
  }
}

function checkChanges(p: Plan): void {
  const steps = new Map(p.steps.map((s) => [s.id, s]));
  const claimed = new Set<string>();
  for (const c of p.changes) {
    if (c.action === 'blocked' || c.action === 'noop' || c.action === 'forget') expect(c.steps).toEqual([]);
    for (const id of c.steps) {
      expect(steps.get(id)?.key).toBe(c.key);
      claimed.add(id);
    }
  }
  expect(claimed.size).toBe(p.steps.length);
}

function checkOwnership(i: PlanInput, p: Plan): void {
  const sw = i.live.sw;
  const foreign = new Set(sw?.api === 'streamwise' ? [...sw.providers, ...sw.packages, ...sw.subscriptions].filter((o) => o.metadata[META_OWNER] === 'team-b').map((o) => o.id) : []);
  const replaced = new Set(p.changes.filter((c) => c.action === 'replace').map((c) => c.key));
  const ownedAs = new Map(p.changes.flatMap((c) => (c.ledger && 'set' in c.ledger && c.ledger.movedFrom !== undefined ? [[c.key, c.ledger.movedFrom]] : [])));
  for (const s of p.steps) {
    const op = s.operation;
    if (op.type.endsWith('.delete') && 'id' in op) {
      if (!replaced.has(s.key)) expect(i.options.prune).toBe(true);
      expect(i.ledger.entries[ownedAs.get(s.key) ?? s.key]?.externalId).toBe(op.id);
    }
    if ('id' in op) expect(foreign.has(typeof op.id === 'string' ? op.id : 'id' in op.id ? op.id.id : '')).toBe(false);
  }
}

describe('planner properties', () => {
  test.prop([arbInput, fc.integer({ min: 1, max: 1_000_000 })], { numRuns: 300 })('gives the same plan and rendering for the same input in any order', (i, seed) => {
    const a = plan(i);
    const b = plan(shuffled(i, permutation(seed)));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(renderPlan(b, 'text')).toBe(renderPlan(a, 'text'));
  });

  test.prop([arbInput], { numRuns: 300 })('orders every step after its dependencies and every create before its users', (i) => {
    const p = plan(i);
    checkOrder(p);
    checkChanges(p);
  });

  test.prop([arbInput], { numRuns: 300 })('deletes only ledger-owned objects, with prune unless replacing, and never touches objects owned elsewhere', (i) => {
    checkOwnership(i, plan(i));
  });
});

/** Plays the plan's steps with every wave in reverse order: no refusal means same-wave steps commute. */
function refusalsInReverseWaves(i: PlanInput, p: Plan): string[] {
  const ctx = buildContext(i);
  const byId = new Map(p.steps.map((s) => [s.id, s]));
  const ordered = p.waves.flatMap((w) => [...w].reverse().flatMap((id) => byId.get(id) ?? []));
  return simulate({ ctx, matches: matchAll(ctx) }, ordered).refusals.map((r) => `${r.key}: ${r.blocker.rule}`);
}

describe('convergence', () => {
  test.prop([arbInput], { numRuns: 300 })('plans nothing but the blocked changes again once a plan is applied', (i) => {
    const second = plan(applyToLive(i, plan(i)));
    const left = second.changes.filter((c) => c.action !== 'blocked' && (c.action !== 'noop' || c.ledger !== undefined));
    expect(left.map((c) => `${c.action} ${c.key}`)).toEqual([]);
  });
});

describe('parallel waves', () => {
  test.prop([arbInput], { numRuns: 300 })('runs steps of one wave in any order without a refusal', (i) => {
    expect(refusalsInReverseWaves(i, plan(i))).toEqual([]);
  });
});

describe('scale', () => {
  it('plans 20,000 objects with indexes, not scans', () => {
    const n = 5_000;
    const providers = Array.from({ length: n }, (_, i) => provider(`p${i}`, { active: i % 7 !== 0 }));
    const packages = Array.from({ length: n }, (_, i) => pkg(`g${i}`, [`p${i}*`, `p${(i + 1) % n}`]));
    const subs = Array.from({ length: n * 2 }, (_, i) => sub(`s${i}`, `g${i % n}`, [`p${i % n}*`]));
    const live = streamwise({
      providers: providers.map((d, i) => liveProvider(`k${i}`, d, { active: true })),
      packages: packages.map((_, i) => livePackage(`g${i}`, `G${i}`, [`k${(i + 1) % n}*`])),
      subscriptions: subs.slice(0, n).map((_, i) => liveSub(`s${i}`, `S${i}`, `g${i % n}`, [`k${(i + 1) % n}*`])),
    });
    const l = ledger([...providers.map((d, i) => entry(d, `k${i}`)), ...packages.map((d, i) => entry(d, `g${i}`)), ...subs.slice(0, n).map((d, i) => entry(d, `s${i}`))]);
    const p = plan(input({ desired: [...providers, ...packages, ...subs], sw: live, ledger: l }));
    expect(p.changes.length).toBe(4 * n);
    checkOrder(p);
  });
});
