/**
 * What every streamwise handler shares: its dependencies, body and paging parsing, list replies,
 * and the stamping of ids and timestamps on new objects.
 */
import type { UlidFactory } from '../ids.js';
import { newShortId, newUuid } from '../ids.js';
import type { Sealer } from '../crypto.js';
import type { Collection, Doc, StreamwiseStore } from '../store-streamwise.js';
import { ApiError, type Reply, type RequestContext } from './router.js';
import { FieldErrors, isObject, type Json } from './streamwise-validate.js';

/** Dependencies of the streamwise handlers. */
export interface StreamwiseDeps {
  readonly store: StreamwiseStore;
  readonly sealer: Sealer;
  readonly ulid: UlidFactory;
  /** Runs `fn` in one write transaction. */
  tx<T>(fn: () => T): T;
  now(): Date;
}

const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 1000;

/** The body as a JSON object; 400 `validation_failed` when it is absent or not an object. */
export function objectBody(ctx: RequestContext): Json {
  if (!isObject(ctx.body)) throw new ApiError(400, 'validation_failed', 'the request body must be a JSON object');
  return ctx.body;
}

function positiveInt(query: URLSearchParams, name: string, fallback: number, errors: FieldErrors): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    errors.add(name, 'must be a whole number of at least 1');
    return fallback;
  }
  return Number(raw);
}

/** One page of a collection, ordered by creation: `{data, meta:{page, per_page, total, last_page}}`. */
export function listReply(deps: StreamwiseDeps, collection: Collection, ctx: RequestContext): Reply {
  const errors = new FieldErrors();
  const page = positiveInt(ctx.query, 'page', 1, errors);
  const perPage = Math.min(MAX_PER_PAGE, positiveInt(ctx.query, 'per_page', DEFAULT_PER_PAGE, errors));
  errors.throwIfAny();
  const { docs, total } = deps.store.page(collection, page, perPage);
  const meta = { page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) };
  return { status: 200, json: `{"data":[${docs.join(',')}],"meta":${JSON.stringify(meta)}}` };
}

/** The object with `id`, or 404 `not_found`. */
export function findOr404(deps: StreamwiseDeps, collection: Collection, id: string): Doc {
  const doc = deps.store.find(collection, id);
  if (!doc) throw new ApiError(404, 'not_found', `no ${collection.replace(/s$/, '')} with id ${id}`);
  return doc;
}

/** Identity and timestamps of a new object: `{id, uuid, ulid, created_at, updated_at}`. */
export function newIdentity(deps: StreamwiseDeps, collection: Collection): { id: string; uuid: string; ulid: string; created_at: string; updated_at: string } {
  let id = newShortId();
  while (deps.store.exists(collection, id)) id = newShortId();
  const at = deps.now();
  return { id, uuid: newUuid(), ulid: deps.ulid(at.getTime()), created_at: at.toISOString(), updated_at: at.toISOString() };
}

/** `{id, name}` pairs for error details, split by kind. */
export function refsByKind(uses: readonly { kind: 'package' | 'subscription'; id: string; name: string }[]): Json {
  const ref = ({ id, name }: { id: string; name: string }) => ({ id, name });
  return {
    packages: uses.filter((u) => u.kind === 'package').map(ref),
    subscriptions: uses.filter((u) => u.kind === 'subscription').map(ref),
  };
}
