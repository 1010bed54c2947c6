/**
 * Every platform failure, classified once: HTTP refusals, network failures, timeouts and
 * incomplete lists all become a `PlatformError` here, and nothing else leaves src/platform/.
 */
import type { Api } from '../core/model.js';

/** The classification the engine acts on; listed in docs/codes.md as `PLATFORM_<code>`. */
export type PlatformErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'REJECTED'
  | 'UNAUTHORIZED'
  | 'TIMEOUT'
  | 'PARTIAL_LIST'
  | 'ABORTED';

/** Which request failed: used in every message, so a failure names its target and route. */
export interface ErrorContext {
  readonly api: Api;
  /** Target name, e.g. `prod`. */
  readonly target: string;
  readonly method: string;
  /** Route template, e.g. `DELETE /service-providers/{id}`. */
  readonly route: string;
  /** The path actually requested (relative to the target URL), e.g. `/service-providers/k3Jx9q`. */
  readonly path: string;
  /** Attempts made so far. @default 1 */
  readonly attempts?: number;
}

/** The fields of a PlatformError besides its context. */
export interface PlatformErrorFields {
  readonly code: PlatformErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly platformCode?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** True when the request may have been carried out although no usable answer came back. */
  readonly lostAnswer?: boolean;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * A classified platform failure. `retryable` says whether trying again later can help: a 503 can,
 * a rule refusal such as `provider_in_use` cannot until something else changes. The message says
 * what was refused and why and never carries a credential or a secret of the request body.
 */
export class PlatformError extends Error {
  readonly code: PlatformErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly platformCode?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly api: Api;
  readonly method: string;
  readonly route: string;
  /** The path requested, relative to the target URL (ids, never credentials). */
  readonly path: string;
  /** Target name. */
  readonly target: string;
  readonly attempts: number;
  /** True when the request may have been carried out although no usable answer came back. */
  readonly lostAnswer: boolean;
  /** The wait a 429 asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(ctx: ErrorContext, f: PlatformErrorFields) {
    super(f.message, f.cause === undefined ? undefined : { cause: f.cause });
    this.name = 'PlatformError';
    this.code = f.code;
    this.retryable = f.retryable;
    if (f.status !== undefined) this.status = f.status;
    if (f.platformCode !== undefined) this.platformCode = f.platformCode;
    if (f.details !== undefined) this.details = f.details;
    if (f.retryAfterMs !== undefined) this.retryAfterMs = f.retryAfterMs;
    this.api = ctx.api;
    this.method = ctx.method;
    this.route = ctx.route;
    this.path = ctx.path;
    this.target = ctx.target;
    this.attempts = ctx.attempts ?? 1;
    this.lostAnswer = f.lostAnswer ?? false;
  }
}

/** The context an error was raised in, to raise another about the same request. */
export function contextOf(e: PlatformError): ErrorContext {
  return { api: e.api, target: e.target, method: e.method, route: e.route, path: e.path, attempts: e.attempts };
}

/**
 * Platform codes that state a rule of the platform: retrying cannot succeed until the plan
 * changes something else, so a 409 with one of these is not retryable.
 */
export const RULE_CODES: ReadonlySet<string> = new Set([
  'provider_in_use', 'provider_is_default', 'package_in_use', 'provider_not_in_package', 'conflict',
]);

/** Classifies an HTTP status (and platform code) into a code and whether retrying can help. */
export function classifyStatus(status: number, platformCode?: string): { code: PlatformErrorCode; retryable: boolean } {
  if (status === 404) return { code: 'NOT_FOUND', retryable: false };
  if (status === 409) return { code: 'CONFLICT', retryable: platformCode === undefined || !RULE_CODES.has(platformCode) };
  if (status === 401 || status === 403) return { code: 'UNAUTHORIZED', retryable: false };
  if (status === 408) return { code: 'TIMEOUT', retryable: true };
  if (status === 429 || status >= 500) return { code: 'UNAVAILABLE', retryable: true };
  return { code: 'REJECTED', retryable: false };
}

/** The error body of either API, read leniently: streamwise `{error:{code,message,details}}`, bluzone `{status,error,message}`. */
export function readErrorBody(body: unknown): { platformCode?: string; message?: string; details?: Record<string, unknown> } {
  if (!isRecord(body)) return {};
  const inner = isRecord(body.error) ? body.error : body;
  const code = typeof inner.code === 'string' ? inner.code : typeof body.error === 'string' ? body.error : undefined;
  const message = typeof inner.message === 'string' ? inner.message : undefined;
  const details = isRecord(inner.details) ? inner.details : undefined;
  return { ...(code ? { platformCode: code } : {}), ...(message ? { message } : {}), ...(details ? { details } : {}) };
}

/** An HTTP answer that is not a success, as a PlatformError with a message that says why. */
export function errorFromAnswer(
  ctx: ErrorContext,
  answer: { readonly status: number; readonly body: unknown; readonly retryAfterMs?: number },
  redact: (text: string) => string,
): PlatformError {
  const { platformCode, message, details } = readErrorBody(answer.body);
  const { code, retryable } = classifyStatus(answer.status, platformCode);
  const safeDetails = details === undefined ? undefined : (redactDeep(details, redact) as Record<string, unknown>);
  const why = [platformCode, message === undefined ? undefined : redact(clip(message))].filter((s) => s !== undefined).join(': ');
  const said = `${answer.status}${why ? ` ${why}` : ''}${summarizeDetails(safeDetails)}`;
  const verb = answer.status >= 500 || answer.status === 429 ? 'failed' : 'refused';
  return new PlatformError(ctx, {
    code, retryable, status: answer.status, message: `${describe(ctx, verb)}: ${said}${attemptsNote(ctx)}`,
    lostAnswer: answer.status >= 500,
    ...(platformCode !== undefined ? { platformCode } : {}),
    ...(safeDetails !== undefined ? { details: safeDetails } : {}),
    ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
  });
}

const NETWORK_CODES: Readonly<Record<string, { what: string; sent: boolean }>> = {
  ECONNREFUSED: { what: 'connection refused', sent: false },
  ENOTFOUND: { what: 'host not found', sent: false },
  EAI_AGAIN: { what: 'host lookup failed', sent: false },
  EHOSTUNREACH: { what: 'host unreachable', sent: false },
  ENETUNREACH: { what: 'network unreachable', sent: false },
  UND_ERR_CONNECT_TIMEOUT: { what: 'connect timeout', sent: false },
  ECONNRESET: { what: 'connection reset', sent: true },
  EPIPE: { what: 'connection closed while sending', sent: true },
  UND_ERR_SOCKET: { what: 'connection closed without an answer', sent: true },
  UND_ERR_CLOSED: { what: 'client closed', sent: false },
  UND_ERR_DESTROYED: { what: 'client closed', sent: false },
};

/** Converts anything thrown while calling the platform into a PlatformError (the original as `cause`). */
export function toPlatformError(e: unknown, ctx: ErrorContext): PlatformError {
  if (e instanceof PlatformError) return e;
  const code = errorCode(e);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return timeoutError(ctx, undefined, e);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new PlatformError(ctx, { code: 'REJECTED', retryable: false, cause: e, message: `${describe(ctx, 'failed')}: the answer exceeds the size limit` });
  }
  if (code === 'UND_ERR_ABORTED' || (e instanceof Error && e.name === 'AbortError')) return abortedError(ctx, e);
  const network = code === undefined ? undefined : NETWORK_CODES[code];
  const what = network?.what ?? (e instanceof Error ? e.name : 'unexpected failure');
  return new PlatformError(ctx, {
    code: 'UNAVAILABLE', retryable: network !== undefined, lostAnswer: network?.sent ?? true, cause: e,
    message: `${describe(ctx, 'did not answer')}: ${what}${code ? ` (${code})` : ''}${attemptsNote(ctx)}`,
  });
}

/** A request that got no complete answer within `timeoutMs`; it may still be carried out. */
export function timeoutError(ctx: ErrorContext, timeoutMs: number | undefined, cause?: unknown): PlatformError {
  const within = timeoutMs === undefined ? '' : ` within ${timeoutMs / 1000}s`;
  return new PlatformError(ctx, {
    code: 'TIMEOUT', retryable: true, lostAnswer: true, ...(cause === undefined ? {} : { cause }),
    message: `${describe(ctx, 'did not answer')}${within}${attemptsNote(ctx)}`,
  });
}

/** The caller gave up (its AbortSignal fired): not retryable by this call. */
export function abortedError(ctx: ErrorContext, cause?: unknown): PlatformError {
  return new PlatformError(ctx, {
    code: 'ABORTED', retryable: false, lostAnswer: true, ...(cause === undefined ? {} : { cause }),
    message: `${describe(ctx, 'was interrupted on')}: the operation was aborted`,
  });
}

/** A list that cannot be trusted whole (`total` disagrees with what was read): never read as absence. */
export function partialListError(ctx: ErrorContext, why: string): PlatformError {
  return new PlatformError(ctx, {
    code: 'PARTIAL_LIST', retryable: true,
    message: `${describe(ctx, 'gave an incomplete list on')}: ${why}; nothing is concluded from it`,
  });
}

/** A request the driver refuses to send because the operation is malformed (a bug upstream, not the platform). */
export function unsendableError(ctx: ErrorContext, why: string): PlatformError {
  return new PlatformError(ctx, { code: 'REJECTED', retryable: false, message: `${describe(ctx, 'was not sent')}: ${why}` });
}

/** A 2xx answer whose body is not what the API documents: retryable, as a proxy may have garbled it. */
export function malformedError(ctx: ErrorContext, e: Error & { readonly path: string }): PlatformError {
  return new PlatformError(ctx, {
    code: 'UNAVAILABLE', retryable: true, lostAnswer: true, cause: e,
    message: `${describe(ctx, 'answered')} with a malformed body: ${e.message}${attemptsNote(ctx)}`,
  });
}

/** `streamwise "prod" refused DELETE /service-providers/k3Jx9q`. */
export function describe(ctx: ErrorContext, verb: string): string {
  return `${ctx.api} "${ctx.target}" ${verb} ${ctx.method} ${ctx.path}`;
}

function attemptsNote(ctx: ErrorContext): string {
  return (ctx.attempts ?? 1) > 1 ? ` (after ${ctx.attempts} attempts)` : '';
}

/** `: package "Gold" (id x), subscription "S" (id y)` from the details the platform sent. */
function summarizeDetails(details: Readonly<Record<string, unknown>> | undefined): string {
  if (details === undefined) return '';
  const parts: string[] = [];
  for (const [key, kind] of [['packages', 'package'], ['subscriptions', 'subscription']] as const) {
    const refs = details[key];
    if (!Array.isArray(refs)) continue;
    for (const r of refs.slice(0, 5)) if (isRecord(r)) parts.push(`${kind} "${String(r.name)}" (id ${String(r.id)})`);
    if (refs.length > 5) parts.push(`${refs.length - 5} more ${key}`);
  }
  const fields = details.fields;
  if (isRecord(fields)) for (const [f, m] of Object.entries(fields)) parts.push(`${f} ${String(m)}`);
  return parts.length === 0 ? '' : `: ${clip(parts.join(', '))}`;
}

/** A copy of a JSON value with `redact` applied to every string in it, keys included. */
function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, redact(k), { value: redactDeep(v, redact), enumerable: true, writable: true, configurable: true });
  return out;
}

function clip(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function errorCode(e: unknown): string | undefined {
  if (!isRecord(e)) return undefined;
  if (typeof e.code === 'string') return e.code;
  return isRecord(e.cause) && typeof e.cause.code === 'string' ? e.cause.code : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
