/**
 * The bluzone driver: reads the reseller and its projects (two requests), creates and deletes
 * projects and sets the reseller's defaults. A project create whose answer is lost is looked up
 * by projectName (unique per reseller) before it is sent again.
 */
import type { Operation, ProjectBody } from '../../core/change.js';
import type { LiveBluzone, LiveProject } from '../../core/live.js';
import { assertNever } from '../../core/model.js';
import type { Clock, Driver, OperationResult, RequestStats, ResolvedTarget } from '../../engine/ports.js';
import { clientOptionsOf, requireCredential, type DriverOptions } from '../driver-options.js';
import { toPlatformError, unsendableError, type ErrorContext } from '../errors.js';
import { createHttpClient, type HttpClient, type HttpRequest } from '../http.js';
import { createWithoutDuplicates, deleteOnce } from '../lost-answers.js';
import { systemClock } from '../system-clock.js';
import { objectAt, stringAt } from '../wire-read.js';
import { consumerToWire, projectsFromWire, projectToWire, resellerFromWire, storageToWire } from './wire.js';

const BASE = '/portal/service/{spId}';

/** The id of a created project. */
function projectIdFromWire(body: unknown): string {
  return stringAt(objectAt(body, '(body)'), 'projectId', '(body)');
}

/** What the operations of one driver share. */
interface Session {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly target: string;
  readonly spId: string;
}

/** A request under `/portal/service/{spId}`: `route` is the template's tail, `path` the actual one. */
function req(s: Session, method: HttpRequest['method'], tail: { route: string; path: string }, signal?: AbortSignal, body?: unknown): HttpRequest {
  const base = `/portal/service/${encodeURIComponent(s.spId)}`;
  return { method, route: `${BASE}${tail.route}`, path: `${base}${tail.path}`, signal, ...(body === undefined ? {} : { body }) };
}

function listProjects(s: Session, signal?: AbortSignal): Promise<LiveProject[]> {
  return s.http.request(req(s, 'GET', { route: '/projects', path: '/projects' }, signal), projectsFromWire);
}

/** POSTs a project; a lost answer (or a 409 on a re-send) is looked up by projectName. */
function createProject(s: Session, body: ProjectBody, signal?: AbortSignal): Promise<OperationResult> {
  const wire = projectToWire(body);
  const tail = { route: '/projects/_create', path: `/projects/_create?${wire.query}` };
  return createWithoutDuplicates({
    send: () => s.http.request(req(s, 'POST', tail, signal, wire.body), projectIdFromWire),
    find: async () => (await listProjects(s, signal)).find((p) => p.projectName === body.projectName)?.projectId,
    identityIsUnique: true, clock: s.clock, signal,
  });
}

async function setDefault(s: Session, kind: 'Storage' | 'Consumer', body: unknown, updateProjects: boolean, signal?: AbortSignal): Promise<OperationResult> {
  const route = `/_updateDefaultRemote${kind}`;
  await s.http.request(req(s, 'PUT', { route, path: `${route}?updateProjects=${updateProjects}` }, signal, body));
  return { id: s.spId };
}

function dispatch(s: Session, op: Operation, signal?: AbortSignal): Promise<OperationResult> {
  switch (op.type) {
    case 'project.create': return createProject(s, op.body, signal);
    case 'project.delete': {
      const tail = { route: '/projects/{projectId}', path: `/projects/${encodeURIComponent(op.id)}` };
      return deleteOnce(s.http, req(s, 'DELETE', tail, signal), op.id);
    }
    case 'defaults.storage': return setDefault(s, 'Storage', storageToWire(op.body), op.updateProjects, signal);
    case 'defaults.consumer': return setDefault(s, 'Consumer', consumerToWire(op.body), op.updateProjects, signal);
    case 'provider.create': case 'provider.patch': case 'provider.delete':
    case 'package.create': case 'package.patch': case 'package.delete':
    case 'subscription.create': case 'subscription.patch': case 'subscription.delete': {
      const ctx: ErrorContext = { api: 'bluzone', target: s.target, method: '-', route: op.type, path: '-' };
      throw unsendableError(ctx, `${op.type} is a streamwise operation`);
    }
    default: return assertNever(op);
  }
}

/** Creates a driver for one bluzone reseller; requests carry the `bzspid` key. */
export function createBluzoneDriver(target: ResolvedTarget, options: DriverOptions = {}): Driver & { stats(): RequestStats } {
  const apiKey = requireCredential(target, target.apiKey, 'bzspid api key');
  const spId = requireCredential(target, target.serviceProviderId, 'serviceProviderId');
  const http = createHttpClient(clientOptionsOf(target, options, { bzspid: { value: apiKey } }));
  const s: Session = { http, clock: options.clock ?? systemClock, target: target.name, spId };
  return {
    api: 'bluzone',
    target: target.name,
    async observe(signal) {
      const [reseller, projects] = await Promise.all([
        http.request(req(s, 'GET', { route: '', path: '' }, signal), resellerFromWire), listProjects(s, signal),
      ]);
      return { api: 'bluzone', reseller, projects } satisfies LiveBluzone;
    },
    async execute(op, signal) {
      try {
        return await dispatch(s, op, signal);
      } catch (e) {
        throw toPlatformError(e, { api: 'bluzone', target: target.name, method: '-', route: op.type, path: req(s, 'GET', { route: '', path: '' }).path });
      }
    },
    close: () => http.close(),
    stats: () => http.stats(),
  };
}
