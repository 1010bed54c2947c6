/**
 * What the CLI prints: plans (text, JSON, Markdown), one line per applied step, the apply summary
 * and errors. Everything goes through the log redactor's value filter before it is written.
 */
import type { Plan } from '../../core/change.js';
import { renderDiagnostics } from '../../core/diagnostics.js';
import { renderPlan } from '../../core/render.js';
import type { ApplyReport, StepResult } from '../../engine/apply.js';
import type { EngineError } from '../../engine/errors.js';
import { reconcile, type Outcome, type ReconcileOptions } from '../../engine/reconcile.js';
import { redactKnownSecrets } from '../../log.js';
import { loadDesired } from '../desired.js';
import { createEngineDeps } from '../engine-deps.js';
import type { PlanCommandOptions } from './commands/plan-options.js';

/** Writes to stdout with every known secret value redacted, after the step lines still waiting. */
export function out(text: string): void {
  flushSteps();
  process.stdout.write(redactKnownSecrets(text));
}

/**
 * Step lines not yet written. On a terminal every line is written as it comes; into a pipe or a
 * file (CI logs) they go out together every 20 ms: one write per step cost an apply of 10,000
 * objects about 0.4 s of CPU, taken from the platform it shares the machine with.
 */
let pendingSteps = '';
let stepTimer: NodeJS.Timeout | undefined;
let flushOnExit = false;
const STEP_FLUSH_MS = 20;
const STEP_FLUSH_BYTES = 64 * 1024;

function flushSteps(): void {
  clearTimeout(stepTimer);
  stepTimer = undefined;
  if (pendingSteps === '') return;
  const text = pendingSteps;
  pendingSteps = '';
  process.stdout.write(redactKnownSecrets(text));
}

/** Writes one step line: at once on a terminal, else with the other lines of the next 20 ms. */
export function outStep(line: string): void {
  if (process.stdout.isTTY) {
    out(line);
    return;
  }
  if (!flushOnExit) {
    flushOnExit = true;
    process.once('exit', flushSteps);
  }
  pendingSteps += line;
  if (pendingSteps.length >= STEP_FLUSH_BYTES) flushSteps();
  else stepTimer ??= setTimeout(flushSteps, STEP_FLUSH_MS);
}

/** Prints an engine error to stderr. */
export function printError(error: EngineError): void {
  flushSteps();
  process.stderr.write(redactKnownSecrets(`syncwise: error ${error.code}: ${error.message}\n`));
}

/** Renders a plan, noting when it targets the embedded sandbox. */
export function renderPlanFor(plan: Plan, format: PlanCommandOptions['output'], embedded: boolean, stateDir: string): string {
  const body = renderPlan(plan, format, { embedded });
  if (!embedded || format !== 'text') return body;
  return `Target: embedded sandbox (no Target declared; data in ${stateDir}/sandbox.db)\n\n${body}`;
}

/** Loads the files and runs the engine; prints diagnostics and returns undefined when the files are invalid. */
export async function runEngine(
  opts: PlanCommandOptions,
  extra: Pick<ReconcileOptions, 'dryRun'> & Partial<ReconcileOptions> & { lockWaitMs?: number },
): Promise<Outcome | undefined> {
  const desired = await loadDesired({ paths: opts.file, allowOutsideRoot: opts.allowOutsideRoot });
  if (desired.diagnostics.some((d) => d.severity === 'error')) {
    process.stderr.write(`${renderDiagnostics(desired.diagnostics)}\n`);
    return undefined;
  }
  if (desired.diagnostics.length > 0) process.stderr.write(`${renderDiagnostics(desired.diagnostics)}\n`);
  const deps = createEngineDeps({
    stateDir: opts.stateDir,
    driver: { parallelism: opts.parallelism },
    ...(opts.ledger ? { ledger: opts.ledger } : {}),
    ...(extra.lockWaitMs ? { lockWaitMs: extra.lockWaitMs } : {}),
  });
  return reconcile(deps, {
    resources: desired.resources,
    parallelism: opts.parallelism,
    plan: {
      prune: opts.prune,
      force: opts.force,
      allowReplace: opts.allowReplace,
      ...(opts.maxDelete !== undefined ? { maxDelete: opts.maxDelete } : {}),
    },
    ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
    ...extra,
  });
}

/** The action of a step in the plan's vocabulary: `provider.patch` is an `update`. */
export function stepAction(type: StepResult['type']): string {
  const verb = type.slice(type.indexOf('.') + 1);
  return verb === 'create' || verb === 'delete' ? verb : 'update';
}

/** What a step does, for the apply's step lines and the logs: the action, and which defaults for ProjectDefaults' two steps. */
export function stepVerb(type: StepResult['type']): string {
  if (type === 'defaults.storage') return 'update storage defaults';
  if (type === 'defaults.consumer') return 'update consumer defaults';
  return stepAction(type);
}

/** One line per finished step: `ServiceProvider/bbb-eu-1: create done [id=k3Jx9q, 35ms]`. */
export function renderStep(r: StepResult): string {
  const verb = stepVerb(r.type);
  const ms = `${Math.round(r.durationMs)}ms`;
  if (r.status === 'ok') {
    const id = r.id !== undefined ? `id=${r.id}, ` : '';
    return `${r.key}: ${verb} done [${id}${ms}]${r.recovered ? ' (found after a lost answer, not sent twice)' : ''}\n`;
  }
  if (r.status === 'skipped') return `${r.key}: ${verb} skipped (${r.error?.message ?? 'not run'})\n`;
  return `${r.key}: ${verb} FAILED: ${r.error?.message ?? 'unknown error'}\n`;
}

/** Counts of an apply by outcome. */
export function applySummary(report: ApplyReport): Record<string, number> {
  const s: Record<string, number> = { created: 0, updated: 0, replaced: 0, deleted: 0, forgotten: 0, unchanged: 0, failed: 0, skipped: 0, blocked: 0 };
  const done: Record<string, string> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted', forget: 'forgotten', noop: 'unchanged' };
  for (const c of report.changes) {
    const bucket = c.status === 'applied' || c.status === 'noop' ? done[c.change.action] : c.status;
    if (bucket !== undefined) s[bucket] = (s[bucket] ?? 0) + 1;
  }
  return s;
}

/** The closing line of an apply. */
export function renderApplySummary(report: ApplyReport): string {
  const s = applySummary(report);
  const head = (s.failed ?? 0) + (s.blocked ?? 0) + (s.skipped ?? 0) > 0 ? 'Apply finished with errors' : 'Apply complete';
  return `\n${head}: ${s.created} created, ${s.updated} updated, ${s.replaced} replaced, ${s.deleted} deleted, ${s.forgotten} forgotten; ${s.failed} failed, ${s.skipped} skipped, ${s.blocked} blocked.\n`;
}
