/**
 * Decides which Target a declaration lives on. An explicit `targetRef` must name a declared
 * Target of the right api. Without one: the embedded sandbox when the configuration declares no
 * Target at all, else the only Target of the matching api. Pure.
 */
import { EMBEDDED_TARGET, keyOf, type Api, type Declared, type Diagnostic, type Kind, type OfKind } from '../core/model.js';
import { UNASSIGNED_TARGET } from './convert-common.js';
import { fieldDiagnostic } from './problem.js';

/** The api a kind's objects live on (Targets themselves have their own `spec.api`). */
export function apiOfKind(kind: Exclude<Kind, 'Target'>): Api {
  return kind === 'ProjectDefaults' || kind === 'Project' ? 'bluzone' : 'streamwise';
}

type Target = OfKind<Declared, 'Target'>;

function names(targets: readonly Target[]): string {
  return targets.map((t) => t.name).join(', ');
}

function explicitTarget(d: Exclude<Declared, Target>, targets: ReadonlyMap<string, Target>, rejected: ReadonlySet<string>): Diagnostic | undefined {
  const api = apiOfKind(d.kind);
  const target = targets.get(d.target);
  const at = ['spec', 'targetRef'];
  if (target === undefined && rejected.has(keyOf('Target', d.target))) return undefined;
  if (target === undefined) {
    const known = targets.size > 0 ? `declared Targets: ${names([...targets.values()])}` : 'no Target is declared';
    return fieldDiagnostic(d.origin, at, 'CONFIG_DANGLING_REF', `spec.targetRef: no Target named ${JSON.stringify(d.target)} (${known})`);
  }
  if (target.spec.api !== api) return fieldDiagnostic(d.origin, at, 'CONFIG_TARGET_API', `spec.targetRef: Target/${target.name} speaks ${target.spec.api}, but a ${d.kind} lives on a ${api} Target`);
  return undefined;
}

/** What assigning a target needs to know of the configuration: its Targets and the rejected documents. */
export interface TargetContext {
  /** The Targets in declaration order. */
  readonly targets: readonly Target[];
  /** The first Target of each name. */
  readonly byName: ReadonlyMap<string, Target>;
  /** The Targets of each api, for declarations without `targetRef`. */
  readonly ofApi: Readonly<Record<Api, readonly Target[]>>;
  /** Keys of documents rejected with their own diagnostics (a `targetRef` to one is not reported again). */
  readonly rejected: ReadonlySet<string>;
}

/** Collects the Targets of `declared`; the first Target of a duplicated name wins (duplicates are reported elsewhere). */
export function targetContext(declared: readonly Declared[], rejected: ReadonlySet<string>): TargetContext {
  const targets = declared.filter((d): d is Target => d.kind === 'Target');
  const byName = new Map<string, Target>();
  for (const t of targets) if (!byName.has(t.name)) byName.set(t.name, t);
  const ofApi = { streamwise: targets.filter((t) => t.spec.api === 'streamwise'), bluzone: targets.filter((t) => t.spec.api === 'bluzone') };
  return { targets, byName, ofApi, rejected };
}

function implicitTarget(d: Exclude<Declared, Target>, ctx: TargetContext): string | Diagnostic {
  if (ctx.targets.length === 0) return EMBEDDED_TARGET;
  const api = apiOfKind(d.kind);
  const candidates = ctx.ofApi[api];
  const only = candidates[0];
  if (candidates.length === 1 && only !== undefined) return only.name;
  const summary =
    candidates.length === 0
      ? `spec.targetRef is required: a ${d.kind} lives on a ${api} Target, and none is declared (declared Targets: ${names(ctx.targets)})`
      : `spec.targetRef is required: several ${api} Targets are declared (${names(candidates)})`;
  return fieldDiagnostic(d.origin, ['spec', 'targetRef'], 'CONFIG_TARGET_REQUIRED', summary);
}

/**
 * The declaration with `target` set, or the diagnostic saying why its target cannot be decided
 * (the declaration then stays as it is). Unassigned input is `''` or `EMBEDDED_TARGET`; any other
 * value is an explicit `targetRef`, kept when it names a Target of the right api. Depends only on
 * the declaration and `ctx`.
 */
export function assignTarget(d: Declared, ctx: TargetContext): Declared | Diagnostic {
  if (d.kind === 'Target') return d;
  if (d.target !== UNASSIGNED_TARGET && d.target !== EMBEDDED_TARGET) return explicitTarget(d, ctx.byName, ctx.rejected) ?? d;
  const assigned = implicitTarget(d, ctx);
  return typeof assigned === 'string' ? { ...d, target: assigned } : assigned;
}
