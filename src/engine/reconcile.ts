/**
 * The one engine every runtime calls: observe live state, plan (pure), apply, report. It returns
 * an `Outcome` and never throws to the shells.
 */
import type { Plan, PlanOptions } from '../core/change.js';
import { emptyLedger, type LedgerState } from '../core/ledger.js';
import type { LiveState, LiveTarget } from '../core/live.js';
import { sensitive, type Desired, type Diagnostic, type Key, type Resource, type Sensitive } from '../core/model.js';
import { plan as makePlan } from '../core/plan.js';
import { applyPlan, type ApplyReport, type StepResult } from './apply.js';
import { toEngineError, type EngineError } from './errors.js';
import { hashSecrets, hashSpec, newSalt } from './hash.js';
import { newOwnerId } from './ledger/file.js';
import type { Driver, LedgerStore, ResolvedTarget } from './ports.js';
import { declaredTargets, embeddedTargets, placeOnEmbedded, type EmbeddedPlatform } from './targets.js';

export interface EngineDeps {
  readonly ledger: LedgerStore;
  /** Creates the driver of one target (src/platform/driver.ts in production). */
  readonly connect: (target: ResolvedTarget) => Driver;
  /** Starts the embedded sandbox; used only when the configuration declares no Target. */
  readonly startEmbedded?: () => Promise<EmbeddedPlatform>;
}

export interface ReconcileOptions {
  /** Declarations with secrets resolved (Targets included). */
  readonly resources: readonly Resource<Sensitive>[];
  /** Plan only: nothing is written to the platform or the ledger. */
  readonly dryRun: boolean;
  readonly plan: PlanOptions;
  /** @default 8 */
  readonly parallelism?: number;
  /** Identity written as `syncwise.io/owner`; a new ledger gets a random one when absent. */
  readonly owner?: string;
  readonly signal?: AbortSignal;
  /** Called with the finished plan before anything is applied. */
  readonly onPlan?: (plan: Plan, embedded: boolean) => void;
  readonly onStep?: (result: StepResult) => void;
}

export type Outcome =
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[]; readonly plan?: Plan; readonly embedded: boolean }
  | { readonly kind: 'planned'; readonly plan: Plan; readonly embedded: boolean }
  | { readonly kind: 'applied'; readonly plan: Plan; readonly report: ApplyReport; readonly ok: boolean; readonly embedded: boolean }
  | {
      readonly kind: 'failed';
      readonly error: EngineError;
      readonly retry: 'backoff' | 'never';
      readonly plan?: Plan;
      readonly report?: ApplyReport;
      readonly embedded: boolean;
    };

async function observeAll(drivers: ReadonlyMap<string, Driver>, signal?: AbortSignal): Promise<LiveState> {
  const entries = await Promise.all(
    [...drivers.entries()].map(async ([name, d]): Promise<[string, LiveTarget]> => [name, await d.observe(signal)]),
  );
  return Object.fromEntries(entries);
}

/** Hashed declarations already made, per resource object and salt (resources are immutable values). */
const hashMemo = new WeakMap<Resource<Sensitive>, { readonly salt: string; readonly desired: Desired }>();

/**
 * The declarations (Targets left out) with their salted spec and secret hashes. A resource object
 * hashed before with the same salt is not hashed again: watch mode hands the same objects for
 * declarations whose file did not change (src/modes/stable-resources.ts).
 */
export function desiredWithHashes(resources: readonly Resource<Sensitive>[], salt: string): Desired[] {
  const out: Desired[] = [];
  for (const r of resources) {
    if (r.kind === 'Target') continue;
    let h = hashMemo.get(r);
    if (h === undefined || h.salt !== salt) hashMemo.set(r, (h = { salt, desired: { ...r, hash: hashSpec(salt, r), secretHashes: hashSecrets(salt, r) } as Desired }));
    out.push(h.desired);
  }
  return out;
}

/** More owned entries than this of one kind and target, and a new declaration's secrets are not hashed under their keys. */
const RENAME_CANDIDATES = 8;

/**
 * Adds `secretHashesAs` to declarations new to the ledger that hold secrets: their secrets hashed
 * under the key of each undeclared owned entry of the same kind and target, the entries a rename
 * may take over (see core/rename.ts). A plan without new declarations costs one lookup each.
 */
