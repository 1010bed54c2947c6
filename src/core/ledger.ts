/**
 * The ledger's content: what this configuration owns on each target and what it last applied.
 * Backends (file, Kubernetes) live in src/engine/ledger/; this is the pure value they store.
 */
import type { DeletionPolicy, Key, ManagedKind, SecretHashes } from './model.js';

export interface LedgerEntry {
  readonly key: Key;
  readonly kind: ManagedKind;
  readonly name: string;
  readonly target: string;
  /** Platform id (streamwise `id`, bluzone `projectId`); for ProjectDefaults the reseller id. */
  readonly externalId: string;
  /** Salted hash of the last applied spec, secrets included. */
  readonly hash: string;
  /**
   * Salted hash of each secret field last applied, by dotted path: what tells a changed write-only
   * secret (a project's `defaultOwnerPassword`) from any other change. Absent in ledgers written
   * before it existed; the next run records it.
   */
  readonly secretHashes?: SecretHashes;
  /** userMetadata keys this configuration wrote (three-way merge: others' keys are kept). */
  readonly managedMetadataKeys: readonly string[];
  /**
   * `pending`: a create was about to be sent and its answer was not recorded; the next run looks the
   * object up (reserved metadata on streamwise, projectName on bluzone) instead of creating it again.
   */
  readonly state: 'applied' | 'pending';
  /**
   * Recorded when the declaration said `Orphan`: once the declaration is removed, prune forgets the
   * object instead of deleting it. Absent means `Delete`.
   */
  readonly deletionPolicy?: DeletionPolicy;
}

export interface LedgerState {
  readonly version: 1;
  /** Identity of this configuration, written as `syncwise.io/owner` on streamwise objects. */
  readonly owner: string;
  /** Salt of the spec hashes; random per ledger, never printed. */
  readonly salt: string;
  readonly entries: { readonly [key: Key]: LedgerEntry };
}

export function emptyLedger(owner: string, salt: string): LedgerState {
  return { version: 1, owner, salt, entries: {} };
}
