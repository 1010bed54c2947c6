/** Implementation of `syncwise plan`. */
import { renderDiagnostics } from '../../core/diagnostics.js';
import type { Outcome } from '../../engine/reconcile.js';
import type { PlanCommandOptions } from './commands/plan-options.js';
import { printError, renderPlanFor, runEngine } from './views.js';

/** Plans and prints; exit 0 (no changes or no --detailed-exitcode), 2 (changes), 1 (error or blocked). */
export async function runPlan(opts: PlanCommandOptions & { detailedExitcode: boolean }): Promise<number> {
  const outcome: Outcome | undefined = await runEngine(opts, { dryRun: true });
  if (outcome === undefined) return 1;
  switch (outcome.kind) {
    case 'invalid':
      process.stderr.write(`${renderDiagnostics(outcome.diagnostics)}\n`);
      return 1;
    case 'failed':
      printError(outcome.error);
      return 1;
    case 'planned': {
      const rendered = renderPlanFor(outcome.plan, opts.output, outcome.embedded, opts.stateDir);
      process.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
      const counts = outcome.plan.changes.map((c) => c.action);
      if (counts.includes('blocked')) return 1;
      const changed = counts.some((a) => a !== 'noop');
      return opts.detailedExitcode && changed ? 2 : 0;
    }
    case 'applied':
      return 1; // a dry run never applies
  }
}
