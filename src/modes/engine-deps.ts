/**
 * Wires the engine to its real adapters: the ledger (a file in the state directory, or a Kubernetes
 * Secret), the HTTP drivers and, when no Target is declared, the embedded sandbox with its data in
 * the state directory.
 */
import { join } from 'node:path';
import { fileLedger } from '../engine/ledger/file.js';
import type { LedgerStore } from '../engine/ports.js';
import type { EngineDeps } from '../engine/reconcile.js';
import type { EmbeddedPlatform } from '../engine/targets.js';
import { createDriver, type DriverOptions } from '../platform/driver.js';

export interface EngineDepsOptions {
  /** @default '.syncwise' */
  readonly stateDir: string;
  /** How long to wait for another run's lock. @default 0 */
  readonly lockWaitMs?: number;
  readonly driver?: DriverOptions;
  /** Where the ledger lives. @default { kind: 'file' } (in `stateDir`) */
  readonly ledger?: LedgerLocation;
}

/** Where the ledger lives: a file in the state directory, or a Kubernetes Secret (`--ledger kubernetes:NS/NAME`). */
export type LedgerLocation =
  | { readonly kind: 'file' }
  | { readonly kind: 'kubernetes'; readonly namespace: string; readonly name: string };

/**
 * A store that loads the Kubernetes client and the kubeconfig (KUBECONFIG, ~/.kube/config or the
 * in-cluster service account) only when the ledger is first used, so runs with the file ledger
 * never pay for importing @kubernetes/client-node.
 */
function kubernetesLedgerStore(location: { readonly namespace: string; readonly name: string }, lockWaitMs: number | undefined): LedgerStore {
  let store: Promise<LedgerStore> | undefined;
  const open = async (): Promise<LedgerStore> => {
    const [{ KubeConfig }, { kubernetesLedger }] = await Promise.all([import('@kubernetes/client-node'), import('../engine/ledger/kubernetes.js')]);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    return kubernetesLedger({ kubeConfig, namespace: location.namespace, name: location.name, ...(lockWaitMs !== undefined ? { lockWaitMs } : {}) });
  };
  const get = (): Promise<LedgerStore> => (store ??= open());
  return {
    load: async () => (await get()).load(),
    save: async (state) => (await get()).save(state),
    lock: async () => (await get()).lock(),
  };
}

/** Starts the embedded sandbox in this process, storing its data beside the ledger. */
export async function startEmbeddedSandbox(stateDir: string): Promise<EmbeddedPlatform> {
  const { startSandbox } = await import('../sandbox/server.js');
  return startSandbox({ data: join(stateDir, 'sandbox.db') });
}

/** The production dependencies of `reconcile()`. */
export function createEngineDeps(options: EngineDepsOptions): EngineDeps {
  const ledger = options.ledger?.kind === 'kubernetes'
    ? kubernetesLedgerStore(options.ledger, options.lockWaitMs)
    : fileLedger({ stateDir: options.stateDir, ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}) });
  return {
    ledger,
    connect: (target) => createDriver(target, options.driver ?? {}),
    startEmbedded: () => startEmbeddedSandbox(options.stateDir),
  };
}
