/**
 * Writes whose answer was lost (connection dropped, 5xx, timeout), shared by both drivers. A
 * create is never blindly re-sent: the object may exist already, so it is looked up by its
 * identity first and sent again only when the lookup proves it absent. A delete is idempotent:
 * retried, and a 404 on a retry means the lost attempt did the work.
 */
import type { Clock, OperationResult } from '../engine/ports.js';
import type { HttpClient, HttpRequest } from './http.js';
import { backoffDelay } from './backoff.js';
import { abortedError, contextOf, PlatformError } from './errors.js';

/** How one create is sent and looked up. */
export interface LostCreateOptions {
  /** Sends the create once (the HTTP client retries only what surely was not carried out); returns the new id. */
  send(): Promise<string>;
  /** Lists the collection and returns the id of the object this create would make; undefined when the create has no identity to look for. */
  readonly find?: () => Promise<string | undefined>;
  /**
   * True when the platform refuses a second object with the same identity (bluzone project names),
   * so a re-send after a timeout cannot duplicate and its 409 means "already there".
   */
  readonly identityIsUnique: boolean;
  readonly clock: Clock;
  /** Sends at most this many times. @default 3 */
  readonly maxSends?: number;
  readonly random?: () => number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Carries out one create. A timed-out create on a platform that allows duplicates is not re-sent
 * after an empty lookup: the first request may still land after the lookup. It fails retryable,
 * and the next run recognises the object by its identity.
 */
export async function createWithoutDuplicates(o: LostCreateOptions): Promise<OperationResult> {
  const maxSends = o.maxSends ?? 3;
  for (let sent = 1; ; sent++) {
    let error: PlatformError;
    try {
      return { id: await o.send() };
    } catch (e) {
      if (!(e instanceof PlatformError)) throw e;
      error = e;
    }
    const alreadyThere = sent > 1 && o.identityIsUnique && error.code === 'CONFLICT';
    if (!o.find || error.code === 'ABORTED' || !(error.lostAnswer || alreadyThere)) throw error;
    const id = await o.find(); // a failed lookup throws: nothing is re-sent on what was not observed
    if (id !== undefined) return { id, recovered: true };
    if (sent >= maxSends || (error.code === 'TIMEOUT' && !o.identityIsUnique)) throw error;
    try {
      await o.clock.sleep(backoffDelay(sent, o.random ?? Math.random), o.signal);
    } catch (e) {
      throw abortedError(contextOf(error), e);
    }
  }
}

/** Sends a DELETE (retried by the client); a 404 after a retry counts as done. Returns `{id}`. */
export async function deleteOnce(http: HttpClient, req: HttpRequest, id: string): Promise<OperationResult> {
  try {
    await http.request(req);
  } catch (e) {
    if (!(e instanceof PlatformError && e.code === 'NOT_FOUND' && e.attempts > 1)) throw e;
  }
  return { id };
}
