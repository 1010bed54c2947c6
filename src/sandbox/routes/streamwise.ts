/**
 * The streamwise API: service providers, and the route table that adds packages and
 * subscriptions. Rules enforced here: a provider that is the default of a package or subscription
 * cannot be disabled (409 `provider_is_default`); one attached anywhere cannot be deleted (409
 * `provider_in_use`); `properties.secret` is write-only and sealed at rest.
 */
import { secretEquals } from '../http-io.js';
import { headerValue, type ApiSurface } from '../pipeline.js';
import { ApiError, createRouter, type Reply, type RequestContext, type Route } from './router.js';
import { groupRoutes } from './streamwise-groups.js';
import { findOr404, listReply, newIdentity, objectBody, refsByKind, type StreamwiseDeps } from './streamwise-common.js';
import {
  checkKnownKeys, checkMetadata, checkName, checkProperties, checkSettings, FieldErrors, type Json,
} from './streamwise-validate.js';

export type { StreamwiseDeps } from './streamwise-common.js';

const CREATE_FIELDS = ['provider_name', 'provider_type', 'active', 'service_type', 'properties', 'settings', 'metadata'] as const;

function checkProviderBody(body: Json, isPatch: boolean): FieldErrors {
  const errors = new FieldErrors();
  checkKnownKeys(body, CREATE_FIELDS, errors);
  if ('provider_name' in body || !isPatch) checkName(body.provider_name, 'provider_name', errors);
  if (!isPatch && body.provider_type !== 'bbb' && body.provider_type !== 'scalelite') errors.add('provider_type', "must be 'bbb' or 'scalelite'");
  if ('active' in body && typeof body.active !== 'boolean') errors.add('active', 'must be a boolean');
  if ('service_type' in body && body.service_type !== 'meet') errors.add('service_type', "must be 'meet'");
  if ('properties' in body || !isPatch) checkProperties(body.properties, errors, isPatch);
  if ('settings' in body) checkSettings(body.settings, errors);
  if ('metadata' in body) checkMetadata(body.metadata, errors);
  return errors;
}

/** Splits properties into the public part and the secret (sealed separately, never returned). */
function splitSecret(properties: unknown): { visible: Json; secret: string | undefined } {
  const { secret, ...visible } = (properties ?? {}) as Json;
  return { visible, secret: typeof secret === 'string' ? secret : undefined };
}

function createProvider(deps: StreamwiseDeps, ctx: RequestContext): Reply {
  const body = objectBody(ctx);
  checkProviderBody(body, false).throwIfAny();
  const { visible, secret } = splitSecret(body.properties);
  return deps.tx(() => {
    const ids = newIdentity(deps, 'providers');
    const doc = {
      id: ids.id, uuid: ids.uuid, ulid: ids.ulid, provider_name: body.provider_name, active: body.active ?? true,
      provider_type: body.provider_type, service_type: 'meet', properties: visible, settings: {},
      metadata: body.metadata ?? {}, created_at: ids.created_at, updated_at: ids.updated_at,
    };
    deps.store.save('providers', doc, { name: String(body.provider_name), secret: deps.sealer.seal(secret ?? '') });
    return { status: 201, body: { data: doc } };
  });
}

function patchProvider(deps: StreamwiseDeps, ctx: RequestContext): Reply {
  const body = objectBody(ctx);
  return deps.tx(() => {
    const current = findOr404(deps, 'providers', ctx.params.id ?? '');
    const errors = checkProviderBody(body, true);
    if ('provider_type' in body && body.provider_type !== current.provider_type) errors.add('provider_type', 'cannot change after creation');
    errors.throwIfAny();
    if (body.active === false && current.active === true) refuseIfDefault(deps, current.id);
    const { visible, secret } = splitSecret(body.properties);
    const doc = {
      ...current,
      ...(body.provider_name === undefined ? {} : { provider_name: body.provider_name }),
      ...(body.active === undefined ? {} : { active: body.active }),
      properties: { ...(current.properties as Json), ...visible },
      ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      updated_at: deps.now().toISOString(),
    };
    const sealed = secret === undefined ? undefined : deps.sealer.seal(secret);
    deps.store.save('providers', doc, { name: String(doc.provider_name), ...(sealed === undefined ? {} : { secret: sealed }) });
    return { status: 200, body: { data: doc } };
  });
}

function refuseIfDefault(deps: StreamwiseDeps, id: string): void {
  const defaults = deps.store.usesOf(id).filter((u) => u.isDefault);
  if (defaults.length === 0) return;
  throw new ApiError(409, 'provider_is_default', `provider ${id} is the default provider of ${defaults.length} package(s) or subscription(s); change their default first`, refsByKind(defaults));
}

function deleteProvider(deps: StreamwiseDeps, ctx: RequestContext): Reply {
  return deps.tx(() => {
    const current = findOr404(deps, 'providers', ctx.params.id ?? '');
    const uses = deps.store.usesOf(current.id);
    if (uses.length > 0) {
      throw new ApiError(409, 'provider_in_use', `provider ${current.id} is attached to ${uses.length} package(s) or subscription(s); detach it first`, refsByKind(uses));
    }
    deps.store.remove('providers', current.id);
    return { status: 204 };
  });
}

/** Every streamwise route. */
function streamwiseRoutes(deps: StreamwiseDeps): Route[] {
  const base = '/service-providers';
  return [
    { method: 'GET', template: base, handle: (ctx) => listReply(deps, 'providers', ctx) },
    { method: 'POST', template: base, handle: (ctx) => createProvider(deps, ctx) },
    { method: 'GET', template: `${base}/{id}`, handle: (ctx) => ({ status: 200, body: { data: findOr404(deps, 'providers', ctx.params.id ?? '') } }) },
    { method: 'PATCH', template: `${base}/{id}`, handle: (ctx) => patchProvider(deps, ctx) },
    { method: 'DELETE', template: `${base}/{id}`, handle: (ctx) => deleteProvider(deps, ctx) },
    ...groupRoutes(deps),
  ];
}

/** The streamwise API for the pipeline: every path outside `/portal/`, bearer-token auth. */
export function streamwiseSurface(deps: StreamwiseDeps, token: string): ApiSurface {
  return {
    owns: (path) => !path.startsWith('/portal/'),
    router: createRouter(streamwiseRoutes(deps)),
    authenticate(headers) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(headers, 'authorization') ?? '');
      return m?.[1] !== undefined && secretEquals(m[1], token) ? undefined : new ApiError(401, 'unauthorized', 'missing or wrong bearer token');
    },
    renderError: (e) => JSON.stringify({ error: { code: e.code === 'malformed' ? 'validation_failed' : e.code, message: e.message, details: e.details } }),
  };
}
