/**
 * The request pipeline shared by both APIs: count, inject faults, read the body under its cap,
 * authenticate, route, answer, log. Each API contributes its routes, its authentication and its
 * error shape (`ApiSurface`).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultDecision, FaultInjector } from './faults.js';
import { readBody, sendJson } from './http-io.js';
import { ApiError, type Reply, type RouteMatch, type Router } from './routes/router.js';

/** One API as the pipeline sees it. */
export interface ApiSurface {
  /** True for the paths this API answers. */
  owns(path: string): boolean;
  readonly router: Router;
  /** The refusal for a request without valid credentials for `path`, or undefined when allowed. */
  authenticate(headers: IncomingHttpHeaders, path: string): ApiError | undefined;
  /** The JSON error body in this API's shape. Generic codes: see `GENERIC_CODES`. */
  renderError(error: ApiError): string;
}

/**
 * Codes the pipeline itself raises; each API maps them to its vocabulary
 * (`malformed` becomes streamwise `validation_failed` and bluzone `bad_request`).
 */
export const GENERIC_CODES = ['malformed', 'payload_too_large', 'not_found', 'unauthorized', 'rate_limited', 'internal', 'unavailable'] as const;

/** The minimal logger the sandbox needs. */
export interface DebugLog {
  debug(obj: object, msg: string): void;
}

/** What the pipeline needs besides the request. */
export interface PipelineOptions {
  readonly surfaces: readonly ApiSurface[];
  readonly faults: FaultInjector;
  count(key: string): void;
  readonly log?: DebugLog;
  /** The OpenAPI document, served without auth or faults at `GET /openapi.json`. */
  openapi(): string;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Returns the `request` listener of the sandbox's HTTP server. */
export function createRequestListener(o: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const line = (status: number | 'reset') => ({ method: req.method, path: (req.url ?? '').split('?')[0], status, ms: Math.round(performance.now() - started) });
    handle(o, req, res).then(
      (status) => o.log?.debug(line(status), 'request'),
      (e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, '{"error":{"code":"internal","message":"internal error","details":{}}}');
        o.log?.debug({ ...line(500), error: e instanceof Error ? e.message : String(e) }, 'request failed');
      },
    );
  };
}

/** Handles one request and resolves to the status answered (`reset` when dropped). */
async function handle(o: PipelineOptions, req: IncomingMessage, res: ServerResponse): Promise<number | 'reset'> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://sandbox');
  if (method === 'GET' && url.pathname === '/openapi.json') {
    sendJson(res, 200, o.openapi());
    return 200;
  }
  const surface = o.surfaces.find((s) => s.owns(url.pathname)) ?? o.surfaces[o.surfaces.length - 1];
  if (!surface) throw new Error('no API surface configured');
  const match = surface.router.match(method, url.pathname);
  o.count(`${method} ${match?.route.template ?? '(unmatched)'}`);
  const decision = o.faults.decide();
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  const fault = injectedFault(decision);
  if (fault === 'reset') return drop(o, req);
  const reply = fault ? errorReply(surface, fault) : await answer(o, surface, req, url, match);
  if (decision.dropAfterWrite && WRITES.has(method) && reply.status < 300) return drop(o, req);
  sendJson(res, reply.status, reply.json, reply.headers);
  o.count(`status:${reply.status}`);
  return reply.status;
}

function drop(o: PipelineOptions, req: IncomingMessage): 'reset' {
  req.socket.destroy();
  o.count('status:reset');
  return 'reset';
}

function injectedFault(d: FaultDecision): ApiError | 'reset' | undefined {
  switch (d.action) {
    case 'reset': return 'reset';
    case 'rate-limit': return new ApiError(429, 'rate_limited', 'too many requests; retry later', { retry_after_seconds: d.retryAfterSeconds });
    case 'error': return new ApiError(d.errorStatus, d.errorStatus === 500 ? 'internal' : 'unavailable', 'the platform failed to answer; retry later');
    case 'pass': return undefined;
  }
}

interface WireReply {
  readonly status: number;
  readonly json: string | undefined;
  readonly headers?: Record<string, string>;
}

function errorReply(surface: ApiSurface, error: ApiError): WireReply {
  const retryAfter = error.status === 429 ? { 'retry-after': String(error.details.retry_after_seconds ?? 1) } : undefined;
  return { status: error.status, json: surface.renderError(error), ...(retryAfter ? { headers: retryAfter } : {}) };
}

async function answer(o: PipelineOptions, surface: ApiSurface, req: IncomingMessage, url: URL, match: RouteMatch | undefined): Promise<WireReply> {
  const raw = await readBody(req);
  try {
    if (raw === 'too-large') throw new ApiError(413, 'payload_too_large', 'the request body exceeds 1 MiB');
    const refusal = surface.authenticate(req.headers, url.pathname);
    if (refusal) throw refusal;
    if (!match) throw new ApiError(404, 'not_found', `no such path: ${req.method ?? 'GET'} ${url.pathname}`);
    const reply: Reply = match.route.handle({ params: match.params, query: url.searchParams, body: parseBody(raw) });
    return { status: reply.status, json: reply.json ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body)) };
  } catch (e) {
    if (e instanceof ApiError) return errorReply(surface, e);
    o.log?.debug({ method: req.method, path: url.pathname, error: e instanceof Error ? e.message : String(e) }, 'handler failed');
    return errorReply(surface, new ApiError(500, 'internal', 'internal error'));
  }
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new ApiError(400, 'malformed', 'the request body is not valid JSON');
  }
}

/** True for header values that a client spelled as one string. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}
