/**
 * The ledger in a Kubernetes Secret, for the operator and for CI jobs that run in a fresh checkout
 * each time but have a cluster: the ledger survives between runs without a state directory. A
 * Secret, not a ConfigMap, because the ledger holds a salt and salted hashes of secret values.
 *
 * The content is gzip-compressed JSON under one key; a Secret holds at most 1 MiB, and a ledger that
 * is still larger after compression is refused with a clear error before anything is written.
 * Every save is conditional on the resourceVersion this store last read or wrote, so a save is
 * atomic: it lands whole, or fails with LEDGER_CONFLICT when another writer got there first. The
 * run lock is the Lease `<name>-lock` (src/engine/ledger/lease-lock.ts).
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { LedgerState } from '../../core/ledger.js';
import type { LedgerStore } from '../ports.js';
import { takeLeaseLock } from './lease-lock.js';
import { kubeStatusCode, timeoutOptions } from './lease.js';
import { LedgerError, toLedgerError } from './ledger-error.js';
import { apiClient } from '../kube-client.js';

/** The Secret key holding the gzip-compressed ledger JSON. */
export const LEDGER_DATA_KEY = 'ledger.json.gz';
/** The Secret type that marks a syncwise ledger. */
export const LEDGER_SECRET_TYPE = 'syncwise.io/ledger';
/** The most data a Kubernetes Secret holds (kube-apiserver's MaxSecretSize). */
export const MAX_SECRET_BYTES = 1024 * 1024;
/** Refuse to inflate more than this: a damaged or hostile Secret must not exhaust memory. */
const MAX_LEDGER_JSON_BYTES = 256 * 1024 * 1024;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Options of {@link kubernetesLedger}. */
export interface KubernetesLedgerOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Name of the Secret; the lock is the Lease `<name>-lock` in the same namespace. */
  readonly name: string;
  /** Identity written in the lock Lease. @default `<hostname>_<pid>` */
  readonly holder?: string;
  /** How long `lock()` waits for another live holder. @default 0 */
  readonly lockWaitMs?: number;
  /** Validity of the lock without renewal; renewed every third of it while held. @default 30 */
  readonly lockDurationSeconds?: number;
  /** Timeout of each Kubernetes API call. @default 10000 */
  readonly requestTimeoutMs?: number;
}

const mib = (bytes: number): string => (bytes / MAX_SECRET_BYTES).toFixed(2);

async function encodeLedger(state: LedgerState, subject: string): Promise<string> {
  const json = Buffer.from(JSON.stringify(state), 'utf8');
  const packed = await gzipAsync(json, { level: 9 });
  if (packed.length > MAX_SECRET_BYTES) {
    throw new LedgerError(
      'LEDGER_TOO_LARGE',
      `the ledger is ${mib(packed.length)} MiB after compression (${mib(json.length)} MiB of JSON, ${Object.keys(state.entries).length} entries), ` +
        `more than the 1 MiB a Kubernetes Secret holds; ${subject} was not written. Split the configuration across several ledgers, or use the file ledger`,
      false,
    );
  }
  return packed.toString('base64');
}

async function decodeLedger(secret: V1Secret, subject: string): Promise<LedgerState> {
  const packed = secret.data?.[LEDGER_DATA_KEY];
  if (packed === undefined) {
    throw new LedgerError('LEDGER_INVALID', `${subject} exists but is not a syncwise ledger (no "${LEDGER_DATA_KEY}" key); it is left alone: name another Secret`, false);
  }
  let parsed: { version?: unknown };
  try {
    const json = await gunzipAsync(Buffer.from(packed, 'base64'), { maxOutputLength: MAX_LEDGER_JSON_BYTES });
    parsed = JSON.parse(json.toString('utf8')) as { version?: unknown };
  } catch (e) {
    throw new LedgerError('LEDGER_INVALID', `${subject}: the ledger cannot be read (${e instanceof Error ? e.message : String(e)})`, false, { cause: e });
  }
  if (parsed.version !== 1) throw new LedgerError('LEDGER_INVALID', `${subject}: unsupported ledger version ${String(parsed.version)}`, false);
  return parsed as LedgerState;
}

