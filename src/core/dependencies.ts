/**
 * Wires the dependency edges between steps from what each step does (its `Effect`), never from
 * kinds: create or enable a provider before attaching it or making it default; attach to a package
 * before a subscription uses it; detach from subscriptions before the package, and from both
 * before deleting the provider; move a default away before disabling; delete subscriptions before
 * their package. Every `{createdBy}` reference also depends on the step that creates the object.
 */
import type { IdRef, Operation } from './change.js';
import { assertNever } from './model.js';
import type { Draft, DraftStep, Effect } from './draft.js';

type ContainerEffect = Extract<Effect, { kind: 'container' }>;

interface Index {
  readonly provider: Map<string, Partial<Record<'create' | 'enable' | 'disable' | 'delete', string>>>;
  readonly packageAdds: Map<string, string[]>;
  readonly subRemoves: Map<string, string[]>;
  readonly subDeletes: Map<string, string[]>;
  readonly defaults: Map<string, string[]>;
}

const at = (...parts: readonly string[]): string => parts.join('\u0000');

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The `IdRef`s an operation carries (ids it patches, providers and packages it references). */
export function refsOf(op: Operation): IdRef[] {
  switch (op.type) {
    case 'provider.patch':
      return [op.id];
    case 'package.create':
      return op.body.providers.map((a) => a.provider);
    case 'subscription.create':
      return [op.body.packageId, ...op.body.providers.map((a) => a.provider)];
    case 'package.patch':
    case 'subscription.patch':
      return [op.id, ...(op.body.providers ?? []).map((a) => a.provider)];
    case 'provider.create':
    case 'provider.delete':
    case 'package.delete':
    case 'subscription.delete':
    case 'project.create':
    case 'project.delete':
    case 'defaults.storage':
    case 'defaults.consumer':
      return [];
    default:
      return assertNever(op);
  }
}

function indexSteps(steps: readonly DraftStep[]): Index {
  const ix: Index = { provider: new Map(), packageAdds: new Map(), subRemoves: new Map(), subDeletes: new Map(), defaults: new Map() };
  for (const { step, effect: e } of steps) {
    const t = step.target;
    if (e.kind === 'provider' && e.verb !== 'other') ix.provider.set(at(t, e.id), { ...ix.provider.get(at(t, e.id)), [e.verb]: step.id });
    if (e.kind === 'defaults') push(ix.defaults, at(t, e.which), step.id);
    if (e.kind !== 'container') continue;
    if (e.container === 'package') for (const a of e.adds) push(ix.packageAdds, at(t, e.id, a), step.id);
    if (e.container === 'subscription' && e.packageId !== undefined) {
      for (const r of e.removes) push(ix.subRemoves, at(t, e.packageId, r), step.id);
      if (e.isDelete) push(ix.subDeletes, at(t, e.packageId), step.id);
    }
  }
  return ix;
}

/** Adds the edges of one container step: `before` runs first, `after` waits for this step. */
function containerEdges(ix: Index, t: string, id: string, e: ContainerEffect, edge: (before: string, after: string) => void): void {
  const prov = (p: string) => ix.provider.get(at(t, p)) ?? {};
  for (const a of e.adds) {
    const create = prov(a).create;
    if (create) edge(create, id);
    if (e.container === 'subscription' && e.packageId !== undefined) for (const s of ix.packageAdds.get(at(t, e.packageId, a)) ?? []) edge(s, id);
  }
  const enable = e.defaultTo !== undefined ? prov(e.defaultTo).enable : undefined;
  if (enable) edge(enable, id);
  const disable = e.defaultFrom !== undefined ? prov(e.defaultFrom).disable : undefined;
  if (disable) edge(id, disable);
  for (const r of e.removes) {
    const del = prov(r).delete;
    if (del) edge(id, del);
    if (e.container === 'package') for (const s of ix.subRemoves.get(at(t, e.id, r)) ?? []) edge(s, id);
  }
  if (e.container === 'package' && e.isDelete) for (const s of ix.subDeletes.get(at(t, e.id)) ?? []) edge(s, id);
}

/** Returns the drafts with every step's `dependsOn` completed, sorted and free of duplicates. */
export function wireDependencies(drafts: readonly Draft[]): Draft[] {
  const all = drafts.flatMap((d) => d.steps);
  const ix = indexSteps(all);
  const deps = new Map<string, Set<string>>(all.map((s) => [s.step.id, new Set(s.step.dependsOn)]));
  const edge = (before: string, after: string): void => {
    if (before !== after) deps.get(after)?.add(before);
  };
  for (const { step, effect: e } of all) {
    for (const ref of refsOf(step.operation)) if ('createdBy' in ref) edge(ref.createdBy, step.id);
    if (e.kind === 'container') containerEdges(ix, step.target, step.id, e, edge);
    if (e.kind === 'project') for (const w of e.needs) for (const s of ix.defaults.get(at(step.target, w)) ?? []) edge(s, step.id);
  }
  const withDeps = (s: DraftStep): DraftStep => {
    const set = deps.get(s.step.id);
    return set === undefined || set.size === s.step.dependsOn.length ? s : { ...s, step: { ...s.step, dependsOn: [...set].sort() } };
  };
  return drafts.map((d) => {
    const steps = d.steps.map(withDeps);
    return steps.every((s, i) => s === d.steps[i]) ? d : { ...d, steps };
  });
}
