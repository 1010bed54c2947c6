/**
 * One operator run, level-based: read every custom resource and Secret from the caches, build the
 * desired set, make sure each object carries the finalizer, run the same `reconcile()` as the CLI
 * (prune limited to objects whose custom resource is being deleted), then report the outcome per
 * object as status, Events and finalizer removal. No reconcile logic lives here. The writes to
 * Kubernetes (finalizers, statuses, Events) go out several at a time: one after the other, a first
 * run over 10,000 objects would wait for 20,000 round trips to the apiserver.
 */
import type { Kind } from '../../core/model.js';
import type { LedgerState } from '../../core/ledger.js';
import { runBounded } from '../../engine/bounded.js';
import type { Outcome } from '../../engine/reconcile.js';
import { registerSecret } from '../../log.js';
import { reconcileAndReport, type RunContext } from '../reconcile-run.js';
import type { RunVerdict } from '../runner.js';
import type { ConnectionSecrets } from './connection-secrets.js';
import { buildDesiredSet, type DesiredSet, type ObjectEntry } from './desired-set.js';
import type { EventRecorder } from './events.js';
import type { ClusterCache } from './informers.js';
import { apiCode, apiError, type ObjectWriter } from './kube-writes.js';
import { hasFinalizer, KINDS, objectName } from './kinds.js';
import { ledgerView } from './ledger-view.js';
import { kubeTime, statusOf, writtenStatuses, type WrittenStatuses } from './status.js';
import { isDeleteWaiting, verdictOf, type Verdict } from './verdict.js';

