/**
 * Sandbox auth and hostile requests: wrong or missing credentials, another reseller's id, and
 * oversized or malformed bodies are refused with the API's error shape, change nothing, and leak
 * neither stored data nor the secrets sent with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, providerBody, startTestSandbox, type Answer, type TestSandbox } from '../support/sandbox.js';

const SENT_SECRET = 'sent-secret-Gh73pA-unique';
/** Strings that only stored data contains: none may appear in a refusal. */
const STORED = ['Stored Provider', 'stored-provider-secret', 'Stored Project', 'owner-stored@example.com', 'Other Reseller', 'other@sandbox.example', 'Sandbox Reseller'];

describe('the sandbox refuses without leaking', () => {
  let sb: TestSandbox;
  let projectId = '';
  beforeAll(async () => {
    sb = await startTestSandbox();
    await sb.sw('POST', '/service-providers', providerBody('Stored Provider', { properties: { url: 'https://stored.example.com/b/', secret: 'stored-provider-secret' } }));
    const created = await sb.bz<{ projectId: string }>('POST', '/projects/_create', {
      projectName: 'Stored Project', defaultOwnerEmail: 'owner-stored@example.com', defaultOwnerPassword: 'stored-owner-password',
      remoteStorage: { storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: 'arn:aws:s3:::stored', accessKey: 'AKIASTORED', secretKey: 'stored-secret-key', assumeRoleEnabled: false, storageTypes: ['RECORDINGS'] },
      remoteConsumer: { awsAccessKey: 'AKIASTORED2', awsSecretKey: 'stored-consumer-key', kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com', streamName: 's', streamType: 'PACKET_DATA', partitionKey: 'id' },
    });
    expect(created.status).toBe(201);
    projectId = created.body.projectId;
  });
  afterAll(async () => { await sb.close(); });

  const refusal = (a: Answer, status: number): void => {
    expect(a.status).toBe(status);
    const text = JSON.stringify(a.body);
    for (const s of [...STORED, SENT_SECRET, sb.token, sb.apiKey, 'stored-owner-password', 'stored-secret-key', 'stored-consumer-key']) expect(text).not.toContain(s);
  };
  const sw = (path: string, headers: Record<string, string>, init: { method?: string; body?: unknown } = {}): Promise<Answer> =>
    call(`${sb.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body });

  it('refuses streamwise requests without the exact bearer token', async () => {
    const variants: Record<string, string>[] = [
      {}, { authorization: '' }, { authorization: 'Bearer' }, { authorization: `Bearer ${sb.token}x` }, { authorization: `Bearer ${sb.token.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`user:${sb.token}`).toString('base64')}` }, { authorization: sb.token }, { authorization: `Bearer ${sb.apiKey}` }, { bzspid: sb.apiKey },
    ];
    for (const headers of variants) {
      for (const path of ['/service-providers', '/service-packages', '/subscriptions']) refusal(await sw(path, headers), 401);
      refusal(await sw('/service-providers', headers, { method: 'POST', body: providerBody('Sneaky', { properties: { url: 'https://s.example.com/b/', secret: SENT_SECRET } }) }), 401);
    }
    const names = (await sb.sw<{ data: { provider_name: string }[] }>('GET', '/service-providers')).body.data.map((p) => p.provider_name);
    expect(names).toEqual(['Stored Provider']);
  });

  it('refuses bluzone requests with a missing or wrong key (401) or another reseller\'s id (403)', async () => {
    const base = `/portal/service`;
    for (const headers of [{}, { bzspid: '' }, { bzspid: `${sb.apiKey}x` }, { bzspid: sb.token }, { authorization: `Bearer ${sb.apiKey}` }]) {
      refusal(await sw(`${base}/1`, headers), 401);
      refusal(await sw(`${base}/1/projects`, headers), 401);
      refusal(await sw(`${base}/1/projects/${projectId}`, headers), 401);
    }
    const key = { bzspid: sb.apiKey };
    refusal(await sw(`${base}/2`, key), 403);
    refusal(await sw(`${base}/2/projects`, key), 403);
    refusal(await sw(`${base}/2/projects/${projectId}`, key), 403);
    refusal(await sw(`${base}/2/projects/_create`, key, { method: 'POST', body: { projectName: 'Sneaky', defaultOwnerEmail: 'a@b.c', defaultOwnerPassword: SENT_SECRET } }), 403);
    refusal(await sw(`${base}/2/projects/${projectId}`, key, { method: 'DELETE' }), 403);
    refusal(await sw(`${base}/2/_updateDefaultRemoteStorage?updateProjects=true`, key, { method: 'PUT', body: { storageProvider: 'AWS' } }), 403);
    expect((await sb.bz<unknown[]>('GET', '/projects')).body).toHaveLength(1);
  });

  it('refuses oversized and malformed bodies before they reach the store', async () => {
    const auth = { authorization: `Bearer ${sb.token}` };
    const huge = JSON.stringify(providerBody('Huge', { properties: { url: 'https://h.example.com/b/', secret: SENT_SECRET }, metadata: { pad: 'p'.repeat(2 * 1024 * 1024) } }));
    refusal(await sw('/service-providers', auth, { method: 'POST', body: huge }), 413);
    refusal(await sw(`/portal/service/1/projects/_create`, { bzspid: sb.apiKey }, { method: 'POST', body: `{"projectName":"x","pad":"${'p'.repeat(2 * 1024 * 1024)}"}` }), 413);
    for (const body of [`{"provider_name": "Broken", "properties": {"secret": "${SENT_SECRET}"`, 'not json at all', '\u0000\u0001binary', '[1,2,3]', '"a string"', 'null', '{"__proto__": {"polluted": true}, "provider_name": "Proto"}']) {
      const a = await sw('/service-providers', auth, { method: 'POST', body });
      expect([400, 422]).toContain(a.status);
      refusal(a, a.status);
    }
    const rejected = await sw('/service-providers', auth, { method: 'POST', body: providerBody('Bad Type', { provider_type: 'nope', properties: { url: 'https://x.example.com/b/', secret: SENT_SECRET } }) });
    refusal(rejected, 422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const names = (await sb.sw<{ data: { provider_name: string }[] }>('GET', '/service-providers')).body.data.map((p) => p.provider_name);
    expect(names).toEqual(['Stored Provider']);
    // what is stored is never answered in plaintext: the secret property is write-only
    expect(JSON.stringify((await sb.sw('GET', '/service-providers')).body)).not.toContain('stored-provider-secret');
  });
});
