/**
 * Failures as the engine reports them: a code, a message that is safe to print, and whether
 * retrying later can help. Drivers throw `PlatformError`s; the engine only reads these fields.
 */

export interface EngineError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly status?: number;
}

/** Converts anything thrown into an EngineError, keeping a PlatformError's code and `retryable`. */
export function toEngineError(e: unknown): EngineError {
  if (e instanceof Error) {
    const fields = e as Error & { code?: unknown; retryable?: unknown; status?: unknown };
    const code = typeof fields.code === 'string' ? fields.code : 'INTERNAL';
    const retryable = typeof fields.retryable === 'boolean' ? fields.retryable : false;
    const status = typeof fields.status === 'number' ? { status: fields.status } : {};
    return { code, message: e.message, retryable, ...status };
  }
  return { code: 'INTERNAL', message: String(e), retryable: false };
}
