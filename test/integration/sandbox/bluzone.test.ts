import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestSandbox, type BzError, type TestSandbox } from '../../support/sandbox.js';

interface ProjectWire {
  readonly projectId: string; readonly projectName: string; readonly projectApiKey: string; readonly defaultOwnerEmail: string;
  readonly joinAccountsEnabled: boolean; readonly debugEnabled: boolean; readonly useDefaultRemoteStorage: boolean; readonly useDefaultRemoteConsumer: boolean;
  readonly remoteStorage: Readonly<Record<string, unknown>> | null; readonly remoteConsumer: Readonly<Record<string, unknown>> | null;
  readonly createdAt: number; readonly updatedAt: number;
}
interface ResellerWire {
  readonly serviceProviderId: string; readonly name: string; readonly contactEmail: string;
  readonly defaultRemoteStorage: Readonly<Record<string, unknown>> | null; readonly defaultRemoteConsumer: Readonly<Record<string, unknown>> | null;
  readonly createdAt: number; readonly updatedAt: number;
}

let sb: TestSandbox;
beforeAll(async () => { sb = await startTestSandbox(); });
afterAll(async () => { await sb.close(); });

const storage = (bucket: string) => ({
  storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: bucket, accessKey: 'AKIA-TEST', secretKey: `sk-${bucket}`,
  assumeRoleEnabled: false, assumeRoleName: null, storageTypes: ['recordings'],
});
const consumer = (stream: string) => ({
  awsAccessKey: 'AKIA-C', awsSecretKey: `ck-${stream}`, kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com', streamName: stream, streamType: 'PACKET_DATA', partitionKey: 'pk',
});
const projectBody = (name: string, extra: Record<string, unknown> = {}) => ({ projectName: name, defaultOwnerEmail: 'owner@example.com', defaultOwnerPassword: `pw-${name}`, ...extra });

