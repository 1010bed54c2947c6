/**
 * How long to wait before retrying: exponential backoff with full jitter, or what the platform
 * asked for with `Retry-After`. Pure functions; the randomness is passed in.
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** Ceiling of the first wait. @default 200 */
  readonly baseMs?: number;
  /** Largest wait between two attempts. @default 10000 */
  readonly maxMs?: number;
}

const DEFAULT_BASE_MS = 200;
const DEFAULT_MAX_MS = 10_000;

/**
 * The wait after failed attempt `attempt` (1-based): uniform in `[0, min(max, base * 2^(attempt-1)))`
 * ("full jitter"), so many clients failing at once do not retry in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BASE_MS;
  const max = options.maxMs ?? DEFAULT_MAX_MS;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header: whole seconds (`120`) or an HTTP date, relative to `nowMs`.
 * Returns milliseconds, 0 for a date in the past, undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | readonly string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[a-z]/i.test(value)) return undefined;
  return Math.max(0, at - nowMs);
}
