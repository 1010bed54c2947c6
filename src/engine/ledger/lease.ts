/**
 * coordination.k8s.io/v1 Lease records as both of syncwise's Lease users need them: the Kubernetes
 * ledger's lock and the operator's leader election. Reads answer `undefined` for a missing Lease and
 * writes answer `'conflict'` when another writer won (HTTP 409), so callers never inspect client-node
 * exceptions; every call carries a timeout, because client-node sets none and a half-open connection
 * would otherwise keep a leader renewing forever.
 */
import {
  ApiException, CoordinationV1Api, Observable, V1MicroTime,
  type ConfigurationOptions, type KubeConfig, type ObservableMiddleware, type V1Lease, type V1LeaseSpec,
} from '@kubernetes/client-node';
import { apiClient } from '../kube-client.js';

/** Where a Lease lives. */
export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

/** Reads and optimistic writes of one Lease. */
export interface LeaseClient {
  readonly ref: LeaseRef;
  /** The Lease, or undefined when it does not exist. */
  read(timeoutMs: number): Promise<V1Lease | undefined>;
  /** Creates the Lease; `'conflict'` when it already exists. */
  create(spec: V1LeaseSpec, timeoutMs: number): Promise<V1Lease | 'conflict'>;
  /** Writes `spec` over `current` at its resourceVersion; `'conflict'` when it changed or vanished since. */
  replace(current: V1Lease, spec: V1LeaseSpec, timeoutMs: number): Promise<V1Lease | 'conflict'>;
}

/** The HTTP status of a failed client-node call, or undefined for a network failure or timeout. */
export function kubeStatusCode(e: unknown): number | undefined {
  return e instanceof ApiException ? (e as ApiException<unknown>).code : undefined;
}

/** Per-call options that abort the request after `ms` milliseconds. */
export function timeoutOptions(ms: number): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(AbortSignal.timeout(Math.max(1, Math.round(ms))));
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/**
 * Milliseconds since the epoch of a Lease time. client-node declares MicroTime fields as Dates but
 * hands back the wire's RFC 3339 strings, so both are accepted.
 */
export function leaseTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `value` as RFC 3339 text, for messages. */
export function leaseTimeText(value: unknown): string {
  const ms = leaseTime(value);
  return ms === undefined ? 'an unknown time' : new Date(ms).toISOString();
}

/**
 * The spec that makes `holder` the holder, as client-go writes it: a holder renewing its own Lease
 * keeps acquireTime and leaseTransitions; taking over from another (or a released) holder sets
 * acquireTime to now and counts one more transition; a new Lease starts at 0 transitions.
 */
export function claimedSpec(previous: V1LeaseSpec | undefined, holder: string, durationSeconds: number, now: Date): V1LeaseSpec {
  const isRenewal = previous !== undefined && previous.holderIdentity === holder;
  const transitions = previous === undefined ? 0 : (previous.leaseTransitions ?? 0) + (isRenewal ? 0 : 1);
  return {
    holderIdentity: holder,
    leaseDurationSeconds: durationSeconds,
    acquireTime: isRenewal && previous.acquireTime !== undefined ? previous.acquireTime : new V1MicroTime(now.getTime()),
    renewTime: new V1MicroTime(now.getTime()),
    leaseTransitions: transitions,
  };
}

/** The spec of a released Lease, as client-go's release writes it: no holder, a 1 s duration, transitions kept. */
export function releasedSpec(previous: V1LeaseSpec | undefined, now: Date): V1LeaseSpec {
  return {
    leaseDurationSeconds: 1,
    acquireTime: new V1MicroTime(now.getTime()),
    renewTime: new V1MicroTime(now.getTime()),
    leaseTransitions: previous?.leaseTransitions ?? 0,
  };
}

/**
 * Clears holderIdentity if `holder` still holds the Lease; answers whether it did. A Lease another
 * holder took over meanwhile is left alone.
 */
export async function releaseLease(leases: LeaseClient, holder: string, timeoutMs: number): Promise<boolean> {
  const lease = await leases.read(timeoutMs);
  if (lease?.spec?.holderIdentity !== holder) return false;
  return (await leases.replace(lease, releasedSpec(lease.spec, new Date()), timeoutMs)) !== 'conflict';
}

async function orConflict(call: Promise<V1Lease>): Promise<V1Lease | 'conflict'> {
  try {
    return await call;
  } catch (e) {
    const code = kubeStatusCode(e);
    if (code === 409 || code === 404) return 'conflict';
    throw e;
  }
}

/** A client for the Lease `ref`. */
export function leaseClient(kubeConfig: KubeConfig, ref: LeaseRef): LeaseClient {
  const api = apiClient(kubeConfig, CoordinationV1Api);
  return {
    ref,
    async read(timeoutMs) {
      try {
        return await api.readNamespacedLease({ name: ref.name, namespace: ref.namespace }, timeoutOptions(timeoutMs));
      } catch (e) {
        if (kubeStatusCode(e) === 404) return undefined;
        throw e;
      }
    },
    create: (spec, timeoutMs) =>
      orConflict(api.createNamespacedLease({ namespace: ref.namespace, body: { metadata: { name: ref.name, namespace: ref.namespace }, spec } }, timeoutOptions(timeoutMs))),
    replace: (current, spec, timeoutMs) =>
      orConflict(api.replaceNamespacedLease({ name: ref.name, namespace: ref.namespace, body: { ...current, spec } }, timeoutOptions(timeoutMs))),
  };
}
