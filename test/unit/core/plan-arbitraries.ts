/**
 * fast-check arbitraries of whole planner inputs on one streamwise target: providers, packages
 * and subscriptions that may be declared, live, owned by the ledger, owned by someone else, or
 * unmanaged, with random attachments and defaults, and random prune options.
 */
import fc from 'fast-check';
import type { PlanInput } from '../../../src/core/change.js';
import type { LedgerEntry } from '../../../src/core/ledger.js';
import type { LivePackage, LiveProvider, LiveSubscription } from '../../../src/core/live.js';
import type { Desired, Metadata } from '../../../src/core/model.js';
import { entry, input, ledger, livePackage, liveProvider, liveSub, markers, pkg, provider, streamwise, sub } from './plan-fixtures.js';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

interface ObjectPlan {
  readonly declared: boolean;
  readonly live: boolean;
  readonly owned: boolean;
  readonly foreign: boolean;
}

const objectPlan = fc.record({ declared: fc.boolean(), live: fc.boolean(), owned: fc.boolean(), foreign: fc.nat(9).map((n) => n === 0) });

/** A non-empty subset of the given names with exactly one default, as fixture strings (`'a*'`). */
function attachmentList(names: readonly string[]): fc.Arbitrary<string[]> {
  return fc.subarray([...names], { minLength: 1 }).chain((list) => fc.nat(list.length - 1).map((d) => list.map((n, i) => (i === d ? `${n}*` : n))));
}

interface World {
  desired: Desired[];
  providers: LiveProvider[];
  packages: LivePackage[];
  subscriptions: LiveSubscription[];
  entries: LedgerEntry[];
}

function place<D extends Desired>(w: World, d: D, o: ObjectPlan, liveOf: (id: string, meta: Metadata) => void): void {
  const id = `${d.kind.slice(0, 3)}-${d.name}`;
  if (o.declared) w.desired.push(d);
  if (o.live) liveOf(id, o.foreign ? markers(d, [], 'team-b') : o.owned ? markers(d) : {});
  if (o.owned && !o.foreign) w.entries.push(entry(d, o.live ? id : 'gone'));
}

/** A random planner input; `prune` and `force` are random too. */
export const arbInput: fc.Arbitrary<PlanInput> = fc
  .record({
    providers: fc.array(fc.tuple(objectPlan, fc.boolean(), fc.boolean()), { minLength: NAMES.length, maxLength: NAMES.length }),
    packages: fc.array(fc.tuple(objectPlan, attachmentList(NAMES), attachmentList(NAMES)), { minLength: 3, maxLength: 3 }),
    subs: fc.array(fc.tuple(objectPlan, fc.nat(2), attachmentList(NAMES), attachmentList(NAMES)), { minLength: 3, maxLength: 3 }),
    prune: fc.boolean(),
    force: fc.boolean(),
  })
  .map(({ providers, packages, subs, prune, force }) => {
    const w: World = { desired: [], providers: [], packages: [], subscriptions: [], entries: [] };
    const live = (s: string): string => (s.endsWith('*') ? `Ser-${s.slice(0, -1)}*` : `Ser-${s}`);
    providers.forEach(([o, active, liveActive], i) => {
      const d = provider(NAMES[i] ?? 'x', { active });
      place(w, d, o, (id, metadata) => w.providers.push(liveProvider(id, d, { active: liveActive, metadata })));
    });
    packages.forEach(([o, want, have], i) => {
      const d = pkg(`g${i}`, want);
      place(w, d, o, (id, metadata) => w.packages.push(livePackage(id, `G${i}`, have.map(live), metadata)));
    });
    subs.forEach(([o, pi, want, have], i) => {
      const d = sub(`s${i}`, `g${pi}`, want);
      place(w, d, o, (id, metadata) => w.subscriptions.push(liveSub(id, `S${i}`, `Ser-g${pi}`, have.map(live), metadata)));
    });
    const sw = streamwise({ providers: w.providers, packages: w.packages, subscriptions: w.subscriptions });
    return input({ desired: w.desired, sw, ledger: ledger(w.entries), options: { prune, force } });
  });

/** The same input with every list in another order. */
export function shuffled(i: PlanInput, order: (n: number) => number[]): PlanInput {
  const perm = <T>(list: readonly T[]): T[] => order(list.length).map((k) => list[k] as T);
  const live = Object.fromEntries(
    Object.entries(i.live)
      .reverse()
      .map(([name, t]) => [name, t.api === 'streamwise' ? { ...t, providers: perm(t.providers), packages: perm(t.packages), subscriptions: perm(t.subscriptions) } : { ...t, projects: perm(t.projects) }]),
  );
  const entries = Object.fromEntries(perm(Object.entries(i.ledger.entries)));
  return { ...i, desired: perm(i.desired), live, ledger: { ...i.ledger, entries } };
}
