/**
 * The engine's ports: what it needs from the platform drivers, the ledger backends and the clock.
 * Implementations live in src/platform/ and src/engine/ledger/; tests use the real ones.
 */
import type { Operation } from '../core/change.js';
import type { LedgerState } from '../core/ledger.js';
import type { LiveTarget } from '../core/live.js';
import type { Api, Sensitive } from '../core/model.js';

/** A Target with its credentials resolved. */
export interface ResolvedTarget {
  readonly name: string;
  readonly api: Api;
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8787/streamwise`. */
  readonly url: string;
  readonly token?: Sensitive;
  readonly serviceProviderId?: string;
  readonly apiKey?: Sensitive;
  readonly timeoutSeconds: number;
  readonly maxRequestsPerSecond: number;
}

/** What one executed operation returned: the platform id of the object it created or touched. */
export interface OperationResult {
  readonly id?: string;
  /** true when a create's answer was lost and the driver found the object instead of re-sending. */
  readonly recovered?: boolean;
}

/**
 * One platform API. Every method throws `PlatformError` (src/platform/errors.ts) and nothing else.
 * `observe` reads the whole live state with list calls only (every page) and fails rather than
 * returning a partial list: absence is only ever concluded from a complete read.
 */
export interface Driver {
  readonly api: Api;
  readonly target: string;
  observe(signal?: AbortSignal): Promise<LiveTarget>;
  /**
   * Carries out one operation. A create whose answer is lost (network error, timeout, 5xx after
   * sending) is looked up by its reserved `syncwise.io/name` metadata (streamwise) or projectName
   * (bluzone) before it is ever sent again.
   */
  execute(operation: Operation, signal?: AbortSignal): Promise<OperationResult>;
  close(): Promise<void>;
}

/** Counts of the platform requests a driver made, by `METHOD path-template` and status. */
export interface RequestStats {
  readonly byRoute: Readonly<Record<string, number>>;
  readonly byStatus: Readonly<Record<string, number>>;
}

/** Storage of the ledger. `save` is atomic: a crash leaves the old or the new content, never a mix. */
export interface LedgerStore {
  load(): Promise<LedgerState | undefined>;
  save(state: LedgerState): Promise<void>;
  /** Takes an exclusive lock for one run; throws a clear "locked by pid N since T" error when held. */
  lock(): Promise<() => Promise<void>>;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
