/**
 * Executes a finished plan wave by wave: never diffs while executing. Independent steps run in
 * parallel (bounded); a failed step skips only what depends on it. The ledger records a pending
 * entry before every create and the outcome after every wave, so a run killed at any point is
 * converged by the next one without duplicates.
 */
import type { Change, IdRef, LedgerUpdate, Operation, Plan, Step } from '../core/change.js';
import type { LedgerEntry, LedgerState } from '../core/ledger.js';
import type { Driver } from './ports.js';
import { runBounded } from './bounded.js';
import { toEngineError, type EngineError } from './errors.js';

export interface StepResult {
  readonly stepId: string;
  readonly key: string;
  readonly target: string;
  readonly type: Operation['type'];
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly id?: string;
  readonly recovered?: boolean;
  readonly error?: EngineError;
  readonly durationMs: number;
}

export type ChangeStatus = 'applied' | 'failed' | 'skipped' | 'blocked' | 'noop';

export interface ChangeResult {
  readonly change: Change;
  readonly status: ChangeStatus;
  readonly error?: EngineError;
}

export interface ApplyOptions {
  readonly drivers: ReadonlyMap<string, Driver>;
  readonly ledger: LedgerState;
  readonly saveLedger: (state: LedgerState) => Promise<void>;
  /** Steps in flight at once. @default 8 */
  readonly parallelism?: number;
  readonly signal?: AbortSignal;
  readonly onStep?: (result: StepResult) => void;
}

export interface ApplyReport {
  readonly steps: readonly StepResult[];
  readonly changes: readonly ChangeResult[];
  readonly ledger: LedgerState;
}

const CREATES = new Set<Operation['type']>(['provider.create', 'package.create', 'subscription.create', 'project.create']);

function resolveRef(ref: IdRef, ids: ReadonlyMap<string, string>): { id: string } {
  if ('id' in ref) return ref;
  const id = ids.get(ref.createdBy);
  if (id === undefined) throw new Error(`internal: step ${ref.createdBy} produced no id`);
  return { id };
}

/** Replaces every `{createdBy}` reference with the id the earlier create returned. */
export function resolveOperation(op: Operation, ids: ReadonlyMap<string, string>): Operation {
  const attach = <A extends { provider: IdRef }>(list: readonly A[] | undefined): A[] | undefined =>
    list?.map((a) => ({ ...a, provider: resolveRef(a.provider, ids) }));
  switch (op.type) {
    case 'provider.patch':
      return { ...op, id: resolveRef(op.id, ids) };
    case 'package.create':
      return { ...op, body: { ...op.body, providers: attach(op.body.providers) ?? [] } };
    case 'package.patch': {
      const providers = attach(op.body.providers);
      return { ...op, id: resolveRef(op.id, ids), body: providers ? { ...op.body, providers } : op.body };
    }
    case 'subscription.create':
      return { ...op, body: { ...op.body, packageId: resolveRef(op.body.packageId, ids), providers: attach(op.body.providers) ?? [] } };
    case 'subscription.patch': {
      const providers = attach(op.body.providers);
      return { ...op, id: resolveRef(op.id, ids), body: providers ? { ...op.body, providers } : op.body };
    }
    default:
      return op;
  }
}

/**
 * The ledger while a plan runs: entries in a Map, updated in place, and copied into a
 * `LedgerState` only when saved (once or twice per wave). Copying the whole entry object for
 * every settled change made an apply of 10,000 creates quadratic.
 */
interface LedgerDraft {
  readonly base: LedgerState;
  readonly entries: Map<string, LedgerEntry>;
}

function draftOf(ledger: LedgerState): LedgerDraft {
  return { base: ledger, entries: new Map(Object.entries(ledger.entries)) };
}

function snapshot(draft: LedgerDraft): LedgerState {
  return { ...draft.base, entries: Object.fromEntries(draft.entries) };
}

function applyLedgerUpdate(draft: LedgerDraft, update: LedgerUpdate, ids: ReadonlyMap<string, string>): void {
  if ('remove' in update) {
    draft.entries.delete(update.remove);
    return;
  }
  if (update.movedFrom !== undefined) draft.entries.delete(update.movedFrom); // a rename: one owner, under the new key
  draft.entries.set(update.set.key, { ...update.set, externalId: resolveRef(update.set.externalId, ids).id });
}

