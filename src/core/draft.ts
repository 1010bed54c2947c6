/**
 * The planner's working values: a change with the steps that would carry it out, before ordering
 * and rule checking decide whether it runs or is blocked. Internal to the planner; pure data.
 */
import type { Blocker, Change, IdRef, LedgerUpdate, Operation, Step } from './change.js';
import type { LedgerEntry } from './ledger.js';
import type { Desired, Key, ManagedKind, SecretHashes } from './model.js';

/**
 * What a step does to the objects others depend on, in simulated ids (a live id, or `@<stepId>` of
 * the create step that makes the object). The dependency wiring reads these, never the operations.
 */
export type Effect =
  | { readonly kind: 'provider'; readonly id: string; readonly verb: 'create' | 'enable' | 'disable' | 'delete' | 'other' }
  | {
      readonly kind: 'container';
      readonly container: 'package' | 'subscription';
      readonly id: string;
      /** Subscriptions only: the package they belong to. */
      readonly packageId?: string;
      readonly adds: readonly string[];
      readonly removes: readonly string[];
      /** The provider that stops being the default in this step. */
      readonly defaultFrom?: string;
      /** The default of the provider list this step sends (it must be enabled before the step). */
      readonly defaultTo?: string;
      readonly isDelete: boolean;
    }
  | { readonly kind: 'defaults'; readonly which: 'storage' | 'consumer' }
  | { readonly kind: 'project'; readonly needs: readonly ('storage' | 'consumer')[] }
  | { readonly kind: 'none' };

/** A step plus what it does to others. */
export interface DraftStep {
  readonly step: Step;
  readonly effect: Effect;
}

/** A change under construction: `blocker` set means it will be rendered as blocked. */
export interface Draft {
  readonly change: Change;
  readonly steps: readonly DraftStep[];
  readonly blocker?: Blocker;
}

/** The simulated id of an IdRef: the live id, or `@<stepId>` for an object created in this plan. */
export function simId(ref: IdRef): string {
  return 'id' in ref ? ref.id : `@${ref.createdBy}`;
}

/** The key a step id belongs to: `ServicePackage/gold#attach` -> `ServicePackage/gold`. */
export function keyOfStep(stepId: string): Key {
  const at = stepId.lastIndexOf('#');
  return at < 0 ? stepId : stepId.slice(0, at);
}

/** Returns a step of the object `of` (a declaration or a ledger entry) with the verb as its id suffix. */
export function makeStep(of: { readonly key: Key; readonly target: string }, verb: string, operation: Operation, dependsOn: readonly string[] = []): Step {
  return { id: `${of.key}#${verb}`, key: of.key, target: of.target, operation, dependsOn };
}

/** Identity of a change: the envelope fields every action shares. */
export function changeHead(r: { readonly key: Key; readonly kind: ManagedKind; readonly name: string; readonly target: string }): Pick<
  Change,
  'key' | 'kind' | 'name' | 'target'
> {
  return { key: r.key, kind: r.kind, name: r.name, target: r.target };
}

/** The ledger entry a desired resource will have once its change has succeeded. */
export function ledgerSet(d: Desired, externalId: IdRef, managedMetadataKeys: readonly string[]): LedgerUpdate {
  // written out rather than built by conditional spreads: every change of a plan makes one
  const { key, kind, name, target, hash, secretHashes } = d;
  const orphan = d.deletionPolicy === 'Orphan';
  if (secretHashes === undefined) {
    return { set: orphan ? { key, kind, name, target, externalId, hash, managedMetadataKeys, state: 'applied', deletionPolicy: 'Orphan' } : { key, kind, name, target, externalId, hash, managedMetadataKeys, state: 'applied' } };
  }
  return {
    set: orphan
      ? { key, kind, name, target, externalId, hash, managedMetadataKeys, state: 'applied', secretHashes, deletionPolicy: 'Orphan' }
      : { key, kind, name, target, externalId, hash, managedMetadataKeys, state: 'applied', secretHashes },
  };
}

/** Whether recording `update` would change the ledger (a noop then still carries it). */
export function changesLedger(entry: LedgerEntry | undefined, update: LedgerUpdate): boolean {
  if (!('set' in update)) return entry !== undefined;
  if (entry === undefined) return true;
  const s = update.set;
  const sameId = 'id' in s.externalId && s.externalId.id === entry.externalId;
  return (
    !sameId ||
    s.key !== entry.key ||
    s.hash !== entry.hash ||
    s.state !== entry.state ||
    s.target !== entry.target ||
    s.deletionPolicy !== entry.deletionPolicy ||
    !sameKeys(s.managedMetadataKeys, entry.managedMetadataKeys) ||
    !sameSecretHashes(s.secretHashes, entry.secretHashes)
  );
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Same paths with the same hashes (an absent record differs from an empty one); compared key by key, as every noop asks it. */
function sameSecretHashes(a: SecretHashes | undefined, b: SecretHashes | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/** A draft of a change that is blocked before it gets any step. */
export function blockedDraft(change: Change, blocker: Blocker): Draft {
  return { change, steps: [], blocker };
}

/** A change that does nothing on the platform; it may still record a ledger update. */
export function noopDraft(head: Pick<Change, 'key' | 'kind' | 'name' | 'target'>, externalId: string, entry: LedgerEntry | undefined, update: LedgerUpdate): Draft {
  // written out rather than spread: a no-op plan of 10,000 objects makes 10,000 of these
  const { key, kind, name, target } = head;
  const change: Change = changesLedger(entry, update)
    ? { key, kind, name, target, action: 'noop', externalId, fields: [], steps: [], ledger: update }
    : { key, kind, name, target, action: 'noop', externalId, fields: [], steps: [] };
  return { change, steps: [] };
}
