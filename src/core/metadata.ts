/**
 * Three-way merge of streamwise metadata. The platform replaces metadata whole on every write, so
 * the planner sends the merged object: live keys written by others are kept, keys this
 * configuration managed before and no longer declares are removed, declared keys are set, and the
 * reserved `syncwise.io/*` markers are rewritten.
 */
import type { FieldDiff } from './change.js';
import { diffValue, inOrder, isEqualValue, sortKeys } from './diff.js';
import { META_HASH, META_MANAGED_KEYS, META_NAME, META_OWNER, RESERVED_PREFIX, type Metadata, type MetaValue } from './model.js';

const OWN_MARKERS: ReadonlySet<string> = new Set([META_NAME, META_OWNER, META_HASH, META_MANAGED_KEYS]);

/** The three sides of the merge: live, declared, and what was managed before. */
export interface MergeMetadataInput {
  /** What the platform holds now; undefined for a create. */
  readonly live?: Metadata | undefined;
  /** `spec.userMetadata`: undefined leaves user keys alone, `{}` removes every managed key. */
  readonly declared?: Metadata | undefined;
  /** Keys the ledger says this configuration wrote last time. */
  readonly previouslyManaged: readonly string[];
  readonly markers: { readonly name: string; readonly owner: string; readonly hash: string };
}

/** The result of the merge. */
export interface MergedMetadata {
  /** The whole object to send, keys sorted. */
  readonly metadata: Metadata;
  /** The user keys this configuration manages from now on, sorted. */
  readonly managedKeys: readonly string[];
}

/** The managed keys recorded in a live object's `syncwise.io/managed-keys` marker. */
export function managedKeysMarker(live: Metadata | undefined): string[] {
  const v = live?.[META_MANAGED_KEYS];
  return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
}

/**
 * Whether the merge would give `live` back: the markers and managed keys are as they would be
 * written, every declared key holds its declared value, and no released key is left to remove.
 * The common case of a plan (nothing changed), answered without building the merged object.
 */
function mergesToLive(live: Metadata, declared: Metadata | undefined, declaredKeys: readonly string[], input: MergeMetadataInput): boolean {
  const m = input.markers;
  if (live[META_NAME] !== m.name || live[META_OWNER] !== m.owner || live[META_HASH] !== m.hash) return false;
  const managed = live[META_MANAGED_KEYS];
  if (!Array.isArray(managed) || managed.length !== declaredKeys.length) return false;
  for (let i = 0; i < declaredKeys.length; i++) {
    const k = declaredKeys[i] as string;
    if (managed[i] !== k || !Object.hasOwn(live, k) || !isEqualValue(live[k], (declared as Metadata)[k])) return false;
  }
  // the managed-keys marker equals the declared keys; a key managed before and declared no more would be removed
  return declared === undefined || !input.previouslyManaged.some((k) => Object.hasOwn(live, k) && !Object.hasOwn(declared, k));
}

/** Merges declared user metadata into live metadata and rewrites the reserved markers. */
export function mergeMetadata(input: MergeMetadataInput): MergedMetadata {
  const { live = {}, declared } = input;
  const declaredKeys = declared === undefined ? [] : inOrder(Object.keys(declared).filter((k) => !OWN_MARKERS.has(k)));
  if (mergesToLive(live, declared, declaredKeys, input)) return { metadata: sortKeys(live), managedKeys: declaredKeys };
  const released = new Set(declared === undefined ? [] : [...input.previouslyManaged, ...managedKeysMarker(live)]);
  const out: Record<string, MetaValue> = {};
  for (const [k, v] of Object.entries(live)) {
    if (!OWN_MARKERS.has(k) && !released.has(k)) out[k] = v;
  }
  for (const k of declaredKeys) out[k] = (declared as Metadata)[k] as MetaValue;
  out[META_NAME] = input.markers.name;
  out[META_OWNER] = input.markers.owner;
  out[META_HASH] = input.markers.hash;
  out[META_MANAGED_KEYS] = declaredKeys;
  return { metadata: sortKeys(out), managedKeys: declaredKeys };
}

function metadataPath(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `metadata.${key}` : `metadata[${JSON.stringify(key)}]`;
}

/** Whether a key is one of syncwise's reserved markers. */
export function isReservedKey(key: string): boolean {
  return key.startsWith(RESERVED_PREFIX);
}

/**
 * Field diffs of two metadata objects, key by key, with the reserved markers apart: callers show
 * marker changes only when nothing else changed (see `withMetadataFields`).
 */
export function diffMetadata(before: Metadata | undefined, after: Metadata): { readonly user: FieldDiff[]; readonly reserved: FieldDiff[] } {
  if (before === after) return { user: [], reserved: [] }; // a merge that changed nothing gives the live object back
  const afterKeys = Object.keys(after);
  const beforeKeys = before === undefined ? [] : Object.keys(before);
  const same = beforeKeys.length === afterKeys.length && beforeKeys.every((k, i) => k === afterKeys[i]);
  const keys = inOrder(same ? afterKeys : [...new Set([...beforeKeys, ...afterKeys])]);
  const user: FieldDiff[] = [];
  const reserved: FieldDiff[] = [];
  for (const k of keys) {
    if (isEqualValue(before?.[k], after[k])) continue; // most keys are unchanged: no path to build
    (isReservedKey(k) ? reserved : user).push(...diffValue(metadataPath(k), before?.[k], after[k]));
  }
  return { user, reserved };
}

/**
 * The field diffs of an update: `fields` plus the user metadata diffs; the reserved markers are
 * listed only when they are all that changed, so a marker-only rewrite is still visible.
 */
export function withMetadataFields(fields: readonly FieldDiff[], before: Metadata, after: Metadata): FieldDiff[] {
  const meta = diffMetadata(before, after);
  const out = [...fields, ...meta.user];
  return out.length > 0 ? out : meta.reserved;
}

/** Field lines of the user keys of a new object (the markers are not shown on create). */
export function createMetadataFields(metadata: Metadata): FieldDiff[] {
  return inOrder(Object.keys(metadata).filter((k) => !isReservedKey(k)))
    .flatMap((k) => diffValue(metadataPath(k), undefined, metadata[k]));
}
