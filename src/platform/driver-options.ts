/**
 * What every driver accepts besides its target, and how a target becomes the HTTP client's
 * settings: one place, so both drivers time out, retry and rate-limit the same way.
 */
import type { Clock, ResolvedTarget } from '../engine/ports.js';
import { PlatformError } from './errors.js';
import type { AuthHeader, HttpClientOptions, RequestEvent } from './http.js';

export type { RequestEvent } from './http.js';

/** Options shared by every driver. */
export interface DriverOptions {
  /** Time source for backoff and rate-limit waits; tests pass a fake one. @default systemClock */
  readonly clock?: Clock;
  /** Connections kept to the target, and pages read at once. @default 8 */
  readonly parallelism?: number;
  /** Attempts per request, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** Called after every attempt (method, route template, status, duration); never with headers or bodies. */
  readonly onRequest?: (event: RequestEvent) => void;
}

/** The HTTP client settings of `target`, authenticating with the `auth` headers. */
export function clientOptionsOf(target: ResolvedTarget, options: DriverOptions, auth: Readonly<Record<string, AuthHeader>>): HttpClientOptions {
  return {
    api: target.api, target: target.name, url: target.url, auth,
    timeoutSeconds: target.timeoutSeconds, maxRequestsPerSecond: target.maxRequestsPerSecond,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  };
}

/** A credential the target must have; its absence is refused before any request. */
export function requireCredential<T>(target: ResolvedTarget, value: T | undefined, what: string): T {
  if (value !== undefined) return value;
  throw new PlatformError(
    { api: target.api, target: target.name, method: '-', route: '-', path: target.url },
    { code: 'UNAUTHORIZED', retryable: false, message: `${target.api} "${target.name}" has no ${what}: set it on the Target` },
  );
}
