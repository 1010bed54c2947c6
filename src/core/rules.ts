/**
 * The platform's rules, simulated on a model of live state: the ordered steps are played one by
 * one, and a step the platform would refuse becomes a `Blocker` naming the rule (the platform's own
 * error code), the object in the way, and the smallest edit that unblocks it. The sandbox enforces
 * the same rules with its own code (docs/platform-apis.md); each checks the other.
 */
import { keyOfSim, nameOfKey } from './attachments.js';
import type { Blocker, Operation, Step } from './change.js';
import type { TargetIndex } from './context.js';
import { simId } from './draft.js';
import type { LiveAttachment } from './live.js';
import type { PlanScope } from './match.js';
import { assertNever, type Key } from './model.js';
import { providerRules, type Namer } from './rules-streamwise.js';
import { putContainer, putProject, removeContainer, removeProject, simAttachments, simTarget, type SimContainer, type SimTarget } from './sim-state.js';

/** A change the platform would refuse, and why. */
export interface Refusal {
  readonly key: Key;
  readonly blocker: Blocker;
}

function projectRules(st: SimTarget, step: Step, op: Extract<Operation, { type: 'project.create' }>): Blocker | undefined {
  const name = JSON.stringify(op.body.projectName);
  const taken = st.projects.get(op.body.projectName);
  if (taken !== undefined) {
    return {
      rule: 'conflict',
      summary: `a project named ${name} already exists (id ${taken}) (409 conflict)`,
      hint: `delete project ${name} (id ${taken}) on the platform, or change spec.projectName of ${nameOfKey(step.key)}`,
      by: { kind: 'Project', id: taken },
    };
  }
  const missing = op.body.remoteStorage === undefined && !st.defaults.storage ? 'remoteStorage' : op.body.remoteConsumer === undefined && !st.defaults.consumer ? 'remoteConsumer' : undefined;
  if (missing === undefined) return undefined;
  return {
    rule: 'unprocessable',
    summary: `project ${name} follows the reseller's default ${missing}, but target "${st.target}" has none (422 unprocessable)`,
    hint: `declare a ProjectDefaults with ${missing} on target "${st.target}", or give ${nameOfKey(step.key)} its own ${missing}`,
  };
}

/** The rule a step would break, given the model before it runs. */
function check(n: Namer, st: SimTarget, step: Step): Blocker | undefined {
  const op = step.operation;
  if (op.type === 'project.create') return projectRules(st, step, op);
  return providerRules(n, st, step);
}

function putFromBody(st: SimTarget, c: { container: 'package' | 'subscription'; id: string; name: string; packageId?: string }, list: readonly LiveAttachment[]): void {
  putContainer(st, { ...c, providers: list });
}

function patched(old: SimContainer | undefined, name: string | undefined, providers: readonly LiveAttachment[] | undefined): SimContainer | undefined {
  return old && { ...old, name: name ?? old.name, providers: providers ?? old.providers };
}

function patchProvider(st: SimTarget, id: string, body: { readonly active?: boolean; readonly providerName?: string }): void {
  const p = st.providers.get(id);
  if (p) st.providers.set(id, { active: body.active ?? p.active, name: body.providerName ?? p.name });
}

/** Plays a step that passed `check` on the model. */
function play(st: SimTarget, step: Step): void {
  const op = step.operation;
  const created = `@${step.id}`;
  switch (op.type) {
    case 'provider.create':
      return void st.providers.set(created, { active: op.body.active, name: op.body.providerName });
    case 'provider.patch':
      return patchProvider(st, simId(op.id), op.body);
    case 'provider.delete':
      return void st.providers.delete(op.id);
    case 'package.create':
      return putFromBody(st, { container: 'package', id: created, name: op.body.packageName }, simAttachments(op.body.providers));
    case 'subscription.create':
      return putFromBody(st, { container: 'subscription', id: created, name: op.body.subscriptionName, packageId: simId(op.body.packageId) }, simAttachments(op.body.providers));
    case 'package.patch': {
      const c = patched(st.packages.get(simId(op.id)), op.body.packageName, op.body.providers && simAttachments(op.body.providers));
      return c && putContainer(st, c);
    }
    case 'subscription.patch': {
      const c = patched(st.subscriptions.get(simId(op.id)), op.body.subscriptionName, op.body.providers && simAttachments(op.body.providers));
      return c && putContainer(st, c);
    }
    case 'package.delete':
      return removeContainer(st, 'package', op.id);
    case 'subscription.delete':
      return removeContainer(st, 'subscription', op.id);
    case 'project.create':
      return putProject(st, op.body.projectName, created);
    case 'project.delete':
      return removeProject(st, op.id);
    case 'defaults.storage':
      return void (st.defaults.storage = true);
    case 'defaults.consumer':
      return void (st.defaults.consumer = true);
    default:
      return assertNever(op);
  }
}

function modelOf(scope: PlanScope, target: string, t: TargetIndex): { st: SimTarget; namer: Namer } {
  const st = simTarget(target, t);
  return { st, namer: { scope, st, keyOfSim: (kind, sim) => keyOfSim(scope, target, kind, sim) } };
}

/** What a simulation pass found. */
export interface Simulation {
  readonly refusals: readonly Refusal[];
  /**
   * false when the pass stopped at a change that was already half played (a later step refused
   * or skipped after an earlier one ran): the model no longer reflects a plan, so the caller
   * blocks what was found and simulates again. true: blocking `refusals` and their dependents
   * leaves exactly the steps this pass played, in the same order, so no second pass is needed.
   */
  readonly exact: boolean;
}

/**
 * Plays `ordered` (a topological order) and returns the changes the platform would refuse. A step
 * that waits for a refused one is skipped (the caller blocks it as a dependent).
 */
export function simulate(scope: PlanScope, ordered: readonly Step[]): Simulation {
  const models = new Map<string, { st: SimTarget; namer: Namer }>();
  const dead = new Set<string>();
  const deadKeys = new Set<Key>();
  const played = new Set<Key>();
  const refusals: Refusal[] = [];
  for (const step of ordered) {
    if (deadKeys.has(step.key) || step.dependsOn.some((d) => dead.has(d))) {
      dead.add(step.id);
      deadKeys.add(step.key);
      if (played.has(step.key)) return { refusals, exact: false };
      continue;
    }
    const t = scope.ctx.targets.get(step.target);
    if (t === undefined) continue;
    const model = models.get(step.target) ?? modelOf(scope, step.target, t);
    models.set(step.target, model);
    const blocker = check(model.namer, model.st, step);
    if (blocker === undefined) {
      play(model.st, step);
      played.add(step.key);
      continue;
    }
    refusals.push({ key: step.key, blocker });
    if (played.has(step.key)) return { refusals, exact: false };
    dead.add(step.id);
    deadKeys.add(step.key);
  }
  return { refusals, exact: true };
}