describe('bluzone managed projects', () => {
  it('serves the seeded reseller record 1 with epoch-millisecond timestamps', async () => {
    const res = await sb.bz<ResellerWire>('GET', '');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serviceProviderId: '1', defaultRemoteStorage: null, defaultRemoteConsumer: null });
    expect(typeof res.body.createdAt).toBe('number');
    expect(res.body.createdAt).toBeGreaterThan(1_600_000_000_000);
  });

  it('answers 401 for a missing or wrong key and 403 for another reseller id', async () => {
    const url = (sp: string) => `${sb.url}/portal/service/${sp}/projects`;
    for (const headers of [{}, { bzspid: 'wrong-key' }]) {
      const res = await call<BzError>(url('1'), { method: 'GET', headers });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 401, error: 'unauthorized' });
    }
    for (const sp of ['2', '999']) {
      const res = await call<BzError>(url(sp), { method: 'GET', headers: { bzspid: sb.apiKey } });
      expect(res.status, sp).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
  });

  it('creates a project with a generated projectApiKey, never returning the owner password', async () => {
    const res = await sb.bz<ProjectWire>('POST', '/projects/_create', projectBody('alpha', { remoteStorage: storage('b1'), remoteConsumer: consumer('s1'), debugEnabled: true }));
    expect(res.status).toBe(201);
    const p = res.body;
    expect(p).toMatchObject({ projectName: 'alpha', defaultOwnerEmail: 'owner@example.com', debugEnabled: true, joinAccountsEnabled: false, useDefaultRemoteStorage: false, remoteStorage: storage('b1'), remoteConsumer: consumer('s1') });
    expect(p.projectApiKey.length).toBeGreaterThanOrEqual(24);
    expect(JSON.stringify(p)).not.toContain('pw-alpha');
    expect((await sb.bz<ProjectWire>('GET', `/projects/${p.projectId}`)).body).toEqual(p);
    const list = await sb.bz<ProjectWire[]>('GET', '/projects');
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.map((x) => x.projectId)).toContain(p.projectId);
  });

  it('refuses a duplicate projectName with 409 and invalid fields with 422', async () => {
    await sb.bz('POST', '/projects/_create', projectBody('dup'));
    const dup = await sb.bz<BzError>('POST', '/projects/_create', projectBody('dup'));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('conflict');
    const bad = await sb.bz<BzError>('POST', '/projects/_create', { projectName: '', defaultOwnerEmail: 'nope', remoteConsumer: { streamType: 'VIDEO' }, extra: 1 });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe('unprocessable');
    for (const field of ['projectName', 'defaultOwnerEmail', 'defaultOwnerPassword', 'remoteConsumer.streamType', 'extra']) expect(bad.body.message).toContain(field);
  });

  it('answers 400 for malformed JSON and a bad query flag, 404 for an unknown project', async () => {
    const bad = await sb.bz<BzError>('POST', '/projects/_create', '{"projectName": "leak-me-3"');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_request');
    expect(JSON.stringify(bad.body)).not.toContain('leak-me-3');
    expect((await sb.bz<BzError>('POST', '/projects/_create?useDefaultRemoteStorage=yes', projectBody('q'))).status).toBe(400);
    for (const method of ['GET', 'DELETE']) {
      const res = await sb.bz<BzError>(method, '/projects/unknown-project');
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
  });

  it('refuses useDefault flags while the reseller has no default with 422', async () => {
    const res = await sb.bz<BzError>('POST', '/projects/_create?useDefaultRemoteConsumer=true', projectBody('nodefault'));
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('remoteConsumer');
  });

  it('makes projects created with the default follow it only when updateProjects=true', async () => {
    expect((await sb.bz<ResellerWire>('PUT', '/_updateDefaultRemoteStorage', storage('default-1'))).body.defaultRemoteStorage).toEqual(storage('default-1'));
    const follower = (await sb.bz<ProjectWire>('POST', '/projects/_create?useDefaultRemoteStorage=true', projectBody('follower'))).body;
    const own = (await sb.bz<ProjectWire>('POST', '/projects/_create', projectBody('own', { remoteStorage: storage('own') }))).body;
    expect(follower).toMatchObject({ useDefaultRemoteStorage: true, remoteStorage: storage('default-1') });
    const both = await sb.bz<BzError>('POST', '/projects/_create?useDefaultRemoteStorage=true', projectBody('both', { remoteStorage: storage('x') }));
    expect(both.status).toBe(422);

    await sb.bz('PUT', '/_updateDefaultRemoteStorage', storage('default-2'));
    expect((await sb.bz<ProjectWire>('GET', `/projects/${follower.projectId}`)).body.remoteStorage).toEqual(storage('default-1'));
    const reseller = await sb.bz<ResellerWire>('PUT', '/_updateDefaultRemoteStorage?updateProjects=true', storage('default-3'));
    expect(reseller.status).toBe(200);
    expect((await sb.bz<ProjectWire>('GET', `/projects/${follower.projectId}`)).body.remoteStorage).toEqual(storage('default-3'));
    expect((await sb.bz<ProjectWire>('GET', `/projects/${own.projectId}`)).body.remoteStorage).toEqual(storage('own'));
  });

  it('updates the default remote consumer and its followers', async () => {
    await sb.bz('PUT', '/_updateDefaultRemoteConsumer', consumer('c-1'));
    const follower = (await sb.bz<ProjectWire>('POST', '/projects/_create?useDefaultRemoteConsumer=true', projectBody('cfollower'))).body;
    expect(follower.remoteConsumer).toEqual(consumer('c-1'));
    const invalid = await sb.bz<BzError>('PUT', '/_updateDefaultRemoteConsumer', { streamType: 'PACKET_DATA' });
    expect(invalid.status).toBe(422);
    await sb.bz('PUT', '/_updateDefaultRemoteConsumer?updateProjects=true', consumer('c-2'));
    expect((await sb.bz<ProjectWire>('GET', `/projects/${follower.projectId}`)).body.remoteConsumer).toEqual(consumer('c-2'));
  });

  it('deletes a project with 204; a new project of the same name gets a new id and key', async () => {
    const first = (await sb.bz<ProjectWire>('POST', '/projects/_create', projectBody('replaceable'))).body;
    expect((await sb.bz('DELETE', `/projects/${first.projectId}`)).status).toBe(204);
    const second = (await sb.bz<ProjectWire>('POST', '/projects/_create', projectBody('replaceable'))).body;
    expect(second.projectId).not.toBe(first.projectId);
    expect(second.projectApiKey).not.toBe(first.projectApiKey);
  });

  it('has no update endpoint for a project', async () => {
    const p = (await sb.bz<ProjectWire>('POST', '/projects/_create', projectBody('frozen'))).body;
    for (const method of ['PUT', 'PATCH']) expect((await sb.bz(method, `/projects/${p.projectId}`, { debugEnabled: true })).status).toBe(404);
  });
});