function newSecret(o: KubernetesLedgerOptions, data: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: o.name, namespace: o.namespace, labels: { 'app.kubernetes.io/managed-by': 'syncwise', 'app.kubernetes.io/component': 'ledger' } },
    type: LEDGER_SECRET_TYPE,
    data,
  };
}

/** Reads and writes of the ledger Secret, with failures classified. */
interface SecretAccess {
  readonly subject: string;
  /** The Secret, or undefined when it does not exist. */
  read(): Promise<V1Secret | undefined>;
  /** Creates the Secret (`base` undefined) or replaces `base` at its resourceVersion; LEDGER_CONFLICT when another writer won. */
  write(base: V1Secret | undefined, data: Record<string, string>): Promise<V1Secret>;
}

function secretAccess(opts: KubernetesLedgerOptions): SecretAccess {
  const core = apiClient(opts.kubeConfig, CoreV1Api);
  const subject = `ledger Secret ${opts.namespace}/${opts.name}`;
  const server = (): string | undefined => opts.kubeConfig.getCurrentCluster()?.server;
  const options = (): ReturnType<typeof timeoutOptions> => timeoutOptions(opts.requestTimeoutMs ?? 10_000);
  return {
    subject,
    async read() {
      try {
        return await core.readNamespacedSecret({ name: opts.name, namespace: opts.namespace }, options());
      } catch (e) {
        if (kubeStatusCode(e) === 404) return undefined;
        throw toLedgerError(e, `read the ${subject}`, server());
      }
    },
    async write(base, data) {
      try {
        return base === undefined
          ? await core.createNamespacedSecret({ namespace: opts.namespace, body: newSecret(opts, data) }, options())
          : await core.replaceNamespacedSecret({ name: opts.name, namespace: opts.namespace, body: { ...base, data } }, options());
      } catch (e) {
        const code = kubeStatusCode(e);
        if (code !== 409 && code !== 404) throw toLedgerError(e, `write the ${subject}`, server());
        const seen = base === undefined ? 'did not exist' : `was at resourceVersion ${base.metadata?.resourceVersion ?? '?'}`;
        throw new LedgerError('LEDGER_CONFLICT', `${subject} was changed by another writer after this run read it (it ${seen}); nothing was written: run again`, true, { cause: e });
      }
    },
  };
}

function withoutData(secret: V1Secret | undefined): V1Secret | undefined {
  if (secret === undefined) return undefined;
  const { data: _data, ...rest } = secret;
  return rest;
}

/** Creates the ledger store kept in the Secret `namespace/name`. */
export function kubernetesLedger(opts: KubernetesLedgerOptions): LedgerStore {
  const secret = secretAccess(opts);
  /**
   * The Secret as this store last read or wrote it, without its data (a save replaces the data
   * whole, and the compressed ledger is up to 1 MiB): the base (and resourceVersion) of the next save.
   */
  let current: V1Secret | undefined;
  let saving: Promise<unknown> = Promise.resolve();
  return {
    async load() {
      const found = await secret.read();
      const state = found === undefined ? undefined : await decodeLedger(found, secret.subject);
      current = withoutData(found); // only a Secret that holds a ledger ever becomes the base of a save
      return state;
    },
    save(state) {
      const next = saving.then(async () => {
        current = withoutData(await secret.write(current, { [LEDGER_DATA_KEY]: await encodeLedger(state, secret.subject) }));
      });
      saving = next.catch(() => undefined);
      return next;
    },
    lock: () =>
      takeLeaseLock({
        kubeConfig: opts.kubeConfig,
        lease: { namespace: opts.namespace, name: `${opts.name}-lock` },
        subject: secret.subject,
        ...(opts.holder !== undefined ? { holder: opts.holder } : {}),
        ...(opts.lockDurationSeconds !== undefined ? { durationSeconds: opts.lockDurationSeconds } : {}),
        ...(opts.lockWaitMs !== undefined ? { waitMs: opts.lockWaitMs } : {}),
        ...(opts.requestTimeoutMs !== undefined ? { timeoutMs: opts.requestTimeoutMs } : {}),
      }),
  };
}
