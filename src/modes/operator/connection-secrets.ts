/**
 * Connection Secrets of bluzone Projects (`spec.writeConnectionSecretToRef`): the projectApiKey the
 * platform generated, written with the projectId into a Secret beside the Project (owned by it,
 * so it goes when the Project goes). It is rewritten when the project id changes (a replacement)
 * or the Secret is missing. The key is read from the platform's list answer, registered with the
 * log redactor, and never reaches a log, an Event or a status. A Secret of the same name that
 * syncwise did not create is left alone.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { LedgerEntry, LedgerState } from '../../core/ledger.js';
import type { LiveTarget } from '../../core/live.js';
import type { Driver, ResolvedTarget } from '../../engine/ports.js';
import { declaredTargets } from '../../engine/targets.js';
import { registerSecret, type Logger } from '../../log.js';
import type { DesiredSet, ObjectEntry } from './desired-set.js';
import type { ClusterCache } from './informers.js';
import { API_VERSION_OF, objectName, type SecretObject } from './kinds.js';
import { apiCode, apiError } from './kube-writes.js';
import { apiClient } from '../../engine/kube-client.js';

export interface ConnectionSecrets {
  /** Writes the Secrets that are missing or out of date; false when any could not be written. */
  sync(set: DesiredSet, ledger: LedgerState | undefined, signal: AbortSignal): Promise<boolean>;
}

export interface ConnectionSecretsOptions {
  readonly kubeConfig: KubeConfig;
  readonly cache: ClusterCache;
  readonly logger: Logger;
  /** Creates the driver that reads a target's projects (the operator's, with its metrics). */
  readonly connect: (target: ResolvedTarget) => Driver;
}

/** Annotation holding the project id the Secret was written for. */
export const PROJECT_ID_ANNOTATION = 'syncwise.io/project-id';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'syncwise' };
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Wanted {
  readonly entry: ObjectEntry;
  readonly owned: LedgerEntry;
  readonly secretName: string;
  readonly key: string;
}

function refOf(entry: ObjectEntry): { name: string; key: string } | undefined {
  const ref = (entry.object.spec as { writeConnectionSecretToRef?: { name?: unknown; key?: unknown } } | undefined)?.writeConnectionSecretToRef;
  if (typeof ref?.name !== 'string') return undefined;
  return { name: ref.name, key: typeof ref.key === 'string' ? ref.key : 'projectApiKey' };
}

function wanted(set: DesiredSet, ledger: LedgerState | undefined): Wanted[] {
  const out: Wanted[] = [];
  for (const entry of set.entries) {
    const ref = refOf(entry);
    const owned = ledger?.entries[entry.key];
    const declared = entry.standing.state === 'desired' || entry.standing.state === 'retained';
    if (entry.ref.kind !== 'Project' || ref === undefined || !declared || owned?.state !== 'applied' || owned.externalId === '') continue;
    out.push({ entry, owned, secretName: ref.name, key: ref.key });
  }
  return out;
}

function body(w: Wanted, apiKey: string): V1Secret {
  const ref = w.entry.ref;
  return {
    metadata: {
      name: w.secretName, namespace: ref.namespace, labels: MANAGED_BY, annotations: { [PROJECT_ID_ANNOTATION]: w.owned.externalId },
      ownerReferences: [{ apiVersion: API_VERSION_OF, kind: 'Project', name: ref.name, uid: ref.uid, controller: true }],
    },
    type: 'Opaque',
    data: { [w.key]: Buffer.from(apiKey).toString('base64'), projectId: Buffer.from(w.owned.externalId).toString('base64') },
  };
}

/** Reads each target's projects at most once per sync. */
function projectReader(o: ConnectionSecretsOptions, set: DesiredSet, signal: AbortSignal): (target: string) => Promise<LiveTarget> {
  const targets = new Map(declaredTargets(set.resources).map((t) => [t.name, t]));
  const live = new Map<string, Promise<LiveTarget>>();
  return (name) => {
    const target = targets.get(name);
    if (target === undefined) return Promise.reject(new Error(`target ${name} is not declared`));
    if (!live.has(name)) {
      const driver = o.connect(target);
      live.set(name, driver.observe(signal).finally(() => void driver.close()));
    }
    return live.get(name) as Promise<LiveTarget>;
  };
}

async function writeSecret(core: CoreV1Api, w: Wanted, apiKey: string): Promise<void> {
  const secret = body(w, apiKey);
  try {
    await core.createNamespacedSecret({ namespace: w.entry.ref.namespace, body: secret });
  } catch (e) {
    if (apiCode(e) !== 409) throw e;
    await core.patchNamespacedSecret({ namespace: w.entry.ref.namespace, name: w.secretName, body: secret }, MERGE);
  }
}

/** Creates the writer of connection Secrets. */
export function createConnectionSecrets(o: ConnectionSecretsOptions): ConnectionSecrets {
  const core = apiClient(o.kubeConfig, CoreV1Api);
  const cached = (w: Wanted): SecretObject | undefined => o.cache.secret(w.entry.ref.namespace, w.secretName);
  const upToDate = (w: Wanted): boolean => cached(w)?.metadata?.annotations?.[PROJECT_ID_ANNOTATION] === w.owned.externalId && cached(w)?.data?.[w.key] !== undefined;
  const foreign = (w: Wanted): boolean => cached(w) !== undefined && cached(w)?.metadata?.labels?.['app.kubernetes.io/managed-by'] !== 'syncwise';
  return {
    sync: async (set, ledger, signal) => {
      const todo = wanted(set, ledger).filter((w) => !upToDate(w));
      const observe = projectReader(o, set, signal);
      let ok = true;
      for (const w of todo) {
        const fields = { object: objectName(w.entry.ref), secretName: w.secretName };
        if (foreign(w)) {
          o.logger.warn(fields, 'connection Secret exists and was not created by syncwise: left alone');
          continue;
        }
        try {
          const t = await observe(w.owned.target);
          const apiKey = (t.api === 'bluzone' ? t.projects.find((p) => p.projectId === w.owned.externalId) : undefined)?.projectApiKey?.reveal();
          if (apiKey === undefined) throw new Error('the platform did not return the projectApiKey');
          registerSecret(apiKey);
          await writeSecret(core, w, apiKey);
          o.logger.info(fields, 'connection Secret written');
        } catch (e) {
          ok = false;
          o.logger.warn({ ...fields, error: apiError(e) }, 'could not write the connection Secret; retrying later');
        }
      }
      return ok;
    },
  };
}
