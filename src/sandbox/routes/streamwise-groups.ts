/**
 * Service packages and subscriptions. Rules enforced here: at least one provider and exactly one
 * default (422), every provider known and the default active (422), a subscription attaches only
 * providers of its package (422 `provider_not_in_package`), a provider cannot leave a package while
 * a subscription of it uses it (409 `provider_not_in_package`), a package with subscriptions
 * cannot be deleted (409 `package_in_use`), and a subscription's package never changes.
 */
import type { Doc, Link } from '../store-streamwise.js';
import { ApiError, type Reply, type RequestContext, type Route } from './router.js';
import { findOr404, listReply, newIdentity, objectBody, type StreamwiseDeps } from './streamwise-common.js';
import { checkKnownKeys, checkLinks, checkMetadata, checkName, FieldErrors, type Json } from './streamwise-validate.js';

type GroupCollection = 'packages' | 'subscriptions';

const NAME_FIELD = { packages: 'package_name', subscriptions: 'subscription_name' } as const;
const FIELDS = {
  packages: ['package_name', 'providers', 'metadata'],
  subscriptions: ['subscription_name', 'package_id', 'providers', 'metadata'],
} as const;

/** Shape checks of a body; returns the links when `providers` was given and is well formed. */
function checkGroupBody(collection: GroupCollection, body: Json, isPatch: boolean, errors: FieldErrors): Link[] | undefined {
  const nameField = NAME_FIELD[collection];
  checkKnownKeys(body, FIELDS[collection], errors);
  if (nameField in body || !isPatch) checkName(body[nameField], nameField, errors);
  if ('metadata' in body) checkMetadata(body.metadata, errors);
  if (collection === 'subscriptions' && !isPatch && (typeof body.package_id !== 'string' || body.package_id === '')) {
    errors.add('package_id', 'is required: the id of a service package');
  }
  return 'providers' in body || !isPatch ? checkLinks(body.providers, errors) : undefined;
}

/** Unknown provider ids, and a disabled provider made default, are field errors. */
function checkUsable(deps: StreamwiseDeps, links: readonly Link[], errors: FieldErrors): void {
  const active = deps.store.activeOf(links.map((l) => l.provider_id));
  const unknown = links.filter((l) => !active.has(l.provider_id)).map((l) => l.provider_id);
  if (unknown.length > 0) errors.add('providers', `unknown provider id(s): ${unknown.join(', ')}`);
  const def = links.find((l) => l.default);
  if (def && active.get(def.provider_id) === false) errors.add('providers', `provider ${def.provider_id} is disabled and cannot be the default`);
}

/** A subscription may attach only providers of its package. */
function checkInPackage(deps: StreamwiseDeps, packageId: string, links: readonly Link[]): void {
  const pkg = deps.store.find('packages', packageId);
  const allowed = new Set(((pkg?.providers ?? []) as Link[]).map((l) => l.provider_id));
  const outside = links.filter((l) => !allowed.has(l.provider_id)).map((l) => l.provider_id);
  if (outside.length > 0) {
    throw new ApiError(422, 'provider_not_in_package', `provider(s) ${outside.join(', ')} are not in package ${packageId}`, { provider_ids: outside });
  }
}

/** A provider may leave a package only when no subscription of the package uses it. */
function checkRemovals(deps: StreamwiseDeps, current: Doc, links: readonly Link[]): void {
  const kept = new Set(links.map((l) => l.provider_id));
  const blocking = deps.store.subscriptionLinksOf(current.id).filter((s) => !kept.has(s.provider_id));
  if (blocking.length === 0) return;
  const subscriptions = [...new Map(blocking.map((s) => [s.id, { id: s.id, name: s.name }])).values()];
  const providerIds = [...new Set(blocking.map((s) => s.provider_id))];
  throw new ApiError(409, 'provider_not_in_package', `provider(s) ${providerIds.join(', ')} are used by subscriptions of package ${current.id}; detach them there first`, { subscriptions, provider_ids: providerIds });
}

