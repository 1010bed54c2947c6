/**
 * The bluzone API: a reseller's managed projects. Rules enforced here: the `bzspid` key must
 * belong to the reseller in the path (401 unknown key, 403 another reseller's id), project names
 * are unique per reseller (409), projects cannot be updated, a `useDefault…` flag copies the
 * reseller's current default (422 when there is none), and `_updateDefault…?updateProjects=true`
 * rewrites the copy in every project created with that flag.
 */
import { randomBytes } from 'node:crypto';
import { newShortId } from '../ids.js';
import { headerValue, type ApiSurface } from '../pipeline.js';
import type { BluzoneStore, DefaultKind } from '../store-bluzone.js';
import { ApiError, createRouter, type Reply, type RequestContext, type Route } from './router.js';
import { checkProject, checkRemoteConsumer, checkRemoteStorage, queryFlag, throwUnprocessable } from './bluzone-validate.js';
import { FieldErrors, isObject, type Json } from './streamwise-validate.js';

/** Dependencies of the bluzone handlers. */
export interface BluzoneDeps {
  readonly store: BluzoneStore;
  tx<T>(fn: () => T): T;
  now(): Date;
}

const BASE = '/portal/service/{spId}';

function objectBody(ctx: RequestContext): Json {
  if (!isObject(ctx.body)) throw new ApiError(400, 'bad_request', 'the request body must be a JSON object');
  return ctx.body;
}

function resellerOr404(deps: BluzoneDeps, id: string): Json {
  const reseller = deps.store.reseller(id);
  if (!reseller) throw new ApiError(404, 'not_found', `no reseller ${id}`);
  return reseller;
}

function defaultOf(reseller: Json, kind: DefaultKind): Json {
  const value = reseller[kind === 'remoteStorage' ? 'defaultRemoteStorage' : 'defaultRemoteConsumer'];
  if (!isObject(value)) throw new ApiError(422, 'unprocessable', `the reseller has no default ${kind}; set it first or send ${kind}`);
  return value;
}

function createProject(deps: BluzoneDeps, ctx: RequestContext): Reply {
  const spId = ctx.params.spId ?? '';
  const useDefault = { storage: queryFlag(ctx.query, 'useDefaultRemoteStorage'), consumer: queryFlag(ctx.query, 'useDefaultRemoteConsumer') };
  const input = checkProject(objectBody(ctx), useDefault);
  return deps.tx(() => {
    const reseller = resellerOr404(deps, spId);
    if (deps.store.hasProjectNamed(spId, input.projectName)) throw new ApiError(409, 'conflict', `a project named ${input.projectName} already exists`);
    const at = deps.now().getTime();
    const project = {
      projectId: newShortId(12), projectName: input.projectName, projectApiKey: randomBytes(24).toString('base64url'),
      defaultOwnerEmail: input.defaultOwnerEmail, joinAccountsEnabled: input.joinAccountsEnabled, debugEnabled: input.debugEnabled,
      useDefaultRemoteStorage: useDefault.storage, useDefaultRemoteConsumer: useDefault.consumer,
      remoteStorage: useDefault.storage ? defaultOf(reseller, 'remoteStorage') : input.remoteStorage,
      remoteConsumer: useDefault.consumer ? defaultOf(reseller, 'remoteConsumer') : input.remoteConsumer,
      createdAt: at, updatedAt: at,
    };
    deps.store.insertProject(spId, project, input.defaultOwnerPassword);
    return { status: 201, body: project };
  });
}

function updateDefault(deps: BluzoneDeps, kind: DefaultKind, ctx: RequestContext): Reply {
  const spId = ctx.params.spId ?? '';
  const updateProjects = queryFlag(ctx.query, 'updateProjects');
  const errors = new FieldErrors();
  if (ctx.body === undefined) throw new ApiError(400, 'bad_request', `the request body must be a ${kind} object or null`);
  const value = kind === 'remoteStorage' ? checkRemoteStorage(ctx.body, kind, errors) : checkRemoteConsumer(ctx.body, kind, errors);
  throwUnprocessable(errors);
  return deps.tx(() => {
    resellerOr404(deps, spId);
    const at = deps.now().getTime();
    deps.store.setDefault(spId, kind, value, at);
    if (updateProjects) deps.store.updateFollowers(spId, kind, value, at);
    return { status: 200, body: resellerOr404(deps, spId) };
  });
}

function projectOr404(deps: BluzoneDeps, ctx: RequestContext): Json {
  const project = deps.store.project(ctx.params.spId ?? '', ctx.params.projectId ?? '');
  if (!project) throw new ApiError(404, 'not_found', `no project ${ctx.params.projectId ?? ''}`);
  return project;
}

function bluzoneRoutes(deps: BluzoneDeps): Route[] {
  return [
    { method: 'GET', template: BASE, handle: (ctx) => ({ status: 200, body: resellerOr404(deps, ctx.params.spId ?? '') }) },
    { method: 'GET', template: `${BASE}/projects`, handle: (ctx) => ({ status: 200, body: deps.store.projects(ctx.params.spId ?? '') }) },
    { method: 'POST', template: `${BASE}/projects/_create`, handle: (ctx) => createProject(deps, ctx) },
    { method: 'GET', template: `${BASE}/projects/{projectId}`, handle: (ctx) => ({ status: 200, body: projectOr404(deps, ctx) }) },
    {
      method: 'DELETE', template: `${BASE}/projects/{projectId}`,
      handle: (ctx) => deps.tx(() => {
        projectOr404(deps, ctx);
        deps.store.deleteProject(ctx.params.spId ?? '', ctx.params.projectId ?? '');
        return { status: 204 };
      }),
    },
    { method: 'PUT', template: `${BASE}/_updateDefaultRemoteStorage`, handle: (ctx) => updateDefault(deps, 'remoteStorage', ctx) },
    { method: 'PUT', template: `${BASE}/_updateDefaultRemoteConsumer`, handle: (ctx) => updateDefault(deps, 'remoteConsumer', ctx) },
  ];
}

const GENERIC_TO_BLUZONE: Readonly<Record<string, string>> = {
  malformed: 'bad_request', unavailable: 'internal',
};

/** The bluzone API for the pipeline: paths under `/portal/`, `bzspid` key auth. */
export function bluzoneSurface(deps: BluzoneDeps): ApiSurface {
  return {
    owns: (path) => path.startsWith('/portal/'),
    router: createRouter(bluzoneRoutes(deps)),
    authenticate(headers, path) {
      const key = headerValue(headers, 'bzspid');
      const owner = key === undefined ? undefined : deps.store.resellerOfKey(key);
      if (owner === undefined) return new ApiError(401, 'unauthorized', 'missing or unknown bzspid key');
      const spId = path.split('/')[3];
      if (spId !== undefined && spId !== '' && spId !== owner) return new ApiError(403, 'forbidden', 'this key does not belong to that reseller');
      return undefined;
    },
    renderError: (e) => JSON.stringify({ status: e.status, error: GENERIC_TO_BLUZONE[e.code] ?? e.code, message: e.message }),
  };
}
