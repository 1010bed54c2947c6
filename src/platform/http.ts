/**
 * The one HTTP client of every driver: a keep-alive undici Pool per target, a per-request
 * timeout, a per-target rate limit, retries with backoff and `Retry-After`, JSON bodies with
 * secrets revealed only while serialising, a cap on answer sizes, and request counts.
 */
import { Pool } from 'undici';
import { isSensitive, type Api, type Sensitive } from '../core/model.js';
import type { Clock, RequestStats } from '../engine/ports.js';
import { backoffDelay, parseRetryAfter, type BackoffOptions } from './backoff.js';
import { attemptSignal } from './attempt-signal.js';
import { abortedError, errorFromAnswer, malformedError, PlatformError, timeoutError, toPlatformError, type ErrorContext, type PlatformErrorCode } from './errors.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { systemClock } from './system-clock.js';
import { WireShapeError } from './wire-read.js';

/** One finished attempt, for metrics and debug logs. Never carries headers or bodies. */
export interface RequestEvent {
  readonly method: string;
  /** Route template: `GET /service-providers`. */
  readonly route: string;
  /** HTTP status; absent when no answer came (see `error`). */
  readonly status?: number;
  readonly error?: PlatformErrorCode;
  readonly durationMs: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/** How to reach one target. */
export interface HttpClientOptions {
  readonly api: Api;
  /** Target name, used in error messages. */
  readonly target: string;
  /** Base URL; a path prefix (`https://host/streamwise`) is kept. */
  readonly url: string;
  /** Headers sent on every request whose values are secrets: `{authorization: {scheme: 'Bearer', value}}`, `{bzspid: {value}}`. */
  readonly auth: Readonly<Record<string, AuthHeader>>;
  readonly timeoutSeconds: number;
  readonly maxRequestsPerSecond: number;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Connections kept to the target. @default 8 */
  readonly parallelism?: number;
  /** Attempts per request, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Time one request may take across all its attempts. @default max(120 s, 4 × timeout) */
  readonly deadlineMs?: number;
  /** Largest answer body accepted. @default 64 MiB */
  readonly maxResponseBytes?: number;
  /** @default Math.random */
  readonly random?: () => number;
  readonly backoff?: BackoffOptions;
  readonly onRequest?: (event: RequestEvent) => void;
}

/** A credential header: `<scheme> <value>`, or the bare value. */
export interface AuthHeader {
  readonly scheme?: string;
  readonly value: Sensitive;
}

/** One request. `body` is sent as JSON; `Sensitive` values in it are revealed only on the wire. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Route template for counts and messages: `/service-providers/{id}`. */
  readonly route: string;
  /** Path and query, relative to the target URL: `/service-providers/k3Jx9q`. */
  readonly path: string;
  readonly body?: unknown;
  /**
   * Whether a lost answer may be retried blindly. @default true except for POST: a POST is retried
   * only when it surely was not carried out (429, connection refused); the driver decides the rest.
   */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Reads a successful answer's JSON body (undefined when empty); throws `WireShapeError` when malformed. */
export type ReadBody<T> = (body: unknown) => T;

/** The client of one target. `request` throws `PlatformError` only. */
export interface HttpClient {
  /** Sends `req` (retrying as allowed) and returns the 2xx answer's body as read by `read`. */
  request<T = unknown>(req: HttpRequest, read?: ReadBody<T>): Promise<T>;
  stats(): RequestStats;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** Serialises a body, revealing `Sensitive` values; returns the revealed values for redaction. */
export function toWireJson(body: unknown): { json: string; secrets: string[] } {
  const secrets: string[] = [];
  const json = JSON.stringify(body, function reveal(this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (!isSensitive(raw)) return value;
    const plain = raw.reveal();
    secrets.push(plain);
    return plain;
  });
  return { json, secrets };
}

/** Replaces every occurrence of a secret (3 characters or more) with `(sensitive)`. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const list = secrets.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => list.reduce((t, s) => t.split(s).join('(sensitive)'), text);
}

/** Creates the client of one target. */
export function createHttpClient(o: HttpClientOptions): HttpClient {
  const clock = o.clock ?? systemClock;
  const base = new URL(o.url);
  const timeoutMs = Math.max(1, Math.round(o.timeoutSeconds * 1000));
  const c: Client = {
    o, clock, timeoutMs, prefix: base.pathname.replace(/\/+$/, ''),
    pool: new Pool(base.origin, {
      connections: o.parallelism ?? 8, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, maxResponseSize: o.maxResponseBytes ?? 64 * MiB,
    }),
    limiter: createRateLimiter(o.maxRequestsPerSecond, clock),
    authSecrets: Object.values(o.auth).map((a) => a.value.reveal()),
    byRoute: {}, byStatus: {},
  };
  return {
    request: (req, read) => send(c, req, read ?? ((body) => body as never)),
    stats: () => ({ byRoute: { ...c.byRoute }, byStatus: { ...c.byStatus } }),
    close: () => c.pool.close(),
  };
}

/** The state of one client, shared by its requests. */
interface Client {
  readonly o: HttpClientOptions;
  readonly clock: Clock;
  readonly pool: Pool;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly limiter: RateLimiter;
  readonly authSecrets: readonly string[];
  readonly byRoute: Record<string, number>;
  readonly byStatus: Record<string, number>;
}

/** Sends one request: waits for the rate limit, then attempts until success, a final failure, or the deadline. */
async function send<T>(c: Client, req: HttpRequest, read: ReadBody<T>): Promise<T> {
  const wire = prepare(req, c.o.auth, c.authSecrets);
  const idempotent = req.idempotent ?? req.method !== 'POST';
  const maxAttempts = Math.max(1, c.o.maxAttempts ?? 5);
  const deadlineMs = c.o.deadlineMs ?? Math.max(120_000, 4 * c.timeoutMs);
  const start = c.clock.now();
  for (let n = 1; ; n++) {
    const ctx: ErrorContext = { api: c.o.api, target: c.o.target, method: req.method, route: `${req.method} ${req.route}`, path: req.path, attempts: n };
    await wait(() => c.limiter.acquire(req.signal), ctx);
    const remaining = deadlineMs - (c.clock.now() - start);
    try {
      return await attempt(c, { req, ctx, wire, limitMs: Math.max(1, Math.min(c.timeoutMs, remaining)) }, read);
    } catch (e) {
      const err = e as PlatformError;
      const delay = retryDelay(err, n, idempotent, c.o);
      if (delay === undefined || n >= maxAttempts || c.clock.now() - start + delay >= deadlineMs) throw err;
      await wait(() => c.clock.sleep(delay, req.signal), ctx);
    }
  }
}

interface Attempt {
  readonly req: HttpRequest;
  readonly ctx: ErrorContext;
  readonly wire: Wire;
  /** This attempt's timeout: the per-request timeout, or less when the deadline is near. */
  readonly limitMs: number;
}

/** One attempt under its own timeout; every outcome is counted and reported to `onRequest`. */
async function attempt<T>(c: Client, a: Attempt, read: ReadBody<T>): Promise<T> {
  const { req, ctx, wire } = a;
  const abort = attemptSignal(req.signal, a.limitMs);
  const started = performance.now();
  let status: number | undefined;
  let failure: PlatformErrorCode | undefined;
  try {
    const res = await c.pool.request({ method: req.method, path: c.prefix + req.path, headers: wire.headers, body: wire.json ?? null, signal: abort.signal });
    status = res.statusCode;
    const body = parseJson(await res.body.text());
    if (status >= 200 && status < 300) return readAnswer(ctx, body, read);
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], c.clock.now());
    throw errorFromAnswer(ctx, { status, body: body.ok ? body.value : undefined, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }, wire.redact);
  } catch (e) {
    const err = classify(e, ctx, req.signal, abort.isTimedOut(), a.limitMs);
    if (err.status === undefined) failure = err.code;
    throw err;
  } finally {
    abort.dispose();
    const durationMs = performance.now() - started;
    record(c, { method: req.method, route: req.route, durationMs, attempt: ctx.attempts ?? 1, ...(status !== undefined ? { status } : {}), ...(failure ? { error: failure } : {}) });
  }
}

