/**
 * streamwise's rules (docs/platform-apis.md): a default provider cannot be disabled, an attached
 * provider cannot be deleted, a package with subscriptions cannot be deleted, a provider used by a
 * subscription cannot leave its package, and every provider list needs known, enabled-default,
 * exactly-one-default providers, each listed once, that (for a subscription) belong to its package.
 */
import { nameOfKey } from './attachments.js';
import type { Blocker, Step } from './change.js';
import { simId } from './draft.js';
import type { LiveAttachment } from './live.js';
import type { PlanScope } from './match.js';
import type { Key, ManagedKind } from './model.js';
import { simAttachments, subscriptionsOf, usersOf, type SimContainer, type SimTarget } from './sim-state.js';

/** Names objects in messages the way a reader of the configuration knows them. */
export interface Namer {
  readonly scope: PlanScope;
  readonly st: SimTarget;
  readonly keyOfSim: (kind: ManagedKind, sim: string) => Key | undefined;
}

const UNMANAGED = ', which this configuration does not manage';

function provider(n: Namer, id: string): { text: string; name: string } {
  const key = n.keyOfSim('ServiceProvider', id);
  if (key !== undefined) return { text: `provider ${nameOfKey(key)}`, name: nameOfKey(key) };
  return { text: `provider ${JSON.stringify(n.st.providers.get(id)?.name ?? id)} (id ${id})`, name: id };
}

function container(n: Namer, c: SimContainer): { text: string; suffix: string; by: NonNullable<Blocker['by']> } {
  const kind = c.container === 'package' ? 'ServicePackage' : 'Subscription';
  const key = n.keyOfSim(kind, c.id);
  const by = { kind, ...(key ? { name: nameOfKey(key) } : {}), ...(c.id.startsWith('@') ? {} : { id: c.id }) } as const;
  return { text: `${c.container} ${JSON.stringify(c.name)} (${key ?? `id ${c.id}`})`, suffix: key ? '' : UNMANAGED, by };
}

function isDefaultIn(c: SimContainer, id: string): boolean {
  return c.providers.some((a) => a.providerId === id && a.isDefault);
}

/** A refused disable or delete of a provider, blamed on the container `c` that still holds it. */
function providerRefusal(n: Namer, id: string, c: SimContainer | undefined, r: { rule: string; verb: string; why: string; fix: string }): Blocker | undefined {
  if (c === undefined) return undefined;
  const p = provider(n, id);
  const where = container(n, c);
  return {
    rule: r.rule,
    summary: `the platform would refuse to ${r.verb} ${p.text} (409 ${r.rule})`,
    hint: `${p.text} ${r.why} ${where.text}${where.suffix}: ${r.fix.replace('$name', p.name)}`,
    by: where.by,
  };
}

function disableRule(n: Namer, id: string): Blocker | undefined {
  const c = usersOf(n.st, id).find((x) => isDefaultIn(x, id));
  const fix = 'make another provider its default there, or keep $name active';
  return providerRefusal(n, id, c, { rule: 'provider_is_default', verb: 'disable', why: 'is the default of', fix });
}

function deleteRule(n: Namer, id: string): Blocker | undefined {
  const fix = 'remove it from there, or declare $name again';
  return providerRefusal(n, id, usersOf(n.st, id)[0], { rule: 'provider_in_use', verb: 'delete', why: 'is attached to', fix });
}

function packageDeleteRule(n: Namer, step: Step, id: string): Blocker | undefined {
  const subId = [...subscriptionsOf(n.st, id)].sort()[0];
  const sub = subId === undefined ? undefined : n.st.subscriptions.get(subId);
  const pkg = n.st.packages.get(id);
  if (sub === undefined || pkg === undefined) return undefined;
  const where = container(n, sub);
  return {
    rule: 'package_in_use',
    summary: `the platform would refuse to delete ${container(n, pkg).text} (409 package_in_use)`,
    hint: `${container(n, pkg).text} still has ${where.text}${where.suffix}: delete that subscription first, or declare ${nameOfKey(step.key)} again`,
    by: where.by,
  };
}

function invalid(summary: string, hint: string, by?: Blocker['by']): Blocker {
  return { rule: 'validation_failed', summary: `${summary} (422 validation_failed)`, hint, ...(by ? { by } : {}) };
}

