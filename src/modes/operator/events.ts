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
import { apiClient } from '../../engine/kube-client.js';

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

interface RecorderState {
  readonly api: CoreV1Api;
  readonly options: EventRecorderOptions;
  readonly seen: Map<string, Remembered>;
}

async function createEvent(s: RecorderState, ref: ObjectRef, event: EventValue & { at: Date }): Promise<string> {
  const name = `${ref.name}.${randomBytes(8).toString('hex')}`;
  const source = { component: s.options.component ?? 'syncwise-operator', ...(s.options.host ? { host: s.options.host } : {}) };
  await s.api.createNamespacedEvent({
    namespace: ref.namespace,
    body: {
      metadata: { name, namespace: ref.namespace },
      involvedObject: { apiVersion: API_VERSION_OF, kind: ref.kind, name: ref.name, namespace: ref.namespace, uid: ref.uid, resourceVersion: ref.resourceVersion },
      type: event.type, reason: event.reason, message: event.message, source, count: 1, firstTimestamp: event.at, lastTimestamp: event.at,
    },
  });
  return name;
}

function remember(s: RecorderState, key: string, value: Remembered): void {
  s.seen.delete(key);
  s.seen.set(key, value);
  if (s.seen.size > MAX_REMEMBERED) s.seen.delete(s.seen.keys().next().value as string);
}

/** Bumps the count of a known Event; false when it expired meanwhile. */
async function bump(s: RecorderState, ref: ObjectRef, known: Remembered, at: Date): Promise<boolean> {
  try {
    await s.api.patchNamespacedEvent({ namespace: ref.namespace, name: known.name, body: { count: known.count + 1, lastTimestamp: at.toISOString() } }, MERGE);
    return true;
  } catch (e) {
    if (apiCode(e) === 404) return false;
    throw e;
  }
}

/** Creates a recorder that aggregates repeated Events in place of creating new ones. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const s: RecorderState = { api: apiClient(options.kubeConfig, CoreV1Api), options, seen: new Map() };
  return {
    record: async (ref, event) => {
      const message = safeMessage(event.message);
      const key = [ref.uid, event.type, event.reason, message].join('\u0000');
      const at = new Date((options.now ?? Date.now)());
      try {
        const known = s.seen.get(key);
        if (known !== undefined && (await bump(s, ref, known, at))) {
          remember(s, key, { name: known.name, count: known.count + 1 });
          return known.name;
        }
        const name = await createEvent(s, ref, { ...event, message, at });
        remember(s, key, { name, count: 1 });
        return name;
      } catch (e) {
        options.onError?.(e, ref);
        return undefined;
      }
    },
  };
}