export interface ControllerOptions {
  readonly cache: ClusterCache;
  /** Logger, engine dependencies, metrics and plan options; `deps.ledger` is the whole ledger. */
  readonly context: RunContext;
  readonly writer: ObjectWriter;
  readonly events: EventRecorder;
  readonly connectionSecrets?: ConnectionSecrets;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Writes to Kubernetes in flight at once. */
const WRITES_IN_FLIGHT = 8;

/** Reads a key of a cached Secret, decoded; registers the value with the log redactor. */
export function secretReader(cache: ClusterCache): (namespace: string, name: string, key: string) => string | undefined {
  return (namespace, name, key) => {
    const encoded = cache.secret(namespace, name)?.data?.[key];
    if (encoded === undefined) return undefined;
    const value = Buffer.from(encoded, 'base64').toString('utf8');
    registerSecret(value);
    return value;
  };
}

function cachedObjects(cache: ClusterCache): { kind: Kind; object: ObjectEntry['object'] }[] {
  return KINDS.flatMap((kind) => cache.customResources(kind).map((object) => ({ kind, object })));
}

/** Adds the finalizer to every object not being deleted; false when any write failed. */
async function ensureFinalizers(o: ControllerOptions, entries: readonly ObjectEntry[]): Promise<boolean> {
  let ok = true;
  const missing = entries.filter((e) => !e.deleting && !hasFinalizer(e.object));
  await runBounded(missing, WRITES_IN_FLIGHT, async (e) => {
    try {
      await o.writer.addFinalizer(e.ref, e.object);
    } catch (err) {
      ok = false;
      o.context.logger.warn({ object: objectName(e.ref), kind: e.ref.kind, error: apiError(err) }, 'could not add the finalizer; retrying later');
    }
  });
  return ok;
}

/** Whether the engine has anything to do: a declared platform object, or an owned one to delete. */
function needsEngine(set: DesiredSet, ledger: LedgerState | undefined): boolean {
  if (set.resources.some((r) => r.kind !== 'Target')) return true;
  return set.entries.some((e) => e.standing.state === 'deleting' && ledger?.entries[e.key] !== undefined);
}

async function runEngine(o: ControllerOptions, set: DesiredSet, reason: string, signal: AbortSignal): Promise<{ outcome?: Outcome; verdict: RunVerdict }> {
  const declared = new Set(set.resources.map((r) => `${r.kind}/${r.name}`));
  const deleting = new Set(set.entries.filter((e) => e.standing.state === 'deleting').map((e) => e.key));
  const view = ledgerView(o.context.deps.ledger, (entry) => declared.has(entry.key) || deleting.has(entry.key));
  const context: RunContext = { ...o.context, deps: { ...o.context.deps, ledger: view } };
  const report = await reconcileAndReport(context, { resources: set.resources, reason, signal });
  return { outcome: report.outcome, verdict: report.verdict };
}

/** Writes what the verdict says about one object; false when a write failed. */
async function report(o: ControllerOptions, written: WrittenStatuses, entry: ObjectEntry, verdict: Verdict): Promise<boolean> {
  const log = o.context.logger;
  const fields = { object: objectName(entry.ref), kind: entry.ref.kind };
  if (verdict.event) await o.events.record(entry.ref, verdict.event);
  try {
    if (verdict.release) {
      if (hasFinalizer(entry.object)) await o.writer.removeFinalizer(entry.ref, entry.object);
      log.info(fields, 'finalizer removed');
      return true;
    }
    const now = (o.now ?? Date.now)();
    const status = statusOf(verdict, entry.ref, entry.object.status, kubeTime(now));
    if (!written.needsWrite(entry.ref.uid, status, entry.object.status, now)) return true;
    await o.writer.writeStatus(entry.ref, status, entry.object.status);
    written.wrote(entry.ref.uid, status, now);
    return true;
  } catch (e) {
    if (apiCode(e) === 404) return true; // deleted meanwhile: nothing left to report on
    log.warn({ ...fields, error: apiError(e) }, 'could not write the status or finalizer; retrying later');
    return false;
  }
}

function logStandings(o: ControllerOptions, set: DesiredSet): void {
  const counts: Record<string, number> = {};
  for (const e of set.entries) {
    counts[e.standing.state] = (counts[e.standing.state] ?? 0) + 1;
    if (e.standing.state === 'held') o.context.logger.warn({ object: objectName(e.ref), kind: e.ref.kind, reason: e.standing.reason, message: e.standing.message }, 'object not reconciled');
  }
  o.context.logger.debug({ objects: counts }, 'desired set built');
}

/**
 * What a run decided for every object once the engine is done. Only this is kept while the statuses
 * are written (10,000 writes): the plan, the live state, the outcome, the ledger read
 * before the run and the declarations with their resolved secrets are released first.
 */
interface Decided {
  /** The entries; `resources` holds only the Targets, which the connection Secrets read projects through. */
  readonly set: DesiredSet;
  readonly verdicts: readonly Verdict[];
  readonly after: LedgerState | undefined;
  readonly verdict: RunVerdict;
}

async function decide(o: ControllerOptions, reason: string, signal: AbortSignal): Promise<Decided | 'backoff'> {
  let before: LedgerState | undefined;
  try {
    before = await o.context.deps.ledger.load();
  } catch (e) {
    o.context.logger.error({ error: apiError(e) }, 'cannot read the ledger');
    return 'backoff';
  }
  const set = await buildDesiredSet({ objects: cachedObjects(o.cache), secretValue: secretReader(o.cache), ledgerTargets: new Set(Object.values(before?.entries ?? {}).map((e) => e.target)) });
  logStandings(o, set);
  if (!(await ensureFinalizers(o, set.entries))) return 'backoff';
  const engine = needsEngine(set, before) ? await runEngine(o, set, reason, signal) : { verdict: 'done' as const };
  const after = engine.outcome === undefined ? before : await o.context.deps.ledger.load().catch(() => before);
  const view = { ...(engine.outcome ? { outcome: engine.outcome } : {}), ledger: after, entries: set.entries };
  const targets = set.resources.filter((r) => r.kind === 'Target');
  return { set: { resources: targets, entries: set.entries, diagnostics: [] }, verdicts: set.entries.map((e) => verdictOf(view, e)), after, verdict: engine.verdict };
}

/** Creates the run function of the operator's runner. */
export function createController(o: ControllerOptions): (signal: AbortSignal, reason: string) => Promise<RunVerdict> {
  const statuses = writtenStatuses();
  return async (signal, reason) => {
    const decided = await decide(o, reason, signal);
    if (decided === 'backoff') return 'backoff';
    const { set, verdicts, after } = decided;
    let ok = true;
    await runBounded([...set.entries.keys()], WRITES_IN_FLIGHT, async (i) => {
      if (!(await report(o, statuses, set.entries[i] as ObjectEntry, verdicts[i] as Verdict))) ok = false;
    });
    if (o.connectionSecrets) ok = (await o.connectionSecrets.sync(set, after, signal)) && ok;
    return decided.verdict === 'backoff' || !ok || isDeleteWaiting(verdicts) ? 'backoff' : 'done';
  };
}
