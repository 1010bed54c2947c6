/**
 * One reconcile of a long-running mode, reported: a child logger bound to `{mode, runId}`, one
 * line per applied step (`{key, action, durationMs}`), one summary line per run, and the metrics.
 * Watch and schedule differ only in what triggers this.
 */
import { randomBytes } from 'node:crypto';
import { countDiagnostics, renderDiagnostic, renderLocation, sortDiagnostics } from '../core/diagnostics.js';
import type { Diagnostic, Resource, Sensitive } from '../core/model.js';
import type { StepResult } from '../engine/apply.js';
import { reconcile, type EngineDeps, type Outcome, type ReconcileOptions } from '../engine/reconcile.js';
import type { Logger } from '../log.js';
import { applySummary, stepAction, stepVerb } from './cli/views.js';
import { registerSecrets } from './desired.js';
import type { FileCache } from './file-cache.js';
import { recordRun, type ReconcileMetrics, type RunResult } from './health-server.js';
import type { RunVerdict } from './runner.js';

/** What every run of one long-running process shares. */
export interface RunContext {
  readonly logger: Logger;
  readonly deps: EngineDeps;
  /** Plan switches, parallelism and owner: the shared apply flags. */
  readonly reconcile: Pick<ReconcileOptions, 'plan' | 'parallelism' | 'owner'>;
  readonly metrics?: ReconcileMetrics;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Why a run started, logged with it: `start`, `change`, `resync`, `schedule`, `retry`. */
export type RunReason = string;

/** A short random id that tells the lines of one run apart. */
export function newRunId(): string {
  return randomBytes(6).toString('hex');
}

/** Logs every diagnostic on its own line, compiler style: `app.yaml:12:5 error CONFIG_SCHEMA ...`. */
export function logDiagnostics(log: Logger, diagnostics: readonly Diagnostic[]): void {
  for (const d of sortDiagnostics(diagnostics)) {
    const location = renderLocation(d.origin);
    const fields = { code: d.code, ...(location ? { location } : {}), ...(d.origin?.path ? { field: d.origin.path } : {}) };
    if (d.severity === 'error') log.error(fields, renderDiagnostic(d));
    else log.warn(fields, renderDiagnostic(d));
  }
}

function logStep(log: Logger, r: StepResult): void {
  const line = { key: r.key, action: stepAction(r.type), durationMs: Math.round(r.durationMs), target: r.target, ...(r.id ? { id: r.id } : {}) };
  const what = `${r.key}: ${stepVerb(r.type)}`;
  if (r.status === 'ok') log.info({ ...line, ...(r.recovered ? { recovered: true } : {}) }, `${what} applied`);
  else if (r.status === 'skipped') log.warn({ ...line, status: 'skipped' }, `${what} skipped`);
  else log.error({ ...line, status: 'failed', error: { code: r.error?.code, message: r.error?.message } }, `${what} failed`);
}

/** Whether the runner should retry with a backoff: the engine said so, or a failed step can succeed later. */
export function verdictOf(outcome: Outcome): RunVerdict {
  if (outcome.kind === 'failed') return outcome.retry === 'backoff' ? 'backoff' : 'done';
  if (outcome.kind === 'applied' && !outcome.ok) {
    return outcome.report.changes.some((c) => c.status === 'failed' && c.error?.retryable === true) ? 'backoff' : 'done';
  }
  return 'done';
}

function resultOf(outcome: Outcome): RunResult {
  if (outcome.kind === 'invalid') return 'invalid';
  if (outcome.kind === 'failed' || (outcome.kind === 'applied' && !outcome.ok)) return 'failed';
  return 'success';
}

function summarize(log: Logger, outcome: Outcome, durationMs: number): void {
  const base = { result: resultOf(outcome), durationMs };
  if (outcome.kind === 'failed') {
    log.error({ ...base, error: { code: outcome.error.code, message: outcome.error.message }, retry: outcome.retry }, 'reconcile failed');
  } else if (outcome.kind === 'invalid') {
    logDiagnostics(log, outcome.diagnostics);
    log.error(base, 'reconcile refused: the plan has errors; nothing applied');
  } else if (outcome.kind === 'applied') {
    const counts = applySummary(outcome.report);
    const level = outcome.ok ? 'info' : 'error';
    log[level]({ ...base, ...counts }, outcome.ok ? 'reconcile complete' : 'reconcile finished with errors');
  } else log.info(base, 'reconcile planned');
}

function record(ctx: RunContext, outcome: Outcome, durationMs: number): void {
  if (ctx.metrics === undefined) return;
  const changes = outcome.kind === 'applied' ? outcome.report.changes : [];
  const actions = changes.filter((c) => c.change.action !== 'noop').map((c) => ({ kind: c.change.kind, action: c.change.action, result: c.status }));
  recordRun(ctx.metrics, { result: resultOf(outcome), durationSeconds: durationMs / 1000, finishedAt: (ctx.now ?? Date.now)(), actions });
}

/** Input of one reconcile. */
export interface ReconcileRunInput {
  readonly resources: readonly Resource<Sensitive>[];
  readonly reason: RunReason;
  readonly signal: AbortSignal;
  /** A logger already bound to the run (its `runId`); a new child is made when absent. */
  readonly log?: Logger;
}

/** How a run ended: what the runner should do next, and the result counted in the metrics. */
export interface RunReport {
  readonly verdict: RunVerdict;
  /** `unchanged`: the files changed no byte, so nothing ran. */
  readonly result: RunResult | 'unchanged';
}

/** Runs the engine once and reports it; never throws (the engine returns failures as outcomes). */
export async function reconcileAndReport(ctx: RunContext, input: ReconcileRunInput): Promise<RunReport & { readonly outcome: Outcome }> {
  const now = ctx.now ?? Date.now;
  const log = input.log ?? ctx.logger.child({ runId: newRunId() });
  const started = now();
  log.info({ reason: input.reason, resources: input.resources.length }, 'reconcile started');
  const outcome = await reconcile(ctx.deps, {
    ...ctx.reconcile,
    resources: input.resources,
    dryRun: false,
    signal: input.signal,
    onStep: (r) => logStep(log, r),
  });
  const durationMs = now() - started;
  summarize(log, outcome, durationMs);
  record(ctx, outcome, durationMs);
  return { outcome, verdict: verdictOf(outcome), result: resultOf(outcome) };
}

/** Options of `reconcileFromCache`. */
export interface CachedRunInput {
  readonly cache: FileCache;
  readonly reason: RunReason;
  readonly signal: AbortSignal;
  /**
   * Re-read every file (start, resync, schedule) rather than only `paths`; a full run also applies
   * the last valid declarations while the files are invalid, so drift is still corrected.
   */
  readonly full: boolean;
  /** Files and directories that changed (ignored when `full`). */
  readonly paths?: Iterable<string>;
}

/**
 * Refreshes the cache and reconciles its desired state. A change that leaves every file's content
 * as it was runs nothing; invalid declarations are logged with their locations and nothing is
 * applied from them.
 */
export async function reconcileFromCache(ctx: RunContext, input: CachedRunInput): Promise<RunReport> {
  const now = ctx.now ?? Date.now;
  const started = now();
  const log = ctx.logger.child({ runId: newRunId() });
  const update = input.full ? await input.cache.scan() : await input.cache.update(input.paths ?? []);
  if (!input.full && !update.changed) {
    log.debug('saved without a content change: nothing to do');
    return { verdict: 'done', result: 'unchanged' };
  }
  if (update.changed) log.info({ parsed: update.parsed.length, removed: update.removed.length, files: input.cache.stats().files }, 'declarations read');
  const snapshot = await input.cache.desired();
  if (snapshot.valid) {
    registerSecrets(snapshot.resolved); // the other resources were registered with an earlier snapshot
    logDiagnostics(log, snapshot.diagnostics);
    return reconcileAndReport(ctx, { resources: snapshot.resources, reason: input.reason, signal: input.signal, log });
  }
  logDiagnostics(log, snapshot.diagnostics);
  const { errors } = countDiagnostics(snapshot.diagnostics);
  if (ctx.metrics) recordRun(ctx.metrics, { result: 'invalid', durationSeconds: (now() - started) / 1000, finishedAt: now() });
  if (!input.full || snapshot.lastValid === undefined) {
    log.error({ result: 'invalid', errors }, 'declarations are invalid: nothing applied; fix the files to resume');
    return { verdict: 'done', result: 'invalid' };
  }
  log.warn({ errors }, 'declarations are invalid: reconciling the last valid declarations instead');
  const report = await reconcileAndReport(ctx, { resources: snapshot.lastValid, reason: `${input.reason} (last valid)`, signal: input.signal, log });
  return { verdict: report.verdict, result: report.result === 'success' ? 'invalid' : report.result };
}
