/**
 * Plans bluzone objects. Projects cannot be updated on the platform, so any difference in a
 * creation-time field means replace (delete, then create: a new projectId and projectApiKey), and
 * a replace is blocked unless `replacePolicy: Allow` or `--allow-replace`. ProjectDefaults become
 * the reseller's default remote storage and consumer, listing the projects a propagated change touches.
 */
import type { Blocker, FieldDiff, ProjectBody } from './change.js';
import { bluzoneOf } from './context.js';
import { diffFields, diffValue } from './diff.js';
import { blockedDraft, changeHead, ledgerSet, makeStep, noopDraft, type Draft, type DraftStep } from './draft.js';
import type { LedgerEntry } from './ledger.js';
import type { LiveProject } from './live.js';
import { matchedEntry, type Match, type PlanScope } from './match.js';
import type { Desired, OfKind, RemoteConsumer, RemoteStorage, Sensitive, UseDefault } from './model.js';

type DesiredProject = OfKind<Desired, 'Project'>;
type DesiredDefaults = OfKind<Desired, 'ProjectDefaults'>;

const STORAGE_FIELDS = [
  'storageProvider',
  'storageRegion',
  'storageResourceIdentifier',
  'accessKey',
  'secretKey',
  'assumeRoleEnabled',
  'assumeRoleName',
  'storageTypes',
] as const satisfies readonly (keyof RemoteStorage<Sensitive>)[];
const CONSUMER_FIELDS = ['awsAccessKey', 'awsSecretKey', 'kinesisEndpoint', 'streamName', 'streamType', 'partitionKey'] as const satisfies readonly (keyof RemoteConsumer<Sensitive>)[];
const SCALARS = ['projectName', 'defaultOwnerEmail', 'joinAccountsEnabled', 'debugEnabled'] as const;

function isDefault<T extends object>(v: UseDefault | T): v is UseDefault {
  return 'useDefault' in v;
}

interface Remote<T extends object> {
  readonly name: 'remoteStorage' | 'remoteConsumer';
  readonly flag: 'useDefaultRemoteStorage' | 'useDefaultRemoteConsumer';
  readonly fields: readonly (keyof T & string)[];
}
const STORAGE: Remote<RemoteStorage<Sensitive>> = { name: 'remoteStorage', flag: 'useDefaultRemoteStorage', fields: STORAGE_FIELDS };
const CONSUMER: Remote<RemoteConsumer<Sensitive>> = { name: 'remoteConsumer', flag: 'useDefaultRemoteConsumer', fields: CONSUMER_FIELDS };

/** Diffs one remote setting: following the reseller default, or an own copy compared field by field. */
function diffRemote<T extends object>(r: Remote<T>, desired: UseDefault | T, live: { useDefault: boolean; value?: T } | undefined): FieldDiff[] {
  const wantsDefault = isDefault(desired);
  if (live === undefined) return wantsDefault ? [{ path: r.flag, after: true }] : diffFields(r.name, r.fields, undefined, desired);
  if (wantsDefault || live.useDefault) return diffValue(r.flag, live.useDefault, wantsDefault).concat(wantsDefault ? [] : diffFields(r.name, r.fields, undefined, desired));
  return diffFields(r.name, r.fields, live.value, desired);
}

function projectFields(d: DesiredProject, live: LiveProject | undefined): FieldDiff[] {
  const s = d.spec;
  return [
    ...SCALARS.flatMap((f) => diffValue(f, live?.[f], s[f])),
    ...(live ? [] : [{ path: 'defaultOwnerPassword', sensitive: true as const }]),
    ...diffRemote(STORAGE, s.remoteStorage, live && { useDefault: live.useDefaultRemoteStorage, ...(live.remoteStorage ? { value: live.remoteStorage } : {}) }),
    ...diffRemote(CONSUMER, s.remoteConsumer, live && { useDefault: live.useDefaultRemoteConsumer, ...(live.remoteConsumer ? { value: live.remoteConsumer } : {}) }),
  ];
}

function createStep(d: DesiredProject, dependsOn: readonly string[]): DraftStep {
  const s = d.spec;
  const body: ProjectBody = {
    projectName: s.projectName,
    defaultOwnerEmail: s.defaultOwnerEmail,
    defaultOwnerPassword: s.defaultOwnerPassword,
    joinAccountsEnabled: s.joinAccountsEnabled,
    debugEnabled: s.debugEnabled,
    ...(isDefault(s.remoteStorage) ? {} : { remoteStorage: s.remoteStorage }),
    ...(isDefault(s.remoteConsumer) ? {} : { remoteConsumer: s.remoteConsumer }),
  };
  const needs = [...(isDefault(s.remoteStorage) ? ['storage' as const] : []), ...(isDefault(s.remoteConsumer) ? ['consumer' as const] : [])];
  return { step: makeStep(d, 'create', { type: 'project.create', body }, dependsOn), effect: { kind: 'project', needs } };
}

