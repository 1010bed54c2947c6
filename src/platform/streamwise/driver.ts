/**
 * The streamwise driver: reads providers, packages and subscriptions with list calls only (every
 * page, checked against `total`) and carries out create, patch and delete operations. A create
 * whose answer is lost is looked up by its reserved `syncwise.io/name` and `syncwise.io/owner`
 * metadata before it is ever sent again.
 */
import type { Operation } from '../../core/change.js';
import type { LiveStreamwise } from '../../core/live.js';
import { assertNever, META_NAME, META_OWNER, type Metadata } from '../../core/model.js';
import type { Clock, Driver, OperationResult, RequestStats, ResolvedTarget } from '../../engine/ports.js';
import { clientOptionsOf, requireCredential, type DriverOptions } from '../driver-options.js';
import { partialListError, toPlatformError, unsendableError, type ErrorContext } from '../errors.js';
import { createHttpClient, type HttpClient } from '../http.js';
import { createWithoutDuplicates, deleteOnce } from '../lost-answers.js';
import { systemClock } from '../system-clock.js';
import {
  idFromWire, idOf, packageFromWire, packageToWire, pageFromWire, providerFromWire, providerToWire,
  subscriptionFromWire, subscriptionToWire, UnresolvedRefError, type WirePage,
} from './wire.js';

/** Items per list page: the platform's maximum, so a no-op plan costs ceil(n / 1000) requests per kind. */
export const PAGE_SIZE = 1000;

const BASES = { provider: '/service-providers', package: '/service-packages', subscription: '/subscriptions' } as const;
type Collection = keyof typeof BASES;

const READERS = { provider: providerFromWire, package: packageFromWire, subscription: subscriptionFromWire } as const;
type Listed<C extends Collection> = ReturnType<(typeof READERS)[C]>;

/** Reads every page of one collection; throws PARTIAL_LIST rather than return less than `total`. */
async function listAll<C extends Collection>(http: HttpClient, ctx: ErrorContext, c: C, signal?: AbortSignal): Promise<Listed<C>[]> {
  const read = READERS[c] as (v: unknown, path: string) => Listed<C>;
  const getPage = (page: number): Promise<WirePage & { items: Listed<C>[] }> =>
    http.request({ method: 'GET', route: BASES[c], path: `${BASES[c]}?page=${page}&per_page=${PAGE_SIZE}`, signal }, (body) => {
      const p = pageFromWire(body);
      return { ...p, items: p.items.map((v, i) => read(v, `data[${i}]`)) };
    });
  const first = await getPage(1);
  if (first.lastPage > Math.max(1, first.total)) throw partialListError(ctx, `meta.last_page ${first.lastPage} exceeds meta.total ${first.total}`);
  const rest = await Promise.all(Array.from({ length: Math.max(0, first.lastPage - 1) }, (_, i) => getPage(i + 2)));
  return checkComplete(ctx, [first, ...rest]);
}

/** All items of the pages, once it is certain they are the whole collection. */
function checkComplete<T extends { readonly id: string }>(ctx: ErrorContext, pages: readonly (WirePage & { items: T[] })[]): T[] {
  const total = pages[0]?.total ?? 0;
  const changed = pages.find((p) => p.total !== total);
  if (changed) throw partialListError(ctx, `meta.total changed from ${total} to ${changed.total} while paging`);
  const items = pages.flatMap((p) => p.items);
  if (items.length !== total) throw partialListError(ctx, `meta.total says ${total} but ${items.length} objects were read`);
  if (new Set(items.map((i) => i.id)).size !== items.length) throw partialListError(ctx, 'an object was listed twice');
  return items;
}

/** What the operations of one driver share. */
interface Session {
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly target: string;
}

function ctxOf(s: Session, method: string, template: string, path: string): ErrorContext {
  return { api: 'streamwise', target: s.target, method, route: `${method} ${template}`, path };
}

function listOf<C extends Collection>(s: Session, c: C, signal?: AbortSignal): Promise<Listed<C>[]> {
  return listAll(s.http, ctxOf(s, 'GET', BASES[c], BASES[c]), c, signal);
}

