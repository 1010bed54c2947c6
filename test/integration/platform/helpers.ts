/**
 * Shared pieces of the driver tests: targets pointing at a real sandbox, operation bodies with
 * known secret values, and a check that no secret reached a message or an error.
 */
import { expect } from 'vitest';
import type { ProviderBody } from '../../../src/core/change.js';
import { META_NAME, META_OWNER, sensitive, type RemoteConsumer, type RemoteStorage, type Sensitive } from '../../../src/core/model.js';
import type { ResolvedTarget } from '../../../src/engine/ports.js';
import type { TestSandbox } from '../../support/sandbox.js';

/** Secret values used by the tests; none may ever show up in an error or its properties. */
export const SECRETS = {
  provider: 'provider-secret-Zq81',
  storage: 'storage-secret-Hk27',
  consumer: 'consumer-secret-Wp93',
  password: 'owner-password-Lx45',
} as const;

/** The streamwise target of a sandbox. */
export function streamwiseTarget(sb: TestSandbox, overrides: Partial<ResolvedTarget> = {}): ResolvedTarget {
  return { name: 'sw-test', api: 'streamwise', url: sb.url, token: sensitive(sb.token), timeoutSeconds: 5, maxRequestsPerSecond: 10_000, ...overrides };
}

/** The bluzone target of a sandbox (reseller 1). */
export function bluzoneTarget(sb: TestSandbox, overrides: Partial<ResolvedTarget> = {}): ResolvedTarget {
  return {
    name: 'bz-test', api: 'bluzone', url: sb.url, apiKey: sensitive(sb.apiKey), serviceProviderId: sb.serviceProviderId,
    timeoutSeconds: 5, maxRequestsPerSecond: 10_000, ...overrides,
  };
}

/** A provider create body with the reserved metadata a plan writes. */
export function providerBody(name: string, owner = 'config-a'): ProviderBody {
  return {
    providerName: `Provider ${name}`, active: true, providerType: 'bbb', serviceType: 'meet',
    properties: { url: `https://${name}.example.com/bigbluebutton/`, secret: sensitive(SECRETS.provider) }, settings: {},
    metadata: { [META_NAME]: name, [META_OWNER]: owner, external_billing_id: 7 },
  };
}

/** A remote storage with a known secret key. */
export function storage(region = 'eu-west-1'): RemoteStorage<Sensitive> {
  return {
    storageProvider: 'AWS', storageRegion: region, storageResourceIdentifier: 'arn:aws:s3:::bucket', accessKey: 'AKIASTORAGE',
    secretKey: sensitive(SECRETS.storage), assumeRoleEnabled: false, storageTypes: ['RECORDINGS'],
  };
}

/** A remote consumer with a known secret key. */
export function consumer(stream = 'events'): RemoteConsumer<Sensitive> {
  return {
    awsAccessKey: 'AKIACONSUMER', awsSecretKey: sensitive(SECRETS.consumer), kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com',
    streamName: stream, streamType: 'PACKET_DATA', partitionKey: 'pk',
  };
}

/** Asserts that no known secret (nor the sandbox's credentials) appears in `value`, its message or its properties. */
export function expectNoSecret(value: unknown, sb?: TestSandbox): void {
  const e = value as { message?: unknown; stack?: unknown };
  const text = [JSON.stringify(value), String(e.message ?? ''), String(e.stack ?? ''), JSON.stringify({ ...(value as object) })].join('\n');
  for (const secret of [...Object.values(SECRETS), ...(sb ? [sb.token, sb.apiKey] : [])]) expect(text).not.toContain(secret);
}

/** Runs `fn` and returns what it threw; fails the test when it does not throw. */
export async function caught(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure, but the call succeeded');
}

/** Creates `count` providers straight through the API, 50 at a time. */
export async function seedProviders(sb: TestSandbox, count: number, prefix: string): Promise<void> {
  for (let start = 0; start < count; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => sb.sw('POST', '/service-providers', {
      provider_name: `${prefix} ${start + i}`, provider_type: 'scalelite', properties: { url: 'https://seed.example.com/', secret: 'seed-secret' },
    })));
  }
}
