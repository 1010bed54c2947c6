/**
 * Plans one ServicePackage or Subscription (both hold providers with one default). An update that
 * both adds and removes providers is split into `#attach` (the union, with the new default) and
 * `#detach` (the final list), so subscriptions can move to the new providers in between.
 */
import {
  attachmentBodies,
  attachmentDelta,
  attachmentLabels,
  danglingRef,
  defaultOf,
  labelOf,
  liveAttachments,
  refName,
  resolveAttachments,
  sameAttachments,
  sortAttachments,
  type ResolvedAttachment,
} from './attachments.js';
import type { Blocker, Change, FieldDiff, IdRef, Operation } from './change.js';
import { streamwiseOf } from './context.js';
import { diffValue } from './diff.js';
import { blockedDraft, changeHead, ledgerSet, makeStep, noopDraft, simId, type Draft, type DraftStep, type Effect } from './draft.js';
import type { LedgerEntry } from './ledger.js';
import type { LivePackage, LiveSubscription } from './live.js';
import { matchedEntry, resolveRef, type Match, type PlanScope } from './match.js';
import { createMetadataFields, mergeMetadata, withMetadataFields, type MergedMetadata } from './metadata.js';
import type { Desired, Diagnostic, Metadata, OfKind } from './model.js';

type DesiredContainer = OfKind<Desired, 'ServicePackage'> | OfKind<Desired, 'Subscription'>;

/** A package or subscription declaration with its references resolved. */
interface View {
  readonly d: DesiredContainer;
  readonly name: string;
  readonly providers: readonly ResolvedAttachment[];
  readonly packageRef?: IdRef;
  readonly merged: MergedMetadata;
}

interface Parts {
  readonly name?: string;
  readonly providers?: readonly ResolvedAttachment[];
  readonly metadata?: Metadata;
}

const nameField = (v: View): string => (v.d.kind === 'ServicePackage' ? 'packageName' : 'subscriptionName');

function createOp(v: View): Operation {
  const providers = attachmentBodies(v.providers);
  const metadata = v.merged.metadata;
  if (v.d.kind === 'ServicePackage') return { type: 'package.create', body: { packageName: v.name, providers, metadata } };
  return { type: 'subscription.create', body: { subscriptionName: v.name, packageId: v.packageRef ?? { id: '' }, providers, metadata } };
}

function patchOp(v: View, id: string, p: Parts): Operation {
  const common = { ...(p.providers ? { providers: attachmentBodies(p.providers) } : {}), ...(p.metadata ? { metadata: p.metadata } : {}) };
  if (v.d.kind === 'ServicePackage') return { type: 'package.patch', id: { id }, body: { ...(p.name !== undefined ? { packageName: p.name } : {}), ...common } };
  return { type: 'subscription.patch', id: { id }, body: { ...(p.name !== undefined ? { subscriptionName: p.name } : {}), ...common } };
}

function effectBase(v: View, id: string): Omit<Extract<Effect, { kind: 'container' }>, 'adds' | 'removes' | 'isDelete'> {
  const container = v.d.kind === 'ServicePackage' ? 'package' : 'subscription';
  return { kind: 'container', container, id, ...(v.packageRef ? { packageId: simId(v.packageRef) } : {}) };
}

function packageLabel(scope: PlanScope, v: View, sim: string): string {
  return labelOf(scope, v.d.target, 'ServicePackage', sim);
}

function createContainer(scope: PlanScope, v: View): Draft {
  const step = makeStep(v.d, 'create', createOp(v));
  const fields: FieldDiff[] = [
    { path: nameField(v), after: v.name },
    ...(v.packageRef ? [{ path: 'package', after: packageLabel(scope, v, simId(v.packageRef)) }] : []),
    { path: 'providers', after: attachmentLabels(v.providers) },
    ...createMetadataFields(v.merged.metadata),
  ];
  const { key, kind, name, target } = v.d;
  const container = kind === 'ServicePackage' ? 'package' : 'subscription';
  const adds = v.providers.map((a) => a.sim);
  const defaultTo = defaultOf(v.providers);
  const packageId = v.packageRef ? simId(v.packageRef) : undefined;
  // written out rather than built by conditional spreads: a plan of 10,000 creates makes 6,000 of these
  const effect: Effect = packageId === undefined
    ? { kind: 'container', container, id: `@${step.id}`, adds, removes: [], isDelete: false, ...(defaultTo ? { defaultTo } : {}) }
    : { kind: 'container', container, id: `@${step.id}`, packageId, adds, removes: [], isDelete: false, ...(defaultTo ? { defaultTo } : {}) };
  const ledger = ledgerSet(v.d, { createdBy: step.id }, v.merged.managedKeys);
  return { change: { key, kind, name, target, action: 'create', fields, steps: [step.id], ledger }, steps: [{ step, effect }] };
}

/**
 * The steps of an update: one patch, or for a package that both gains and loses providers `#attach`
 * then `#detach`. A subscription needs no split: it waits for its package's `#attach` and the
 * package's `#detach` waits for it.
 */
