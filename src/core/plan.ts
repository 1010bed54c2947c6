/**
 * The planner: (desired, live, ledger, options) -> Plan, pure. It matches declarations to live
 * objects, diffs them into changes and steps, wires the steps into a dependency graph, simulates
 * the platform's rules on a model of live state and blocks what would be refused together with
 * everything that depends on it, then groups the remaining steps into waves. The same inputs in
 * any order give the same plan.
 */
import type { Blocker, Change, Plan, PlanInput, Step } from './change.js';
import { buildContext, cmp } from './context.js';
import { wireDependencies } from './dependencies.js';
import { keyOfStep, type Draft } from './draft.js';
import { propagateBlocked, toWaves, type Waves } from './graph.js';
import { matchAll, matchOf, type Match, type PlanScope } from './match.js';
import { assertNever, type Desired, type Diagnostic } from './model.js';
import { planContainer } from './plan-container.js';
import { planDefaults, planProject } from './plan-project.js';
import { planProvider } from './plan-provider.js';
import { guardDeletes, planPrune } from './prune.js';
import { asRename } from './rename.js';
import { simulate, type Simulation } from './rules.js';

function planDesired(scope: PlanScope, d: Desired, diags: Diagnostic[]): Draft {
  const m = matchOf(scope, d.key);
  if (m.found === 'live' && m.renamedFrom !== undefined) return asRename(planKind(scope, d, m, diags), m.renamedFrom);
  return planKind(scope, d, m, diags);
}

/** Plans one declaration; `m` is its match, looked up once and handed down. */
function planKind(scope: PlanScope, d: Desired, m: Match, diags: Diagnostic[]): Draft {
  switch (d.kind) {
    case 'ServiceProvider':
      return planProvider(scope, d, m);
    case 'ServicePackage':
    case 'Subscription':
      return planContainer(scope, d, m, diags);
    case 'Project':
      return planProject(scope, d, m);
    case 'ProjectDefaults':
      return planDefaults(scope, d, m);
    default:
      return assertNever(d);
  }
}

function duplicateDefaults(scope: PlanScope, diags: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const d of scope.ctx.desired.values()) {
    if (d.kind !== 'ProjectDefaults') continue;
    const first = seen.get(d.target);
    if (first === undefined) seen.set(d.target, d.key);
    else diags.push({ severity: 'error', code: 'PLAN_DUPLICATE_DEFAULTS', summary: `${d.key}: target "${d.target}" already has ${first}; a reseller has one set of defaults`, origin: d.origin });
  }
}

function byTargetAndKey(a: Draft, b: Draft): number {
  return cmp(a.change.target, b.change.target) || cmp(a.change.key, b.change.key);
}

function withBlocker(drafts: readonly Draft[], blockers: ReadonlyMap<string, Blocker>): Draft[] {
  return drafts.map((d) => {
    const b = blockers.get(d.change.key);
    return b !== undefined && d.blocker === undefined ? { ...d, blocker: b } : d;
  });
}

function cycleBlockers(cyclic: readonly string[], diags: Diagnostic[]): Map<string, Blocker> {
  const shown = cyclic.slice(0, 10).join(', ') + (cyclic.length > 10 ? `, and ${cyclic.length - 10} more` : '');
  diags.push({ severity: 'error', code: 'PLAN_CYCLE', summary: `the steps ${shown} depend on each other in a cycle` });
  const blocker: Blocker = { rule: 'PLAN_CYCLE', summary: 'its steps are part of a dependency cycle', hint: 'report this plan: no order of its steps satisfies the platform' };
  return new Map(cyclic.map((id) => [keyOfStep(id), blocker]));
}

function aliveSteps(drafts: readonly Draft[]): Step[] {
  return drafts.flatMap((d) => (d.blocker === undefined ? d.steps.map((s) => s.step) : []));
}

/** Blocks dependents, cycles and rule refusals until the remaining steps all pass the simulation. */
function settle(scope: PlanScope, drafts: readonly Draft[], diags: Diagnostic[]): { drafts: Draft[]; waves: Waves } {
  let current = [...drafts];
  for (;;) {
    current = propagateBlocked(current);
    const steps = aliveSteps(current);
    const waves = toWaves(steps);
    if (waves.cyclic.length > 0) {
      current = withBlocker(current, cycleBlockers(waves.cyclic, diags));
      continue;
    }
    const byId = new Map(steps.map((s) => [s.id, s]));
    const sim: Simulation = simulate(scope, waves.waves.flat().flatMap((id) => byId.get(id) ?? []));
    if (sim.refusals.length === 0) return { drafts: current, waves };
    current = withBlocker(current, new Map(sim.refusals.map((r) => [r.key, r.blocker])));
    if (sim.exact) {
      current = propagateBlocked(current);
      return { drafts: current, waves: toWaves(aliveSteps(current)) };
    }
  }
}

function finalChange(d: Draft): Change {
  if (d.blocker === undefined) return d.change;
  const { ledger: _dropped, ...rest } = d.change;
  return { ...rest, action: 'blocked', reason: d.blocker.summary, blocker: d.blocker, steps: [] };
}

function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const keyOf = (d: Diagnostic): string => `${d.severity === 'error' ? 0 : 1}\u0000${d.code}\u0000${d.summary}`;
  return [...ds].sort((a, b) => cmp(keyOf(a), keyOf(b)));
}

/**
 * Plans the changes that make the live state match the desired state. Pure: no I/O, clock or
 * randomness; byte-identical output for the same inputs in any order.
 */
export function plan(input: PlanInput): Plan {
  const ctx = buildContext(input);
  const matches = matchAll(ctx);
  const scope: PlanScope = { ctx, matches };
  const diags: Diagnostic[] = [...ctx.diagnostics, ...matches.diagnostics];
  duplicateDefaults(scope, diags);
  const drafts: Draft[] = [];
  for (const d of ctx.desired.values()) drafts.push(planDesired(scope, d, diags));
  for (const d of planPrune(scope, diags)) drafts.push(d);
  drafts.sort(byTargetAndKey);
  const settled = settle(scope, wireDependencies(guardDeletes(scope, drafts)), diags);
  const stepById = new Map(aliveSteps(settled.drafts).map((s) => [s.id, s]));
  return {
    changes: settled.drafts.map(finalChange),
    steps: settled.waves.waves.flat().flatMap((id) => stepById.get(id) ?? []),
    waves: settled.waves.waves,
    diagnostics: sortDiagnostics(diags),
  };
}
