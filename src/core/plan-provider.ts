/**
 * Plans one ServiceProvider: create, field-level update, or noop. A secret the platform never
 * returns is re-sent when its hash differs from the one last applied (the ledger's per-field hash,
 * else the spec hash of the ledger or of the `syncwise.io/hash` marker), and shown as
 * `properties.secret: (sensitive)`.
 */
import type { FieldDiff, ProviderBody } from './change.js';
import { streamwiseOf } from './context.js';
import { diffValue } from './diff.js';
import { blockedDraft, changeHead, ledgerSet, makeStep, noopDraft, type Draft } from './draft.js';
import type { LedgerEntry } from './ledger.js';
import type { LiveProvider } from './live.js';
import { matchedEntry, type Match, type PlanScope } from './match.js';
import { createMetadataFields, mergeMetadata, withMetadataFields, type MergedMetadata } from './metadata.js';
import { META_HASH, type Desired, type OfKind } from './model.js';

type DesiredProvider = OfKind<Desired, 'ServiceProvider'>;

const SECRET: FieldDiff = { path: 'properties.secret', sensitive: true };

function createFields(d: DesiredProvider, merged: MergedMetadata): FieldDiff[] {
  const s = d.spec;
  return [
    { path: 'providerName', after: s.providerName },
    { path: 'active', after: s.active },
    { path: 'providerType', after: s.providerType },
    { path: 'properties.url', after: s.properties.url },
    SECRET,
    ...createMetadataFields(merged.metadata),
  ];
}

function createProvider(d: DesiredProvider, merged: MergedMetadata): Draft {
  const s = d.spec;
  const body: ProviderBody = {
    providerName: s.providerName,
    active: s.active,
    providerType: s.providerType,
    serviceType: s.serviceType,
    properties: { url: s.properties.url, secret: s.properties.secret },
    settings: {},
    metadata: merged.metadata,
  };
  const step = makeStep(d, 'create', { type: 'provider.create', body });
  const ledger = ledgerSet(d, { createdBy: step.id }, merged.managedKeys);
  const { key, kind, name, target } = d;
  return {
    change: { key, kind, name, target, action: 'create', fields: createFields(d, merged), steps: [step.id], ledger },
    steps: [{ step, effect: { kind: 'provider', id: `@${step.id}`, verb: 'create' } }],
  };
}

function immutableType(d: DesiredProvider, live: LiveProvider): Draft {
  const fields = diffValue('providerType', live.providerType, d.spec.providerType);
  return blockedDraft(
    { ...changeHead(d), action: 'update', externalId: live.id, fields, steps: [] },
    {
      rule: 'PLAN_IMMUTABLE_FIELD',
      summary: `providerType cannot change on the platform (${live.providerType} -> ${d.spec.providerType})`,
      hint: `keep providerType ${live.providerType} on ${d.name}, or declare a new provider (another name) of type ${d.spec.providerType} and move packages to it`,
      by: { kind: 'ServiceProvider', name: d.name, id: live.id },
    },
  );
}

function patchBody(d: DesiredProvider, live: LiveProvider, merged: MergedMetadata, resendSecret: boolean): Partial<ProviderBody> {
  const s = d.spec;
  const changed = (path: string, a: unknown, b: unknown): boolean => diffValue(path, a, b).length > 0;
  const url = changed('url', live.properties.url, s.properties.url) ? { url: s.properties.url } : {};
  const properties = { ...url, ...(resendSecret ? { secret: s.properties.secret } : {}) };
  return {
    ...(changed('n', live.providerName, s.providerName) ? { providerName: s.providerName } : {}),
    ...(live.active !== s.active ? { active: s.active } : {}),
    ...(changed('t', live.serviceType, s.serviceType) ? { serviceType: s.serviceType } : {}),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(changed('s', live.settings, s.settings) ? { settings: {} } : {}),
    ...(changed('m', live.metadata, merged.metadata) ? { metadata: merged.metadata } : {}),
  };
}

/**
 * Whether the secret must be sent again: its own hash differs from the ledger's, or, when either
 * side has no per-field hashes (an older ledger, or none: the `syncwise.io/hash` marker is used),
 * the whole spec's hash differs. So a rename does not re-send an unchanged secret.
 */
function secretChanged(d: DesiredProvider, live: LiveProvider, entry: LedgerEntry | undefined): boolean {
  const mine = entry?.state === 'applied' && entry.externalId === live.id ? entry : undefined;
  const before = mine?.secretHashes?.[SECRET.path];
  const after = d.secretHashes?.[SECRET.path];
  if (before !== undefined && after !== undefined) return before !== after;
  return (mine ? mine.hash : live.metadata[META_HASH]) !== d.hash;
}

function updateProvider(d: DesiredProvider, live: LiveProvider, merged: MergedMetadata, entry: LedgerEntry | undefined): Draft {
  if (live.providerType !== d.spec.providerType) return immutableType(d, live);
  const resendSecret = secretChanged(d, live, entry);
  const s = d.spec;
  const main = [
    ...diffValue('providerName', live.providerName, s.providerName),
    ...diffValue('active', live.active, s.active),
    ...diffValue('serviceType', live.serviceType, s.serviceType),
    ...diffValue('properties.url', live.properties.url, s.properties.url),
    ...(resendSecret ? [SECRET] : []),
    ...diffValue('settings', live.settings, s.settings),
  ];
  const fields = withMetadataFields(main, live.metadata, merged.metadata);
  const ledger = ledgerSet(d, { id: live.id }, merged.managedKeys);
  if (fields.length === 0) return noopDraft(changeHead(d), live.id, entry, ledger);
  const step = makeStep(d, 'update', { type: 'provider.patch', id: { id: live.id }, body: patchBody(d, live, merged, resendSecret) });
  const verb = live.active === s.active ? 'other' : s.active ? 'enable' : 'disable';
  return {
    change: { ...changeHead(d), action: 'update', externalId: live.id, fields, steps: [step.id], ledger },
    steps: [{ step, effect: { kind: 'provider', id: live.id, verb } }],
  };
}

/** Plans one desired provider against its matched live object. */
export function planProvider(scope: PlanScope, d: DesiredProvider, m: Match): Draft {
  const t = streamwiseOf(scope.ctx, d.target);
  const live = m.found === 'live' ? t?.providers.get(m.id) : undefined;
  const merged = mergeMetadata({
    live: live?.metadata, // plain properties, not conditional spreads: this runs for every object of a plan
    declared: d.spec.userMetadata,
    previouslyManaged: matchedEntry(m)?.managedMetadataKeys ?? [],
    markers: { name: d.name, owner: scope.ctx.input.ledger.owner, hash: d.hash },
  });
  if (m.found === 'blocked') return blockedDraft({ ...changeHead(d), action: 'create', fields: createFields(d, merged), steps: [] }, m.blocker);
  return live ? updateProvider(d, live, merged, matchedEntry(m)) : createProvider(d, merged);
}
