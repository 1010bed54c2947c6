/**
 * Failures of the Kubernetes ledger backend, classified once: a code from docs/codes.md, a message
 * that names the object and says what to do, and whether a later run can succeed. Raw client-node
 * exceptions never leave src/engine/ledger/.
 */
import { kubeStatusCode } from './lease.js';

export type LedgerErrorCode = 'LEDGER_LOCKED' | 'LEDGER_CONFLICT' | 'LEDGER_TOO_LARGE' | 'LEDGER_INVALID' | 'LEDGER_UNAVAILABLE' | 'LEDGER_REJECTED';

/** A ledger failure the engine reports as `code` with `retryable`. */
export class LedgerError extends Error {
  constructor(readonly code: LedgerErrorCode, message: string, readonly retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerError';
  }
}

/** `reason: message` of a Kubernetes Status body, as client-node hands it over (text or object). */
function statusText(body: unknown): string {
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return '';
    }
  }
  if (typeof status !== 'object' || status === null) return '';
  const { reason, message } = status as { reason?: unknown; message?: unknown };
  return [reason, message].filter((x) => typeof x === 'string' && x !== '').join(': ');
}

/**
 * Classifies a failed Kubernetes API call on `subject` (`read Secret ns/name`): 429, 5xx, timeouts
 * and network failures are LEDGER_UNAVAILABLE (retryable); any other answer, 403 Forbidden
 * included, is LEDGER_REJECTED.
 */
export function toLedgerError(e: unknown, subject: string, server: string | undefined): LedgerError {
  if (e instanceof LedgerError) return e;
  const code = kubeStatusCode(e);
  if (code === undefined) {
    const why = e instanceof Error ? e.message : String(e);
    return new LedgerError('LEDGER_UNAVAILABLE', `cannot ${subject}: the Kubernetes API at ${server ?? '(no server configured)'} did not answer (${why})`, true, { cause: e });
  }
  const detail = statusText((e as { body?: unknown }).body);
  const retryable = code === 429 || code >= 500;
  const message = `cannot ${subject}: the Kubernetes API answered ${code}${detail === '' ? '' : ` ${detail}`}`;
  return new LedgerError(retryable ? 'LEDGER_UNAVAILABLE' : 'LEDGER_REJECTED', message, retryable, { cause: e });
}