/** POSTs a create; a lost answer is looked up by `syncwise.io/name` and `syncwise.io/owner`. */
function create(s: Session, c: Collection, body: Record<string, unknown>, metadata: Metadata, signal?: AbortSignal): Promise<OperationResult> {
  const name = metadata[META_NAME];
  const owner = metadata[META_OWNER];
  const find = async (): Promise<string | undefined> =>
    (await listOf(s, c, signal)).find((o) => o.metadata[META_NAME] === name && o.metadata[META_OWNER] === owner)?.id;
  return createWithoutDuplicates({
    send: () => s.http.request({ method: 'POST', route: BASES[c], path: BASES[c], body, signal }, idFromWire),
    ...(typeof name === 'string' ? { find } : {}),
    identityIsUnique: false, clock: s.clock, signal,
  });
}

async function patch(s: Session, c: Collection, id: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<OperationResult> {
  const path = `${BASES[c]}/${encodeURIComponent(id)}`;
  return { id: await s.http.request({ method: 'PATCH', route: `${BASES[c]}/{id}`, path, body, signal }, idFromWire) };
}

function remove(s: Session, c: Collection, id: string, signal?: AbortSignal): Promise<OperationResult> {
  return deleteOnce(s.http, { method: 'DELETE', route: `${BASES[c]}/{id}`, path: `${BASES[c]}/${encodeURIComponent(id)}`, signal }, id);
}

function dispatch(s: Session, op: Operation, signal?: AbortSignal): Promise<OperationResult> {
  switch (op.type) {
    case 'provider.create': return create(s, 'provider', providerToWire(op.body), op.body.metadata, signal);
    case 'provider.patch': return patch(s, 'provider', idOf(op.id, 'id'), providerToWire(op.body), signal);
    case 'provider.delete': return remove(s, 'provider', op.id, signal);
    case 'package.create': return create(s, 'package', packageToWire(op.body), op.body.metadata, signal);
    case 'package.patch': return patch(s, 'package', idOf(op.id, 'id'), packageToWire(op.body), signal);
    case 'package.delete': return remove(s, 'package', op.id, signal);
    case 'subscription.create': return create(s, 'subscription', subscriptionToWire(op.body), op.body.metadata, signal);
    case 'subscription.patch': return patch(s, 'subscription', idOf(op.id, 'id'), subscriptionToWire(op.body), signal);
    case 'subscription.delete': return remove(s, 'subscription', op.id, signal);
    case 'project.create': case 'project.delete': case 'defaults.storage': case 'defaults.consumer':
      throw unsendableError(ctxOf(s, '-', op.type, '-'), `${op.type} is a bluzone operation`);
    default: return assertNever(op);
  }
}

/** The request an operation makes, for errors raised before it is sent. */
function contextOfOperation(s: Session, op: Operation): ErrorContext {
  const [kind = '', verb = ''] = op.type.split('.');
  const base = BASES[kind as Collection] ?? `/${kind}`;
  if (verb === 'create') return ctxOf(s, 'POST', base, base);
  const ref = 'id' in op ? op.id : undefined;
  const id = typeof ref === 'string' ? ref : ref !== undefined && 'id' in ref ? ref.id : '{id}';
  return ctxOf(s, verb === 'delete' ? 'DELETE' : 'PATCH', `${base}/{id}`, `${base}/${id}`);
}

/** Creates a driver for one streamwise target; requests carry `Authorization: Bearer <token>`. */
export function createStreamwiseDriver(target: ResolvedTarget, options: DriverOptions = {}): Driver & { stats(): RequestStats } {
  const token = requireCredential(target, target.token, 'bearer token');
  const http = createHttpClient(clientOptionsOf(target, options, { authorization: { scheme: 'Bearer', value: token } }));
  const s: Session = { http, clock: options.clock ?? systemClock, target: target.name };
  return {
    api: 'streamwise',
    target: target.name,
    async observe(signal) {
      const [providers, packages, subscriptions] = await Promise.all([
        listOf(s, 'provider', signal), listOf(s, 'package', signal), listOf(s, 'subscription', signal),
      ]);
      return { api: 'streamwise', providers, packages, subscriptions } satisfies LiveStreamwise;
    },
    async execute(op, signal) {
      try {
        return await dispatch(s, op, signal);
      } catch (e) {
        if (e instanceof UnresolvedRefError) throw unsendableError(contextOfOperation(s, op), e.message);
        throw toPlatformError(e, contextOfOperation(s, op));
      }
    },
    close: () => http.close(),
    stats: () => http.stats(),
  };
}
