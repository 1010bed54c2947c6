/**
 * The targets of issue 8, checked against the measured phases.
 */
import { expectedLists } from './raw-client.js';
import type { KindCounts, Revision } from './generate.js';
import type { PlannerCost, WatchChange } from './in-process.js';
import type { OperatorMeasure } from './operator.js';
import { summarize, type Check, type Phase } from './report.js';

/** Everything the checks read. */
export interface Results {
  readonly counts: KindCounts;
  readonly revision: Revision;
  readonly phases: readonly Phase[];
  /** The replay of the full apply's creates by a plain client on an empty sandbox. */
  readonly replay: Phase;
  readonly helpMs: number;
  readonly planner?: { readonly small: PlannerCost; readonly large: PlannerCost };
  readonly watch?: WatchChange;
  readonly operator?: OperatorMeasure;
}

const RSS_LIMIT_MB = 250;

function phase(r: Results, name: string): Phase {
  const p = r.phases.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no phase "${name}"`);
  return p;
}

const sameCounts = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

const rate = (p: Phase): number => summarize(p.requests).total / (p.wallMs / 1000);
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function requestChecks(r: Results): Check[] {
  const noop = phase(r, 'plan (no-op)');
  const lists = expectedLists(r.counts);
  const baseline = summarize(phase(r, 'baseline: GET each object').requests).total;
  const noopTotal = summarize(noop.requests).total;
  const changePlan = phase(r, 'plan (1% change)');
  const changeApply = summarize(phase(r, 'apply (1% change)').requests);
  const listTotal = Object.values(lists).reduce((a, b) => a + b, 0);
  const writes = r.revision.changed.size + r.revision.addedProjects;
  return [
    {
      target: 'no-op plan: only ceil(n/1000) list requests per kind, no GET by id',
      measured: Object.entries(noop.requests).map(([route, n]) => `${n} ${route}`).join(', '),
      ok: sameCounts(noop.requests, lists),
    },
    { target: 'no-op plan: >= 10x fewer requests than GET per object', measured: `${noopTotal} vs ${baseline} (${(baseline / noopTotal).toFixed(0)}x)`, ok: baseline >= 10 * noopTotal },
    { target: '1% change plan: only the list requests', measured: `${summarize(changePlan.requests).total} requests`, ok: sameCounts(changePlan.requests, lists) },
    {
      target: '1% change apply: lists + one write per changed object',
      measured: `${changeApply.lists} lists, ${changeApply.perObjectGets} GET/id, ${changeApply.writes} writes (${writes} changed)`,
      ok: changeApply.lists === listTotal && changeApply.perObjectGets === 0 && changeApply.writes === writes,
    },
  ];
}

/** The apply's write-phase rate against the plain client's replay rate; the end-to-end rate is shown too. */
function applyRateCheck(apply: Phase, replay: Phase): Check {
  const writeRate = apply.writePhaseMs === undefined ? Number.NaN : summarize(apply.requests).writes / (apply.writePhaseMs / 1000);
  const share = writeRate / rate(replay);
  return {
    target: 'full apply >= 70% of the request rate the sandbox sustains',
    measured: `writes ${writeRate.toFixed(0)} vs ${rate(replay).toFixed(0)} req/s (${(100 * share).toFixed(0)}%); end to end ${rate(apply).toFixed(0)} req/s`,
    ok: share >= 0.7,
  };
}

function timeChecks(r: Results): Check[] {
  const validate = phase(r, 'validate');
  const noop = phase(r, 'plan (no-op)');
  const transfer = phase(r, 'list transfer (plain client)');
  const apply = phase(r, 'apply (full)');
  const budget = 2 * validate.wallMs + transfer.wallMs;
  const cliPhases = r.phases.filter((p) => p.maxRssMb !== undefined);
  const peak = Math.max(...cliPhases.map((p) => p.maxRssMb ?? 0));
  const peakOf = cliPhases.find((p) => p.maxRssMb === peak)?.name ?? '';
  return [
    { target: 'no-op plan <= 2 x validate + list transfer', measured: `${s(noop.wallMs)} <= ${s(budget)}`, ok: noop.wallMs <= budget },
    applyRateCheck(apply, r.replay),
    { target: `peak RSS of the CLI <= ${RSS_LIMIT_MB} MB`, measured: `${peak.toFixed(0)} MB (${peakOf})`, ok: peak <= RSS_LIMIT_MB },
    { target: 'syncwise --help <= 300 ms', measured: `${r.helpMs.toFixed(0)} ms`, ok: r.helpMs <= 300 },
  ];
}

function inProcessChecks(r: Results): Check[] {
  const out: Check[] = [];
  if (r.planner) {
    const { small, large } = r.planner;
    const noop = large.noopCpuMs / small.noopCpuMs;
    const create = large.createCpuMs / small.createCpuMs;
    out.push({
      target: `planner linear: ${large.objects} objects <= 2.3x the CPU of ${small.objects}`,
      measured: `no-op ${small.noopCpuMs.toFixed(0)} -> ${large.noopCpuMs.toFixed(0)} ms (${noop.toFixed(2)}x), all creates ${small.createCpuMs.toFixed(0)} -> ${large.createCpuMs.toFixed(0)} ms (${create.toFixed(2)}x)`,
      ok: noop <= 2.3 && create <= 2.3 && small.noopChanges === 0 && large.noopChanges === 0,
    });
  }
  if (r.watch) {
    const w = r.watch;
    out.push({
      target: `watch: a one-file change in ${w.objects} objects planned < 200 ms`,
      measured: `median ${w.medianMs.toFixed(0)} ms (CPU ${w.medianCpuMs.toFixed(0)} ms), max ${w.maxMs.toFixed(0)} ms (${w.parsesPerChange} parse per change, full scan ${w.fullScanMs.toFixed(0)} ms)`,
      ok: w.medianMs < 200 && w.parsesPerChange === 1 && w.changesPlanned === 1,
    });
  }
  if (r.operator) out.push(operatorCheck(r.operator));
  return out;
}

/** The operator's steady-state RSS against its target. */
export function operatorCheck(op: OperatorMeasure): Check {
  return {
    target: `operator steady-state RSS <= 300 MB with ${op.objects} custom resources`,
    measured: `${op.steadyRssMb.toFixed(0)} MB (peak ${op.peakRssMb.toFixed(0)} MB; settled after ${(op.settledMs / 1000).toFixed(1)} s)`,
    ok: op.steadyRssMb <= 300,
  };
}

/** Every target with its measured value. */
export function checkTargets(r: Results): Check[] {
  return [...requestChecks(r), ...timeChecks(r), ...inProcessChecks(r)];
}
