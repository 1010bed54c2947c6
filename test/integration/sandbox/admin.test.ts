import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, providerBody, startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

describe('sandbox request counts over HTTP', () => {
  it('answers the counts by route template, resets them, and does not count itself', async () => {
    await sb.sw('POST', '/service-providers', providerBody('Counted'));
    await sb.sw('GET', '/service-providers?per_page=1000');
    await sb.bz('GET', '/projects');
    const auth = { authorization: `Bearer ${sb.token}` };
    const got = await call<{ data: Record<string, number> }>(`${sb.url}/_sandbox/requests`, { method: 'GET', headers: auth });
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual({
      'POST /service-providers': 1, 'GET /service-providers': 1, 'GET /portal/service/{spId}/projects': 1, 'status:200': 2, 'status:201': 1,
    });
    expect((await call(`${sb.url}/_sandbox/requests`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(sb.requestCounts()).toEqual({});
  });

  it('refuses a request without the bearer token', async () => {
    const refused = await call<{ error: { code: string } }>(`${sb.url}/_sandbox/requests`, { method: 'GET', headers: { authorization: 'Bearer wrong' } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });
});
