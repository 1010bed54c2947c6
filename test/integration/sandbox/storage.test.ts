import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../src/sandbox/server.js';
import { call, providerBody, startTestSandbox, type One, type ProviderWire } from '../../support/sandbox.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'syncwise-sandbox-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

/** Every byte the database wrote: the main file, its WAL and its shared-memory index. */
function rawBytes(): Buffer {
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('sandbox.db')).map((f) => readFileSync(join(dir, f))));
}

describe('sandbox storage', () => {
  it('keeps objects and credentials across a restart on the same file', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startTestSandbox({ data });
    const created = (await first.sw<One<ProviderWire>>('POST', '/service-providers', providerBody('Persistent'))).body.data;
    const project = await first.bz<{ projectId: string }>('POST', '/projects/_create', { projectName: 'kept', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: 'pw-kept' });
    const { token, apiKey } = first;
    await first.close();

    const second = await startTestSandbox({ data });
    expect(second.token).toBe(token);
    expect(second.apiKey).toBe(apiKey);
    expect((await second.sw<One<ProviderWire>>('GET', `/service-providers/${created.id}`)).body.data).toEqual(created);
    expect((await second.bz('GET', `/projects/${project.body.projectId}`)).status).toBe(200);
    const next = (await second.sw<One<ProviderWire>>('POST', '/service-providers', providerBody('After restart'))).body.data;
    expect(next.ulid > created.ulid).toBe(true);
    await second.close();
  });

  it('uses given credentials and keeps them for the next start', async () => {
    const data = join(dir, 'sandbox.db');
    const first = await startSandbox({ data, token: 'given-token-123', apiKey: 'given-key-456' });
    await first.close();
    const second = await startSandbox({ data });
    expect([second.token, second.apiKey]).toEqual(['given-token-123', 'given-key-456']);
    const res = await call(`${second.url}/portal/service/1`, { method: 'GET', headers: { bzspid: 'given-key-456' } });
    expect(res.status).toBe(200);
    await second.close();
  });

  it('never writes a secret in plaintext to the database files', async () => {
    const data = join(dir, 'sandbox.db');
    const sb = await startTestSandbox({ data });
    const secrets = ['provider-secret-7f3a9c', 'rotated-secret-1b2c3d', 'owner-password-9e8d7c', 'storage-secret-5a6b7c', 'consumer-secret-4d5e6f'];
    const p = (await sb.sw<One<ProviderWire>>('POST', '/service-providers', providerBody('Sealed', { properties: { url: 'https://x.example.com/', secret: secrets[0] } }))).body.data;
    await sb.sw('PATCH', `/service-providers/${p.id}`, { properties: { secret: secrets[1] } });
    await sb.bz('PUT', '/_updateDefaultRemoteStorage', {
      storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: 'bucket', accessKey: 'AK', secretKey: secrets[3],
    });
    await sb.bz('PUT', '/_updateDefaultRemoteConsumer', {
      awsAccessKey: 'AK', awsSecretKey: secrets[4], kinesisEndpoint: 'https://k.example.com', streamName: 's', streamType: 'LOCATION_DATA',
    });
    const project = await sb.bz<{ projectApiKey: string }>('POST', '/projects/_create?useDefaultRemoteStorage=true&useDefaultRemoteConsumer=true', {
      projectName: 'sealed', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: secrets[2],
    });
    const bytes = rawBytes();
    expect(bytes.length).toBeGreaterThan(4096);
    expect(bytes.includes('Sealed')).toBe(true); // the scan does see plaintext fields
    for (const s of [...secrets, project.body.projectApiKey, sb.token, sb.apiKey]) expect(bytes.includes(s), 'a secret is stored in plaintext').toBe(false);
    await sb.close();
  });

  it('creates the key file beside the database with mode 0600 and refuses a database under another key', async () => {
    const data = join(dir, 'sandbox.db');
    const sb = await startSandbox({ data });
    await sb.close();
    expect(statSync(`${data}.key`).mode & 0o777).toBe(0o600);
    await expect(startSandbox({ data, key: 'a-different-passphrase' })).rejects.toThrow(/key does not open this database/);
    writeFileSync(`${data}.key`, `${'ab'.repeat(32)}\n`);
    await expect(startSandbox({ data })).rejects.toThrow(/key does not open this database/);
  });

  it('opens a database sealed with SYNCWISE_SANDBOX_KEY only with that key', async () => {
    const data = join(dir, 'keyed.db');
    const key = 'cd'.repeat(32);
    const sb = await startSandbox({ data, key });
    const token = sb.token;
    await sb.close();
    expect(readdirSync(dir)).not.toContain('keyed.db.key');
    const again = await startSandbox({ data, key });
    expect(again.token).toBe(token);
    await again.close();
  });
});