/** Marks the creates of a wave as pending in the ledger before any of them is sent; true when any was marked. */
function markPending(draft: LedgerDraft, wave: readonly Step[], changes: ReadonlyMap<string, Change>): boolean {
  let marked = false;
  for (const step of wave) {
    const update = changes.get(step.id)?.ledger;
    if (!CREATES.has(step.operation.type) || update === undefined || !('set' in update)) continue;
    draft.entries.set(update.set.key, { ...update.set, externalId: '', state: 'pending' });
    marked = true;
  }
  return marked;
}

interface RunState {
  readonly ids: Map<string, string>;
  readonly results: Map<string, StepResult>;
}

async function runStep(step: Step, driver: Driver | undefined, state: RunState, signal?: AbortSignal): Promise<StepResult> {
  const base = { stepId: step.id, key: step.key, target: step.target, type: step.operation.type };
  const blockedBy = step.dependsOn.find((d) => state.results.get(d)?.status !== 'ok');
  if (blockedBy !== undefined || signal?.aborted) {
    const message = signal?.aborted ? 'run was stopped before this step' : `skipped: ${blockedBy ?? ''} did not succeed`;
    return { ...base, status: 'skipped', error: { code: 'SKIPPED', message, retryable: true }, durationMs: 0 };
  }
  const started = performance.now();
  try {
    if (driver === undefined) throw new Error(`no driver for target "${step.target}"`);
    const out = await driver.execute(resolveOperation(step.operation, state.ids), signal);
    if (out.id !== undefined) state.ids.set(step.id, out.id);
    const extra = { ...(out.id !== undefined ? { id: out.id } : {}), ...(out.recovered ? { recovered: true } : {}) };
    return { ...base, status: 'ok', ...extra, durationMs: performance.now() - started };
  } catch (e) {
    return { ...base, status: 'failed', error: toEngineError(e), durationMs: performance.now() - started };
  }
}

function changeResult(change: Change, results: ReadonlyMap<string, StepResult>): ChangeResult {
  if (change.action === 'blocked') return { change, status: 'blocked' };
  if (change.steps.length === 0) return { change, status: change.action === 'noop' ? 'noop' : 'applied' };
  const rs = change.steps.map((s) => results.get(s));
  const failed = rs.find((r) => r?.status === 'failed');
  if (failed) return { change, status: 'failed', ...(failed.error ? { error: failed.error } : {}) };
  const skipped = rs.find((r) => r === undefined || r.status === 'skipped');
  if (skipped) return { change, status: 'skipped', ...(skipped?.error ? { error: skipped.error } : {}) };
  return { change, status: 'applied' };
}

/** Applies the plan's waves in order and returns what happened to every step and change. */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const steps = new Map(plan.steps.map((s) => [s.id, s]));
  const changeOfStep = new Map<string, Change>();
  for (const c of plan.changes) for (const s of c.steps) changeOfStep.set(s, c);
  const state: RunState = { ids: new Map(), results: new Map() };
  const draft = draftOf(options.ledger);
  let unsettled = plan.changes.filter((c) => c.ledger !== undefined);
  const settle = (): void => {
    unsettled = unsettled.filter((c) => {
      const done = c.action !== 'blocked' && c.steps.every((s) => state.results.get(s)?.status === 'ok');
      if (done && c.ledger !== undefined) applyLedgerUpdate(draft, c.ledger, state.ids);
      return !done;
    });
  };
  settle(); // ledger-only changes (adoption, forget) need no platform call
  for (const waveIds of plan.waves) {
    const wave = waveIds.map((id) => steps.get(id)).filter((s): s is Step => s !== undefined);
    if (markPending(draft, wave, changeOfStep)) await options.saveLedger(snapshot(draft));
    await runBounded(wave, options.parallelism ?? 8, async (step) => {
      const result = await runStep(step, options.drivers.get(step.target), state, options.signal);
      state.results.set(step.id, result);
      options.onStep?.(result);
    });
    settle();
    await options.saveLedger(snapshot(draft));
  }
  const ledger = snapshot(draft);
  if (plan.waves.length === 0) await options.saveLedger(ledger); // adoptions, forgets, a new ledger's identity
  return { steps: [...state.results.values()], changes: plan.changes.map((c) => changeResult(c, state.results)), ledger };
}
