/**
 * Connection Secrets of bluzone Projects (`spec.writeConnectionSecretToRef`): the projectApiKey
 * the platform generated, written into a Secret beside the Project. The key never reaches a log,
 * an Event or a status.
 */
import type { LedgerState } from '../../core/ledger.js';
import type { DesiredSet } from './desired-set.js';

export interface ConnectionSecrets {
  /** Writes the Secrets that are missing or out of date; false when any could not be written. */
  sync(set: DesiredSet, ledger: LedgerState | undefined, signal: AbortSignal): Promise<boolean>;
}