/** Checks a provider list as the platform validates a create or a patch. */
function listRule(n: Namer, step: Step, list: readonly LiveAttachment[], pkg: SimContainer | undefined): Blocker | undefined {
  const self = `${step.key.startsWith('Subscription/') ? 'subscription' : 'package'} ${nameOfKey(step.key)}`;
  if (list.length === 0) return invalid(`${self} would have no provider`, `attach at least one provider to ${self}`);
  const defaults = list.filter((a) => a.isDefault).length;
  if (defaults !== 1) return invalid(`${self} would have ${defaults} default providers`, `mark exactly one provider of ${self} as default`);
  const twice = list.find((a, i) => list.findIndex((b) => b.providerId === a.providerId) < i);
  if (twice !== undefined) {
    const text = provider(n, twice.providerId).text;
    return invalid(`${self} would list ${text} more than once`, `attach ${text} once to ${self}: a providerRef and a providerId name the same provider`);
  }
  for (const a of list) {
    const p = n.st.providers.get(a.providerId);
    if (p === undefined) return invalid(`${self} references provider id "${a.providerId}", which does not exist on target "${n.st.target}"`, `fix the providerId, or reference a declared provider by providerRef`);
    const text = (): string => provider(n, a.providerId).text;
    if (a.isDefault && !p.active) {
      const managed = n.keyOfSim('ServiceProvider', a.providerId) !== undefined;
      const fix = managed ? `set active: true on ${provider(n, a.providerId).name}` : `enable ${text()} on the platform`;
      return invalid(`${self} would make disabled ${text()} its default`, `${fix}, or make another provider the default of ${self}`);
    }
    if (pkg !== undefined && !pkg.providers.some((x) => x.providerId === a.providerId)) {
      const where = container(n, pkg);
      return {
        rule: 'provider_not_in_package',
        summary: `${text()} is not in ${where.text} (422 provider_not_in_package)`,
        hint: `add ${provider(n, a.providerId).name} to the providers of ${where.text}${where.suffix}, or remove it from ${self}`,
        by: where.by,
      };
    }
  }
  return undefined;
}

/** A package patch that drops a provider still used by one of its subscriptions (409). */
function detachRule(n: Namer, step: Step, pkg: SimContainer, list: readonly LiveAttachment[]): Blocker | undefined {
  const kept = new Set(list.map((a) => a.providerId));
  for (const gone of pkg.providers.filter((a) => !kept.has(a.providerId))) {
    const sub = usersOf(n.st, gone.providerId).find((c) => c.container === 'subscription' && c.packageId === pkg.id);
    if (sub === undefined) continue;
    const p = provider(n, gone.providerId);
    const where = container(n, sub);
    return {
      rule: 'provider_not_in_package',
      summary: `the platform would refuse to remove ${p.text} from package ${nameOfKey(step.key)} (409 provider_not_in_package)`,
      hint: `${p.text} is used by ${where.text}${where.suffix}: remove it from that subscription first, or keep it in package ${nameOfKey(step.key)}`,
      by: where.by,
    };
  }
  return undefined;
}

function subscriptionPackage(n: Namer, packageId: string, self: string): SimContainer | Blocker {
  const pkg = n.st.packages.get(packageId);
  if (pkg !== undefined) return pkg;
  return invalid(`subscription ${self} references package id "${packageId}", which does not exist on target "${n.st.target}"`, 'fix the packageId, or reference a declared package by packageRef');
}

/** The streamwise rule a step would break, given the model before it runs. */
export function providerRules(n: Namer, st: SimTarget, step: Step): Blocker | undefined {
  const op = step.operation;
  switch (op.type) {
    case 'provider.patch':
      return op.body.active === false && st.providers.get(simId(op.id))?.active === true ? disableRule(n, simId(op.id)) : undefined;
    case 'provider.delete':
      return deleteRule(n, op.id);
    case 'package.delete':
      return packageDeleteRule(n, step, op.id);
    case 'package.create':
      return listRule(n, step, simAttachments(op.body.providers), undefined);
    case 'package.patch': {
      const pkg = st.packages.get(simId(op.id));
      if (op.body.providers === undefined || pkg === undefined) return undefined;
      const list = simAttachments(op.body.providers);
      return listRule(n, step, list, undefined) ?? detachRule(n, step, pkg, list);
    }
    case 'subscription.create': {
      const pkg = subscriptionPackage(n, simId(op.body.packageId), nameOfKey(step.key));
      return 'rule' in pkg ? pkg : listRule(n, step, simAttachments(op.body.providers), pkg);
    }
    case 'subscription.patch': {
      const sub = st.subscriptions.get(simId(op.id));
      if (op.body.providers === undefined || sub?.packageId === undefined) return undefined;
      const pkg = subscriptionPackage(n, sub.packageId, nameOfKey(step.key));
      return 'rule' in pkg ? pkg : listRule(n, step, simAttachments(op.body.providers), pkg);
    }
    default:
      return undefined;
  }
}
