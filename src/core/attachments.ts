/**
 * Provider attachments of packages and subscriptions, resolved to simulated ids and compared as
 * sets (the platform's order is not meaningful). Labels name a provider by its declaration when
 * this configuration manages it and by platform id otherwise, so a plan reads `p1 (default)`.
 */
import type { AttachmentBody, Blocker, IdRef } from './change.js';
import { cmp } from './context.js';
import { inOrder } from './diff.js';
import { keyOfStep, simId } from './draft.js';
import type { LiveAttachment } from './live.js';
import { liveKeyOf, nameOfKey, resolveName, type PlanScope } from './match.js';
import type { Attachment, Desired, Diagnostic, Key, ManagedKind, ObjectRef } from './model.js';

/** One attachment with its reference resolved (`sim`: live id or `@<create step>`) and its label. */
export interface ResolvedAttachment {
  readonly ref: IdRef;
  readonly sim: string;
  readonly isDefault: boolean;
  readonly label: string;
}

export { nameOfKey };

/** The declaration that manages a simulated id on `target`, if any. */
export function keyOfSim(scope: PlanScope, target: string, kind: ManagedKind, sim: string): Key | undefined {
  return sim.startsWith('@') ? keyOfStep(sim.slice(1)) : liveKeyOf(scope.matches.byLive, target, kind, sim);
}

/** A provider's or package's label: its declaration name when managed, else its platform id. */
export function labelOf(scope: PlanScope, target: string, kind: ManagedKind, sim: string): string {
  const key = keyOfSim(scope, target, kind, sim);
  return key === undefined ? sim : nameOfKey(key);
}

function byLabel(a: ResolvedAttachment, b: ResolvedAttachment): number {
  return cmp(a.label, b.label) || cmp(a.sim, b.sim);
}

/** Attachments in display order (by label, then id): the order bodies and plans use. */
export function sortAttachments(list: readonly ResolvedAttachment[]): ResolvedAttachment[] {
  return [...list].sort(byLabel);
}

/** Live attachments in the same shape as resolved ones, sorted by label. */
export function liveAttachments(scope: PlanScope, target: string, list: readonly LiveAttachment[]): ResolvedAttachment[] {
  return list
    .map((a) => ({ ref: { id: a.providerId }, sim: a.providerId, isDefault: a.isDefault, label: labelOf(scope, target, 'ServiceProvider', a.providerId) }))
    .sort(byLabel);
}

/** A reference that names no declaration on the target: a diagnostic and the blocker of the change. */
export function danglingRef(d: Desired, field: string, kind: 'ServiceProvider' | 'ServicePackage', name: string): { diagnostic: Diagnostic; blocker: Blocker } {
  const summary = `${field} "${name}" names no ${kind} declared on target "${d.target}"`;
  return {
    diagnostic: { severity: 'error', code: 'PLAN_DANGLING_REF', summary: `${d.key}: ${summary}`, origin: d.origin },
    blocker: { rule: 'PLAN_DANGLING_REF', summary, hint: `declare ${kind} ${name} on target "${d.target}", fix the name, or reference an existing object by id`, by: { kind, name } },
  };
}

/** Resolves declared attachments; `dangling` holds the first name that resolves to nothing. */
export function resolveAttachments(scope: PlanScope, d: Desired, list: readonly Attachment[]): { list: ResolvedAttachment[]; dangling?: string } {
  const out: ResolvedAttachment[] = [];
  for (const a of list) {
    const p = a.provider;
    if (p.by === 'id') {
      out.push({ ref: { id: p.id }, sim: p.id, isDefault: a.isDefault, label: labelOf(scope, d.target, 'ServiceProvider', p.id) });
      continue;
    }
    // a declared provider: its reference, id and label were resolved once per plan (see `matchAll`)
    const r = resolveName(scope.matches, d.target, 'ServiceProvider', p.name);
    if (r === undefined) return { list: out, dangling: p.name };
    out.push({ ref: r.ref, sim: r.sim, isDefault: a.isDefault, label: r.label });
  }
  return { list: out.sort(byLabel) };
}

/** The name (or id) a reference is written with. */
export function refName(ref: ObjectRef): string {
  return ref.by === 'name' ? ref.name : ref.id;
}

/** The attachments as sent to the platform. */
export function attachmentBodies(list: readonly ResolvedAttachment[]): AttachmentBody[] {
  return list.map((a) => ({ provider: a.ref, isDefault: a.isDefault }));
}

/** The attachments as shown in a plan: `["p1 (default)", "p2"]`. */
export function attachmentLabels(list: readonly ResolvedAttachment[]): string[] {
  return list.map((a) => (a.isDefault ? `${a.label} (default)` : a.label));
}

/**
 * Whether two attachment lists of one target hold the same providers with the same default. Both
 * come sorted by label and then id, and a label follows from the id, so equal lists are nearly
 * always equal element by element: that is checked first, without building a string per list
 * (this runs for every package and subscription of a plan).
 */
export function sameAttachments(a: readonly ResolvedAttachment[], b: readonly ResolvedAttachment[]): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i]?.sim === b[i]?.sim && a[i]?.isDefault === b[i]?.isDefault) i++;
  if (i === a.length) return true;
  const key = (l: readonly ResolvedAttachment[]): string => inOrder(l.map((x) => `${x.sim}${x.isDefault ? '*' : ''}`)).join(',');
  return key(a) === key(b);
}

/** The default provider's simulated id. */
export function defaultOf(list: readonly ResolvedAttachment[]): string | undefined {
  return list.find((a) => a.isDefault)?.sim;
}

/** What changes between two attachment lists, in simulated ids. */
export function attachmentDelta(before: readonly ResolvedAttachment[], after: readonly ResolvedAttachment[]): { adds: string[]; removes: string[] } {
  const b = new Set(before.map((a) => a.sim));
  const a = new Set(after.map((x) => x.sim));
  return { adds: [...a].filter((s) => !b.has(s)).sort(cmp), removes: [...b].filter((s) => !a.has(s)).sort(cmp) };
}