export function withRenameHashes(desired: readonly Desired[], ledger: LedgerState): readonly Desired[] {
  const fresh = new Set(desired.filter((d) => ledger.entries[d.key] === undefined && d.secretHashes !== undefined && Object.keys(d.secretHashes).length > 0));
  if (fresh.size === 0) return desired;
  const declared = new Set(desired.map((d) => d.key));
  const slot = (target: string, kind: string): string => `${target}\u0000${kind}`;
  const candidates = new Map<string, Key[]>();
  for (const e of Object.values(ledger.entries)) {
    if (declared.has(e.key) || e.state !== 'applied' || e.secretHashes === undefined) continue;
    const k = slot(e.target, e.kind);
    candidates.set(k, [...(candidates.get(k) ?? []), e.key]);
  }
  return desired.map((d) => {
    const keys = fresh.has(d) ? (candidates.get(slot(d.target, d.kind)) ?? []) : [];
    if (keys.length === 0 || keys.length > RENAME_CANDIDATES) return d;
    return { ...d, secretHashesAs: Object.fromEntries(keys.map((key) => [key, hashSecrets(ledger.salt, { ...d, key })])) };
  });
}

function prepareLedger(loaded: LedgerState | undefined, owner: string | undefined): LedgerState {
  const base = loaded ?? emptyLedger(owner ?? newOwnerId(), newSalt());
  return owner !== undefined && owner !== base.owner ? { ...base, owner } : base;
}

interface Session {
  readonly drivers: Map<string, Driver>;
  readonly embedded?: EmbeddedPlatform;
  readonly resources: readonly Resource<Sensitive>[];
}

async function openSession(deps: EngineDeps, resources: readonly Resource<Sensitive>[]): Promise<Session> {
  let targets = declaredTargets(resources);
  let embedded: EmbeddedPlatform | undefined;
  let placed = resources;
  if (targets.length === 0) {
    if (deps.startEmbedded === undefined) throw new Error('no Target is declared and no embedded sandbox is available');
    embedded = await deps.startEmbedded();
    targets = embeddedTargets(embedded, sensitive);
    placed = placeOnEmbedded(resources);
  }
  const drivers = new Map(targets.map((t) => [t.name, deps.connect(t)]));
  return { drivers, resources: placed, ...(embedded ? { embedded } : {}) };
}

async function closeSession(session: Session | undefined): Promise<void> {
  if (session === undefined) return;
  await Promise.allSettled([...session.drivers.values()].map((d) => d.close()));
  await session.embedded?.close();
}

/** Observes, plans and (unless dry-run) applies; every failure becomes a `failed` outcome. */
export async function reconcile(deps: EngineDeps, options: ReconcileOptions): Promise<Outcome> {
  let session: Session | undefined;
  let unlock: (() => Promise<void>) | undefined;
  let embedded = false;
  let plan: Plan | undefined;
  try {
    if (!options.dryRun) unlock = await deps.ledger.lock();
    session = await openSession(deps, options.resources);
    embedded = session.embedded !== undefined;
    const ledger = prepareLedger(await deps.ledger.load(), options.owner);
    const live = await observeAll(session.drivers, options.signal);
    const desired = withRenameHashes(desiredWithHashes(session.resources, ledger.salt), ledger);
    const p: Plan = makePlan({ desired, live, ledger, options: options.plan });
    plan = p;
    if (p.diagnostics.some((d) => d.severity === 'error')) return { kind: 'invalid', diagnostics: p.diagnostics, plan: p, embedded };
    if (options.dryRun) return { kind: 'planned', plan: p, embedded };
    options.onPlan?.(p, embedded);
    const report = await applyPlan(p, {
      drivers: session.drivers,
      ledger,
      saveLedger: (s) => deps.ledger.save(s),
      parallelism: options.parallelism ?? 8,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
    const ok = report.changes.every((c) => c.status === 'applied' || c.status === 'noop');
    return { kind: 'applied', plan: p, report, ok, embedded };
  } catch (e) {
    const error = toEngineError(e);
    return { kind: 'failed', error, retry: error.retryable ? 'backoff' : 'never', embedded, ...(plan ? { plan } : {}) };
  } finally {
    await closeSession(session);
    await unlock?.();
  }
}
