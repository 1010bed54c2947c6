/** Implementation of `syncwise apply`. */
import { createInterface } from 'node:readline/promises';
import { renderDiagnostics } from '../../core/diagnostics.js';
import { renderPlan } from '../../core/render.js';
import type { StepResult } from '../../engine/apply.js';
import type { PlanCommandOptions } from './commands/plan-options.js';
import { applySummary, out, outStep, printError, renderApplySummary, renderPlanFor, renderStep, runEngine } from './views.js';

type ApplyOptions = PlanCommandOptions & { yes: boolean; lockWait: string };

async function confirm(opts: ApplyOptions): Promise<boolean> {
  const preview = await runEngine(opts, { dryRun: true });
  if (preview === undefined) return false;
  if (preview.kind !== 'planned') {
    if (preview.kind === 'failed') printError(preview.error);
    if (preview.kind === 'invalid') process.stderr.write(`${renderDiagnostics(preview.diagnostics)}\n`);
    return false;
  }
  out(renderPlanFor(preview.plan, 'text', preview.embedded, opts.stateDir));
  if (preview.plan.changes.every((c) => c.action === 'noop')) return true;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('\nApply these changes? Only "yes" is accepted: ');
  rl.close();
  return answer.trim() === 'yes';
}

/** Applies; exit 0 when every change was applied, 1 when anything failed, was blocked or invalid. */
export async function runApply(opts: ApplyOptions): Promise<number> {
  if (!opts.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write('syncwise: apply needs --yes when stdin is not a terminal\n');
      return 1;
    }
    if (!(await confirm(opts))) {
      process.stderr.write('Apply cancelled.\n');
      return 1;
    }
  }
  const text = opts.output === 'text';
  const outcome = await runEngine(opts, {
    dryRun: false,
    lockWaitMs: Number(opts.lockWait) * 1000,
    onPlan: (plan, embedded) => { if (text && opts.yes) out(`${renderPlanFor(plan, 'text', embedded, opts.stateDir)}\n`); },
    onStep: (r: StepResult) => { if (text) outStep(renderStep(r)); },
  });
  if (outcome === undefined) return 1;
  if (outcome.kind === 'invalid') {
    process.stderr.write(`${renderDiagnostics(outcome.diagnostics)}\n`);
    return 1;
  }
  if (outcome.kind === 'failed') {
    printError(outcome.error);
    return 1;
  }
  if (outcome.kind === 'planned') return 1;
  if (text) out(renderApplySummary(outcome.report));
  else if (opts.output === 'json') {
    const results = outcome.report.changes.map((c) => ({ kind: c.change.kind, name: c.change.name, target: c.change.target, action: c.change.action, status: c.status, ...(c.error ? { error: c.error } : {}) }));
    out(`${JSON.stringify({ plan: JSON.parse(renderPlan(outcome.plan, 'json')), results, summary: applySummary(outcome.report) }, null, 2)}\n`);
  } else out(`${renderPlan(outcome.plan, 'markdown', { embedded: outcome.embedded })}\n${renderApplySummary(outcome.report)}`);
  return outcome.ok ? 0 : 1;
}
