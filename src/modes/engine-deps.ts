/**
 * Wires the engine to its real adapters: the file ledger, the HTTP drivers and, when no Target is
 * declared, the embedded sandbox with its data in the state directory.
 */
import { join } from 'node:path';
import { fileLedger } from '../engine/ledger/file.js';
import type { EngineDeps } from '../engine/reconcile.js';
import type { EmbeddedPlatform } from '../engine/targets.js';
import { createDriver, type DriverOptions } from '../platform/driver.js';

export interface EngineDepsOptions {
  /** @default '.syncwise' */
  readonly stateDir: string;
  /** How long to wait for another run's lock. @default 0 */
  readonly lockWaitMs?: number;
  readonly driver?: DriverOptions;
}

/** Starts the embedded sandbox in this process, storing its data beside the ledger. */
export async function startEmbeddedSandbox(stateDir: string): Promise<EmbeddedPlatform> {
  const { startSandbox } = await import('../sandbox/server.js');
  return startSandbox({ data: join(stateDir, 'sandbox.db') });
}

/** The production dependencies of `reconcile()`. */
export function createEngineDeps(options: EngineDepsOptions): EngineDeps {
  return {
    ledger: fileLedger({ stateDir: options.stateDir, ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}) }),
    connect: (target) => createDriver(target, options.driver ?? {}),
    startEmbedded: () => startEmbeddedSandbox(options.stateDir),
  };
}