function record(c: Client, event: RequestEvent): void {
  const route = `${event.method} ${event.route}`;
  c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
  const status = event.status === undefined ? (event.error ?? 'error').toLowerCase() : String(event.status);
  c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
  c.o.onRequest?.(event);
}

interface Wire {
  readonly json?: string;
  readonly headers: Record<string, string>;
  readonly redact: (text: string) => string;
}

function prepare(req: HttpRequest, auth: Readonly<Record<string, AuthHeader>>, authSecrets: readonly string[]): Wire {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, a] of Object.entries(auth)) headers[name] = a.scheme ? `${a.scheme} ${a.value.reveal()}` : a.value.reveal();
  if (req.body === undefined) return { headers, redact: redactor(authSecrets) };
  const { json, secrets } = toWireJson(req.body);
  headers['content-type'] = 'application/json';
  return { json, headers, redact: redactor([...authSecrets, ...secrets]) };
}

/** Runs a wait (rate limit or backoff); an abort becomes an ABORTED PlatformError. */
async function wait(fn: () => Promise<void>, ctx: ErrorContext): Promise<void> {
  try {
    await fn();
  } catch (e) {
    throw abortedError(ctx, e);
  }
}

function classify(e: unknown, ctx: ErrorContext, caller: AbortSignal | undefined, timedOut: boolean, limitMs: number): PlatformError {
  if (e instanceof PlatformError) return e;
  if (caller?.aborted) return abortedError(ctx, e);
  if (timedOut) return timeoutError(ctx, limitMs, e);
  return toPlatformError(e, ctx);
}

/** The wait before the next attempt, or undefined when this failure must not be retried here. */
function retryDelay(err: PlatformError, attempt: number, idempotent: boolean, o: HttpClientOptions): number | undefined {
  if (!err.retryable || (err.code !== 'UNAVAILABLE' && err.code !== 'TIMEOUT')) return undefined;
  if (!idempotent && err.lostAnswer) return undefined;
  return err.retryAfterMs ?? backoffDelay(attempt, o.random ?? Math.random, o.backoff);
}

function readAnswer<T>(ctx: ErrorContext, body: { ok: true; value: unknown } | { ok: false }, read: ReadBody<T>): T {
  try {
    if (!body.ok) throw new WireShapeError('(body)', 'JSON');
    return read(body.value);
  } catch (e) {
    if (e instanceof WireShapeError) throw malformedError(ctx, e);
    throw e;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
