/**
 * Small helpers for tests that drive the fake apiserver through @kubernetes/client-node.
 */
import { ApiException, type KubernetesObject } from '@kubernetes/client-node';

/** A syncwise custom resource as tests build it. */
export type CustomResource = KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

/** Coordinates of the ServiceProvider kind for CustomObjectsApi calls in `namespace`. */
export function serviceProviders(namespace = 'default'): { group: string; version: string; plural: string; namespace: string } {
  return { group: 'syncwise.io', version: 'v1alpha1', plural: 'serviceproviders', namespace };
}

/** The smallest spec the ServiceProvider CRD accepts. */
export const PROVIDER_SPEC: Readonly<Record<string, unknown>> = {
  providerName: 'BBB',
  providerType: 'bbb',
  properties: { url: 'https://bbb.example.com/bigbluebutton/', secret: { valueFrom: { secretKeyRef: { name: 'bbb', key: 'secret' } } } },
};

/** A valid ServiceProvider custom resource named `name`, with `spec` over {@link PROVIDER_SPEC}. */
export function serviceProvider(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): CustomResource {
  return { apiVersion: 'syncwise.io/v1alpha1', kind: 'ServiceProvider', metadata: { name, namespace: 'default', ...metadata }, spec: { ...PROVIDER_SPEC, ...spec } };
}

/** The HTTP code and decoded Status body of a failed client-node call; throws if the call succeeded. */
export async function apiFailure(call: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body: unknown = e.body;
    const status = typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : (body as Record<string, unknown>);
    return { code: e.code, status };
  }
  throw new Error('expected the call to fail');
}
