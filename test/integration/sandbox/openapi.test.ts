import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, providerBody, startTestSandbox, type One, type PackageWire, type ProviderWire, type TestSandbox } from '../../support/sandbox.js';

interface OpenApi {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, unknown>> };
}

const doc = JSON.parse(readFileSync(new URL('../../../schemas/openapi.json', import.meta.url), 'utf8')) as OpenApi;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: doc.components });
const schema = (name: string): ValidateFunction => ajv.compile({ $ref: `openapi#/components/schemas/${name}` });

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

function expectValid(name: string, value: unknown): void {
  const validate = schema(name);
  expect(validate(value), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

describe('the OpenAPI description', () => {
  it('is served at /openapi.json exactly as kept in schemas/', async () => {
    const res = await call(`${sb.url}/openapi.json`, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(doc);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every path the sandbox serves', () => {
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/portal/service/{spId}', '/portal/service/{spId}/_updateDefaultRemoteConsumer', '/portal/service/{spId}/_updateDefaultRemoteStorage',
      '/portal/service/{spId}/projects', '/portal/service/{spId}/projects/_create', '/portal/service/{spId}/projects/{projectId}',
      '/service-packages', '/service-packages/{id}', '/service-providers', '/service-providers/{id}', '/subscriptions', '/subscriptions/{id}',
    ]);
  });

  it('matches what the sandbox actually answers on both APIs', async () => {
    const provider = (await sb.sw<One<ProviderWire>>('POST', '/service-providers', providerBody('Described', { metadata: { a: 1, b: [1, 'x'] } }))).body.data;
    expectValid('Provider', provider);
    const pkg = (await sb.sw<One<PackageWire>>('POST', '/service-packages', { package_name: 'D', providers: [{ provider_id: provider.id, default: true }] })).body.data;
    expectValid('Package', pkg);
    const sub = await sb.sw<{ data: unknown }>('POST', '/subscriptions', { subscription_name: 'D', package_id: pkg.id, providers: [{ provider_id: provider.id, default: true }] });
    expectValid('Subscription', sub.body.data);
    expectValid('Error', (await sb.sw('DELETE', `/service-providers/${provider.id}`)).body);
    await sb.bz('PUT', '/_updateDefaultRemoteStorage', { storageProvider: 'AWS', storageRegion: 'r', storageResourceIdentifier: 'b', accessKey: 'a', secretKey: 's' });
    expectValid('Reseller', (await sb.bz('GET', '')).body);
    const project = await sb.bz('POST', '/projects/_create?useDefaultRemoteStorage=true', { projectName: 'd', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: 'p' });
    expectValid('Project', project.body);
    expectValid('BluzoneError', (await sb.bz('POST', '/projects/_create', { projectName: 'd', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: 'p' })).body);
  });
});