function replaceProject(scope: PlanScope, d: DesiredProject, live: LiveProject, fields: FieldDiff[]): Draft {
  const del: DraftStep = { step: makeStep(d, 'delete', { type: 'project.delete', id: live.projectId }), effect: { kind: 'none' } };
  const create = createStep(d, [del.step.id]);
  const paths = fields.map((f) => f.path).join(', ');
  const reason = `projects cannot be updated: ${paths} changed; the project gets a new projectId and projectApiKey`;
  const ledger = ledgerSet(d, { createdBy: create.step.id }, []);
  const change = { ...changeHead(d), action: 'replace' as const, externalId: live.projectId, fields, reason, steps: [del.step.id, create.step.id], ledger };
  if (d.spec.replacePolicy === 'Allow' || scope.ctx.input.options.allowReplace) return { change, steps: [del, create] };
  const blocker: Blocker = {
    rule: 'PLAN_REPLACE_NOT_ALLOWED',
    summary: `changing ${paths} needs project ${JSON.stringify(live.projectName)} (id ${live.projectId}) to be deleted and created again`,
    hint: 'set spec.replacePolicy: Allow or pass --allow-replace',
    by: { kind: 'Project', name: d.name, id: live.projectId },
  };
  return blockedDraft({ ...change, steps: [] }, blocker);
}

/** Secrets the platform never returns: only the ledger's per-field hashes show that they changed. */
const WRITE_ONLY = ['defaultOwnerPassword'] as const;

/**
 * The write-only secrets whose hash differs from the one recorded when the project was created.
 * Nothing when either side has no hashes (a ledger written before they were recorded, or a lost
 * one): the change cannot be seen then, and the next apply records the hashes.
 */
function changedWriteOnly(d: DesiredProject, entry: LedgerEntry | undefined): FieldDiff[] {
  const before = entry?.secretHashes;
  const after = d.secretHashes;
  if (before === undefined || after === undefined) return [];
  return WRITE_ONLY.filter((path) => before[path] !== undefined && before[path] !== after[path]).map((path) => ({ path, sensitive: true as const }));
}

/**
 * Plans one project. A changed `defaultOwnerPassword` is seen through the ledger's secret hashes
 * (the platform never returns it) and, like any other changed field, needs a replace; a change of
 * `replacePolicy` alone changes nothing on the platform.
 */
export function planProject(scope: PlanScope, d: DesiredProject, m: Match): Draft {
  const live = m.found === 'live' ? bluzoneOf(scope.ctx, d.target)?.projects.get(m.id) : undefined;
  if (m.found === 'blocked') return blockedDraft({ ...changeHead(d), action: 'create', fields: projectFields(d, undefined), steps: [] }, m.blocker);
  if (live === undefined) {
    const create = createStep(d, []);
    const ledger = ledgerSet(d, { createdBy: create.step.id }, []);
    return { change: { ...changeHead(d), action: 'create', fields: projectFields(d, undefined), steps: [create.step.id], ledger }, steps: [create] };
  }
  const fields = [...projectFields(d, live), ...changedWriteOnly(d, matchedEntry(m))];
  if (fields.length > 0) return replaceProject(scope, d, live, fields);
  return noopDraft(changeHead(d), live.projectId, matchedEntry(m), ledgerSet(d, { id: live.projectId }, []));
}

/** Plans the reseller's defaults: one step per changed setting, `touches` = projects that follow it. */
export function planDefaults(scope: PlanScope, d: DesiredDefaults, m: Match): Draft {
  const t = bluzoneOf(scope.ctx, d.target);
  const reseller = t?.live.reseller;
  const id = reseller?.serviceProviderId ?? '';
  const s = d.spec;
  const storage = s.remoteStorage ? diffFields('remoteStorage', STORAGE_FIELDS, reseller?.defaultRemoteStorage, s.remoteStorage) : [];
  const consumer = s.remoteConsumer ? diffFields('remoteConsumer', CONSUMER_FIELDS, reseller?.defaultRemoteConsumer, s.remoteConsumer) : [];
  const steps: DraftStep[] = [];
  const updateProjects = s.propagateToProjects;
  if (s.remoteStorage && storage.length > 0) {
    const step = makeStep(d, 'storage', { type: 'defaults.storage', body: s.remoteStorage, updateProjects });
    steps.push({ step, effect: { kind: 'defaults', which: 'storage' } });
  }
  if (s.remoteConsumer && consumer.length > 0) {
    const step = makeStep(d, 'consumer', { type: 'defaults.consumer', body: s.remoteConsumer, updateProjects });
    steps.push({ step, effect: { kind: 'defaults', which: 'consumer' } });
  }
  const ledger = ledgerSet(d, { id }, []);
  if (steps.length === 0) return noopDraft(changeHead(d), id, matchedEntry(m), ledger);
  const touched = (t?.live.projects ?? []).filter(
    (p) => updateProjects && ((storage.length > 0 && p.useDefaultRemoteStorage) || (consumer.length > 0 && p.useDefaultRemoteConsumer)),
  );
  const touches = touched.map((p) => p.projectName).sort();
  const change = { ...changeHead(d), action: 'update' as const, externalId: id, fields: [...storage, ...consumer], steps: steps.map((x) => x.step.id), ledger };
  return { change: touches.length > 0 ? { ...change, touches } : change, steps };
}
