/**
 * Creates that are never blindly re-sent. When a create's answer is lost (connection dropped,
 * 5xx, timeout), the object may exist already: look it up by its identity first, return it when
 * found, and send again only when the lookup proves it absent. Shared by both drivers.
 */
import type { Clock, OperationResult } from '../engine/ports.js';
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
  readonly signal?: AbortSignal;
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
