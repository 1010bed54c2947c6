import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, providerBody, startTestSandbox, type One, type Page, type ProviderWire, type SwError, type TestSandbox } from '../../support/sandbox.js';

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

const create = async (name: string, overrides: Record<string, unknown> = {}) => {
  const res = await sb.sw<One<ProviderWire>>('POST', '/service-providers', providerBody(name, overrides));
  expect(res.status).toBe(201);
  return res.body.data;
};

describe('streamwise service providers', () => {
  it('creates a provider with generated ids and never returns its secret', async () => {
    const p = await create('BBB Europe 1', { metadata: { external_billing_id: 123, tags: ['a', 'b'] } });
    expect(p.id).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(p.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p.ulid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(p).toMatchObject({ provider_name: 'BBB Europe 1', active: true, provider_type: 'bbb', service_type: 'meet', settings: {}, metadata: { external_billing_id: 123, tags: ['a', 'b'] } });
    expect(p.properties).toEqual({ url: 'https://bbb-europe-1.example.com/bigbluebutton/' });
    expect(p.created_at).toBe(p.updated_at);
    const got = await sb.sw<One<ProviderWire>>('GET', `/service-providers/${p.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(p);
    expect(JSON.stringify(got.body)).not.toContain('secret-of-');
  });

  it('merges properties by key and replaces metadata whole on patch', async () => {
    const p = await create('Patchable', { metadata: { a: 1, b: 2 } });
    const res = await sb.sw<One<ProviderWire>>('PATCH', `/service-providers/${p.id}`, {
      provider_name: 'Renamed', properties: { secret: 'rotated-secret-1' }, metadata: { c: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: p.id, provider_name: 'Renamed', properties: { url: p.properties.url }, metadata: { c: 3 } });
    expect(res.body.data.metadata).not.toHaveProperty('a');
    expect(JSON.stringify(res.body)).not.toContain('rotated-secret-1');
  });

  it('refuses invalid fields with every problem in details.fields', async () => {
    const res = await sb.sw<SwError>('POST', '/service-providers', {
      provider_type: 'jitsi', service_type: 'webinar', settings: { x: 1 }, extra: true,
      properties: { url: 'ftp://x', other: 1 }, metadata: { deep: { deeper: { x: 1 } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.details.fields ?? {}).sort()).toEqual([
      'extra', 'metadata.deep', 'properties.other', 'properties.secret', 'properties.url', 'provider_name', 'provider_type', 'service_type', 'settings',
    ]);
  });

  it('keeps a __proto__ metadata key as data', async () => {
    const body = '{"provider_name":"Proto","provider_type":"scalelite","properties":{"url":"https://p.example.com/","secret":"s-proto"},"metadata":{"__proto__":{"polluted":true}}}';
    const res = await sb.sw<One<ProviderWire>>('POST', '/service-providers', body);
    expect(res.status).toBe(201);
    expect(Object.getOwnPropertyNames(res.body.data.metadata)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('refuses a change of provider_type on patch', async () => {
    const p = await create('Typed');
    const res = await sb.sw<SwError>('PATCH', `/service-providers/${p.id}`, { provider_type: 'scalelite' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields).toHaveProperty('provider_type');
  });

  it('answers 404 not_found for an unknown id and an unknown path', async () => {
    for (const [method, path] of [['GET', '/service-providers/nope'], ['PATCH', '/service-providers/nope'], ['DELETE', '/service-providers/nope'], ['GET', '/nothing-here']] as const) {
      const res = await sb.sw<SwError>(method, path, method === 'PATCH' ? { active: true } : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('answers 400 for malformed JSON and for a body that is not an object, echoing nothing of it', async () => {
    const bad = await sb.sw<SwError>('POST', '/service-providers', '{"provider_name": "leak-me-1",');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(bad.body)).not.toContain('leak-me-1');
    const arr = await sb.sw<SwError>('POST', '/service-providers', '["leak-me-2"]');
    expect(arr.status).toBe(400);
    expect(JSON.stringify(arr.body)).not.toContain('leak-me-2');
  });

  it('answers 401 unauthorized without a token or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: sb.token }]) {
      const res = await call<SwError>(`${sb.url}/service-providers`, { method: 'GET', headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('deletes an unattached provider with 204', async () => {
    const p = await create('Doomed');
    expect((await sb.sw('DELETE', `/service-providers/${p.id}`)).status).toBe(204);
    expect((await sb.sw('GET', `/service-providers/${p.id}`)).status).toBe(404);
  });

  it('lists providers in creation order with paging meta', async () => {
    const all = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=1000');
    const ulids = all.body.data.map((p) => p.ulid);
    expect(ulids).toEqual([...ulids].sort());
    const total = all.body.meta.total;
    const page2 = await sb.sw<Page<ProviderWire>>('GET', '/service-providers?page=2&per_page=2');
    expect(page2.body.meta).toEqual({ page: 2, per_page: 2, total, last_page: Math.ceil(total / 2) });
    expect(page2.body.data.map((p) => p.id)).toEqual(all.body.data.slice(2, 4).map((p) => p.id));
  });
});