function updateSteps(v: View, live: { id: string; providers: readonly ResolvedAttachment[] }, p: Parts): DraftStep[] {
  const { adds, removes } = attachmentDelta(live.providers, v.providers);
  const from = defaultOf(live.providers);
  const away = from !== undefined && from !== defaultOf(v.providers) ? { defaultFrom: from } : {};
  const sends = (list: readonly ResolvedAttachment[] | undefined) => {
    const to = list && defaultOf(list);
    return to !== undefined ? { defaultTo: to } : {};
  };
  const base = effectBase(v, live.id);
  if (v.d.kind === 'Subscription' || adds.length === 0 || removes.length === 0) {
    const step = makeStep(v.d, 'update', patchOp(v, live.id, p));
    return [{ step, effect: { ...base, adds, removes, isDelete: false, ...away, ...sends(p.providers) } }];
  }
  const kept = live.providers.filter((a) => removes.includes(a.sim)).map((a) => ({ ...a, isDefault: false }));
  const union = sortAttachments([...v.providers, ...kept]);
  const attach = makeStep(v.d, 'attach', patchOp(v, live.id, { ...p, providers: union }));
  const detach = makeStep(v.d, 'detach', patchOp(v, live.id, { providers: v.providers }), [attach.id]);
  return [
    { step: attach, effect: { ...base, adds, removes: [], isDelete: false, ...away, ...sends(union) } },
    { step: detach, effect: { ...base, adds: [], removes, isDelete: false, ...sends(v.providers) } },
  ];
}

function immutablePackage(scope: PlanScope, v: View, live: LiveSubscription, fields: FieldDiff[]): Draft {
  const before = packageLabel(scope, v, live.packageId);
  const after = packageLabel(scope, v, v.packageRef ? simId(v.packageRef) : '');
  const blocker: Blocker = {
    rule: 'PLAN_IMMUTABLE_FIELD',
    summary: `a subscription cannot move to another package (${before} -> ${after})`,
    hint: `keep package ${before} on ${v.d.name}, or declare a new subscription (another name) for package ${after} and remove this one`,
    by: { kind: 'Subscription', name: v.d.name, id: live.id },
  };
  return blockedDraft({ ...changeHead(v.d), action: 'update', externalId: live.id, fields, steps: [] }, blocker);
}

function updateContainer(scope: PlanScope, v: View, live: LivePackage | LiveSubscription, entry: LedgerEntry | undefined): Draft {
  const liveName = 'packageName' in live ? live.packageName : live.subscriptionName;
  const providers = liveAttachments(scope, v.d.target, live.providers);
  const sameProviders = sameAttachments(providers, v.providers);
  const main = [
    ...diffValue(nameField(v), liveName, v.name),
    ...(sameProviders ? [] : [{ path: 'providers', before: attachmentLabels(providers), after: attachmentLabels(v.providers) }]),
  ];
  const fields = withMetadataFields(main, live.metadata, v.merged.metadata);
  if ('packageId' in live && v.packageRef && live.packageId !== simId(v.packageRef)) return immutablePackage(scope, v, live, fields);
  const ledger = ledgerSet(v.d, { id: live.id }, v.merged.managedKeys);
  if (fields.length === 0) return noopDraft(changeHead(v.d), live.id, entry, ledger);
  const parts: Parts = {
    ...(liveName !== v.name ? { name: v.name } : {}),
    ...(sameProviders ? {} : { providers: v.providers }),
    ...(diffValue('m', live.metadata, v.merged.metadata).length > 0 ? { metadata: v.merged.metadata } : {}),
  };
  const steps = updateSteps(v, { id: live.id, providers }, parts);
  return { change: { ...changeHead(v.d), action: 'update', externalId: live.id, fields, steps: steps.map((s) => s.step.id), ledger }, steps };
}

function view(scope: PlanScope, d: DesiredContainer, m: Match, live: LivePackage | LiveSubscription | undefined): View | { dangling: ReturnType<typeof danglingRef> } {
  const resolved = resolveAttachments(scope, d, d.spec.providers);
  if (resolved.dangling !== undefined) return { dangling: danglingRef(d, 'providerRef', 'ServiceProvider', resolved.dangling) };
  let packageRef: IdRef | undefined;
  if (d.kind === 'Subscription') {
    packageRef = resolveRef(scope.matches, d.target, 'ServicePackage', d.spec.package);
    if (packageRef === undefined) return { dangling: danglingRef(d, 'packageRef', 'ServicePackage', refName(d.spec.package)) };
  }
  const merged = mergeMetadata({
    live: live?.metadata, // plain properties, not conditional spreads: this runs for every object of a plan
    declared: d.spec.userMetadata,
    previouslyManaged: matchedEntry(m)?.managedMetadataKeys ?? [],
    markers: { name: d.name, owner: scope.ctx.input.ledger.owner, hash: d.hash },
  });
  const name = d.kind === 'ServicePackage' ? d.spec.packageName : d.spec.subscriptionName;
  return { d, name, providers: resolved.list, merged, ...(packageRef ? { packageRef } : {}) };
}

/** The change of a container that is blocked before it gets a step; built only then (a plan makes thousands of the others). */
function headOf(d: DesiredContainer, live: LivePackage | LiveSubscription | undefined): Change {
  return { ...changeHead(d), action: live ? 'update' : 'create', fields: [], steps: [], ...(live ? { externalId: live.id } : {}) };
}

/** Plans one package or subscription; dangling references add an error diagnostic to `diags`. */
export function planContainer(scope: PlanScope, d: DesiredContainer, m: Match, diags: Diagnostic[]): Draft {
  const t = streamwiseOf(scope.ctx, d.target);
  const list = d.kind === 'ServicePackage' ? t?.packages : t?.subscriptions;
  const live = m.found === 'live' ? list?.get(m.id) : undefined;
  const v = view(scope, d, m, live);
  if ('dangling' in v) {
    diags.push(v.dangling.diagnostic);
    return blockedDraft(headOf(d, live), v.dangling.blocker);
  }
  if (m.found === 'blocked') return blockedDraft(headOf(d, live), m.blocker);
  return live ? updateContainer(scope, v, live, matchedEntry(m)) : createContainer(scope, v);
}
