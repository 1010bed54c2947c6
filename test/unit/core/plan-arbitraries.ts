/**
 * fast-check arbitraries of whole planner inputs on one streamwise target: providers, packages
 * and subscriptions that may be declared, live, owned by the ledger, owned by someone else, or
 * unmanaged, with random attachments and defaults, and random prune options.
 */
import fc from 'fast-check';
import type { PlanInput } from '../../../src/core/change.js';
import type { LedgerEntry } from '../../../src/core/ledger.js';
import type { LiveBluzone, LivePackage, LiveProject, LiveProvider, LiveSubscription } from '../../../src/core/live.js';
import type { Desired, Metadata } from '../../../src/core/model.js';
import { bluzone, consumer, defaults, entry, input, ledger, livePackage, liveProject, liveProvider, liveSub, markers, pkg, project, provider, storage, streamwise, sub } from './plan-fixtures.js';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

interface ObjectPlan {
  readonly declared: boolean;
  readonly live: boolean;
  readonly owned: boolean;
  readonly foreign: boolean;
}

const often = fc.nat(4).map((n) => n > 0);
const mostly = fc.nat(9).map((n) => n > 0);
const objectPlan = fc.record({ declared: often, live: fc.boolean(), owned: fc.boolean(), foreign: fc.nat(9).map((n) => n === 0) });

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

/** The fields of a project that may differ between declaration and platform. */
const arbProjectSpec = fc.record({ debugEnabled: fc.boolean(), ownStorage: fc.boolean(), allow: fc.boolean() });

/** Provider plans first, then packages and subscriptions that mostly reference declared providers. */
const arbParts = fc
  .array(fc.tuple(objectPlan, mostly, often), { minLength: NAMES.length, maxLength: NAMES.length })
  .chain((providers) => {
    const declared = NAMES.filter((_, i) => providers[i]?.[0].declared);
    const pool = declared.length > 0 ? fc.oneof({ arbitrary: fc.constant(declared), weight: 9 }, { arbitrary: fc.constant(NAMES), weight: 1 }) : fc.constant(NAMES);
    const lists = pool.chain((names) => attachmentList(names));
    return fc.record({
      providers: fc.constant(providers),
      packages: fc.array(fc.tuple(objectPlan, lists, attachmentList(NAMES)), { minLength: 3, maxLength: 3 }),
      subs: fc.array(fc.tuple(objectPlan, fc.nat(2), lists, attachmentList(NAMES)), { minLength: 3, maxLength: 3 }),
      projects: fc.array(fc.tuple(objectPlan, arbProjectSpec, arbProjectSpec), { minLength: 3, maxLength: 3 }),
      defaults: fc.record({ declared: fc.boolean(), region: fc.constantFrom('eu', 'us'), propagate: fc.boolean(), live: fc.constantFrom(undefined, 'eu', 'us') }),
      prune: fc.boolean(),
      force: fc.boolean(),
    });
  });

/**
 * Keeps the live attachments the platform could hold: providers that exist (and, for a
 * subscription, are in its package), exactly one default. Undefined when nothing is left.
 */
function possible(list: readonly string[], allowed: ReadonlySet<string>): string[] | undefined {
  const kept = list.filter((s) => allowed.has(s.replace(/\*$/, '')));
  if (kept.length === 0) return undefined;
  const hasDefault = kept.some((s) => s.endsWith('*'));
  return kept.map((s, i) => (hasDefault || i > 0 ? s : `${s}*`)).map((s) => `Ser-${s}`);
}

type ProjectSpecPlan = { debugEnabled: boolean; ownStorage: boolean; allow: boolean };

/** Places projects (declared as `want`, live as `have`) and the reseller defaults on `bz`. */
function placeBluzone(
  w: World,
  projects: readonly (readonly [ObjectPlan, ProjectSpecPlan, ProjectSpecPlan])[],
  dp: { declared: boolean; region: string; propagate: boolean; live: string | undefined },
): LiveBluzone {
  const spec = (x: ProjectSpecPlan) => ({ debugEnabled: x.debugEnabled, replacePolicy: x.allow ? ('Allow' as const) : ('Never' as const), ...(x.ownStorage ? { remoteStorage: storage() } : {}) });
  const live: LiveProject[] = [];
  projects.forEach(([o, want, have], i) => {
    const d = project(`pr${i}`, spec(want));
    if (o.declared) w.desired.push(d);
    if (o.live) live.push(liveProject(`P${i}`, project(`pr${i}`, spec(have))));
    if (o.owned) w.entries.push(entry(d, o.live ? `P${i}` : 'gone'));
  });
  if (dp.declared) w.desired.push(defaults('main', { remoteStorage: storage({ storageRegion: dp.region }), remoteConsumer: consumer(), propagateToProjects: dp.propagate }));
  const reseller = { serviceProviderId: 'sp1', defaultRemoteConsumer: consumer(), ...(dp.live ? { defaultRemoteStorage: storage({ storageRegion: dp.live }) } : {}) };
  return bluzone({ reseller, projects: live });
}

/** A random planner input; `prune` and `force` are random too. */
export const arbInput: fc.Arbitrary<PlanInput> = arbParts.map(({ providers, packages, subs, projects, defaults: defaultsPlan, prune, force }) => {
  const w: World = { desired: [], providers: [], packages: [], subscriptions: [], entries: [] };
  const livePackages = new Map<string, Set<string>>();
  providers.forEach(([o, active, liveActive], i) => {
    const d = provider(NAMES[i] ?? 'x', { active });
    place(w, d, o, (id, metadata) => w.providers.push(liveProvider(id, d, { active: liveActive, metadata })));
  });
  const liveProviders = new Set(w.providers.map((p) => p.id.slice(4)));
  packages.forEach(([o, want, have], i) => {
    const d = pkg(`g${i}`, want);
    const attached = possible(have, liveProviders);
    place(w, d, attached ? o : { ...o, live: false }, (id, metadata) => {
      livePackages.set(id, new Set(attached?.map((a) => a.replace(/^Ser-|\*$/g, ''))));
      w.packages.push(livePackage(id, `G${i}`, attached ?? [], metadata));
    });
  });
  subs.forEach(([o, pi, want, have], i) => {
    const d = sub(`s${i}`, `g${pi}`, want);
    const attached = possible(have, livePackages.get(`Ser-g${pi}`) ?? new Set());
    place(w, d, attached ? o : { ...o, live: false }, (id, metadata) => w.subscriptions.push(liveSub(id, `S${i}`, `Ser-g${pi}`, attached ?? [], metadata)));
  });
  const sw = streamwise({ providers: w.providers, packages: w.packages, subscriptions: w.subscriptions });
  const bz = placeBluzone(w, projects, defaultsPlan);
  return input({ desired: w.desired, sw, bz, ledger: ledger(w.entries), options: { prune, force } });
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
