/**
 * Kubernetes Events on the custom resources, through core/v1 `events` (what `kubectl describe`
 * shows): one Event per object, type, reason and message, whose `count` and `lastTimestamp` are
 * bumped when the same thing happens again, as client-go's recorder aggregates. RBAC needs only
 * `create` and `patch` on core `events`.
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { apiCode } from './kube-writes.js';
import { API_VERSION_OF, type ObjectRef } from './kinds.js';
import { safeMessage } from './status.js';
import type { EventValue } from './verdict.js';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** Events remembered for aggregation; the oldest are forgotten first. */
const MAX_REMEMBERED = 2000;

export interface EventRecorder {
  /** Records `event` on the object; never throws (an Event is best effort). Resolves to the Event's name. */
  record(ref: ObjectRef, event: EventValue): Promise<string | undefined>;
}

export interface EventRecorderOptions {
  readonly kubeConfig: KubeConfig;
  /** `source.component` of every Event. @default 'syncwise-operator' */
  readonly component?: string;
  /** `source.host`: the pod name. */
  readonly host?: string;
  /** @default Date.now */
  readonly now?: () => number;
  readonly onError?: (error: unknown, ref: ObjectRef) => void;
}

interface Remembered {
  readonly name: string;
  count: number;
}

/** Creates a recorder that aggregates repeated Events in place of creating new ones. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const api = options.kubeConfig.makeApiClient(CoreV1Api);
  const now = options.now ?? Date.now;
  const seen = new Map<string, Remembered>();
  const source = { component: options.component ?? 'syncwise-operator', ...(options.host ? { host: options.host } : {}) };

  const create = async (ref: ObjectRef, event: EventValue, message: string, at: Date): Promise<string> => {
    const name = `${ref.name}.${randomBytes(8).toString('hex')}`;
    await api.createNamespacedEvent({
      namespace: ref.namespace,
      body: {
        metadata: { name, namespace: ref.namespace },
        involvedObject: { apiVersion: API_VERSION_OF, kind: ref.kind, name: ref.name, namespace: ref.namespace, uid: ref.uid, resourceVersion: ref.resourceVersion },
        type: event.type, reason: event.reason, message, source, count: 1, firstTimestamp: at, lastTimestamp: at,
      },
    });
    return name;
  };
  const remember = (key: string, value: Remembered): void => {
    seen.delete(key);
    seen.set(key, value);
    if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value as string);
  };

  return {
    record: async (ref, event) => {
      const message = safeMessage(event.message);
      const key = [ref.uid, event.type, event.reason, message].join('\u0000');
      const at = new Date(now());
      try {
        const known = seen.get(key);
        if (known !== undefined) {
          try {
            await api.patchNamespacedEvent({ namespace: ref.namespace, name: known.name, body: { count: known.count + 1, lastTimestamp: at.toISOString() } }, MERGE);
            remember(key, { name: known.name, count: known.count + 1 });
            return known.name;
          } catch (e) {
            if (apiCode(e) !== 404) throw e; // expired meanwhile: create a new one below
          }
        }
        const name = await create(ref, event, message, at);
        remember(key, { name, count: 1 });
        return name;
      } catch (e) {
        options.onError?.(e, ref);
        return undefined;
      }
    },
  };
}