/** Validates and applies a create (`current` undefined) or a patch; returns the saved document. */
function writeGroup(deps: StreamwiseDeps, collection: GroupCollection, body: Json, current: Doc | undefined): Doc {
  const errors = new FieldErrors();
  const links = checkGroupBody(collection, body, current !== undefined, errors);
  const packageId = String(current?.package_id ?? body.package_id ?? '');
  if (collection === 'subscriptions' && current && 'package_id' in body && body.package_id !== current.package_id) errors.add('package_id', 'cannot change after creation');
  if (collection === 'subscriptions' && !current && packageId !== '' && !deps.store.exists('packages', packageId)) errors.add('package_id', `unknown package id ${packageId}`);
  if (links) checkUsable(deps, links, errors);
  errors.throwIfAny();
  if (links && collection === 'subscriptions') checkInPackage(deps, packageId, links);
  if (links && collection === 'packages' && current) checkRemovals(deps, current, links);
  const nameField = NAME_FIELD[collection];
  const base = current ?? blankGroup(deps, collection, packageId);
  const doc: Doc = {
    ...base,
    ...(body[nameField] === undefined ? {} : { [nameField]: body[nameField] }),
    ...(links ? { providers: links } : {}),
    ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    updated_at: current ? deps.now().toISOString() : base.updated_at,
  };
  deps.store.save(collection, doc, { name: String(doc[nameField]), packageId, ...(links ? { links } : {}) });
  return doc;
}

/** A new package or subscription before the body is applied, its fields in wire order. */
function blankGroup(deps: StreamwiseDeps, collection: GroupCollection, packageId: string): Doc {
  const { id, uuid, ulid, created_at, updated_at } = newIdentity(deps, collection);
  const owner = collection === 'subscriptions' ? { package_id: packageId } : {};
  return { id, uuid, ulid, [NAME_FIELD[collection]]: '', ...owner, providers: [], metadata: {}, created_at, updated_at };
}

function deleteGroup(deps: StreamwiseDeps, collection: GroupCollection, ctx: RequestContext): Reply {
  return deps.tx(() => {
    const current = findOr404(deps, collection, ctx.params.id ?? '');
    if (collection === 'packages') {
      const subscriptions = deps.store.subscriptionsOf(current.id);
      if (subscriptions.length > 0) {
        throw new ApiError(409, 'package_in_use', `package ${current.id} has ${subscriptions.length} subscription(s); delete them first`, { subscriptions });
      }
    }
    deps.store.remove(collection, current.id);
    return { status: 204 };
  });
}

function routesOf(deps: StreamwiseDeps, collection: GroupCollection, base: string): Route[] {
  const id = (ctx: RequestContext) => ctx.params.id ?? '';
  return [
    { method: 'GET', template: base, handle: (ctx) => listReply(deps, collection, ctx) },
    { method: 'POST', template: base, handle: (ctx) => ({ status: 201, body: { data: deps.tx(() => writeGroup(deps, collection, objectBody(ctx), undefined)) } }) },
    { method: 'GET', template: `${base}/{id}`, handle: (ctx) => ({ status: 200, body: { data: findOr404(deps, collection, id(ctx)) } }) },
    {
      method: 'PATCH', template: `${base}/{id}`,
      handle: (ctx) => ({ status: 200, body: { data: deps.tx(() => writeGroup(deps, collection, objectBody(ctx), findOr404(deps, collection, id(ctx)))) } }),
    },
    { method: 'DELETE', template: `${base}/{id}`, handle: (ctx) => deleteGroup(deps, collection, ctx) },
  ];
}

/** The routes of `/service-packages` and `/subscriptions`. */
export function groupRoutes(deps: StreamwiseDeps): Route[] {
  return [...routesOf(deps, 'packages', '/service-packages'), ...routesOf(deps, 'subscriptions', '/subscriptions')];
}
