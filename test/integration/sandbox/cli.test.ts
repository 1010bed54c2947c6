import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli, type CliProcess, type LogLine } from '../../support/cli-process.js';
import { call } from '../../support/sandbox.js';

let dir: string;
let running: CliProcess | undefined;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'syncwise-sandbox-cli-')); });
afterEach(() => {
  running?.kill();
  running = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const text = (l: LogLine): string => (typeof l.text === 'string' ? l.text : '');

/** Starts `syncwise sandbox` and resolves with its URL and the banner once it listens. */
async function startSandboxCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ url: string; out: string; ms: number }> {
  const started = Date.now();
  running = startCli(['sandbox', '--port', '0', '--data', join(dir, 'sandbox.db'), ...args], { cwd: dir, env });
  const first = await running.waitFor((l) => text(l).startsWith('syncwise sandbox listening on '), { timeoutMs: 5000 });
  await running.waitFor((l) => text(l).startsWith('  data '), { timeoutMs: 2000 });
  const url = text(first).replace('syncwise sandbox listening on ', '');
  return { url, out: running.lines.map(text).join('\n'), ms: first.at - started };
}

async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null }> {
  running?.child.kill(signal);
  const exit = await running?.exited;
  return { code: exit?.code ?? null };
}

describe('syncwise sandbox', () => {
  it('starts in under 2 seconds, prints its URL and credentials, and keeps them across a restart', async () => {
    const { url, out, ms } = await startSandboxCli([]);
    expect(ms).toBeLessThan(2000);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = /Authorization: Bearer (\S+)/.exec(out)?.[1] ?? '';
    const apiKey = /bzspid: (\S+)/.exec(out)?.[1] ?? '';
    expect((await call(`${url}/service-providers`, { method: 'GET', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await call(`${url}/portal/service/1`, { method: 'GET', headers: { bzspid: apiKey } })).status).toBe(200);
    expect((await stop()).code).toBe(0);
    expect(running?.stderr()).toContain('"msg":"stopped"');

    const again = await startSandboxCli([]);
    expect(again.out).toContain(`Bearer ${token}`);
    expect(again.out).toContain(`bzspid: ${apiKey}`);
    expect((await stop()).code).toBe(0);
  });

  it('takes credentials and the key from the environment and never prints or logs them', async () => {
    const env = { SYNCWISE_SANDBOX_TOKEN: 'env-token-5c1d9e', SYNCWISE_SANDBOX_API_KEY: 'env-api-key-7b2f4a', SYNCWISE_SANDBOX_KEY: 'env-passphrase-3e8a1c' };
    const { url, out } = await startSandboxCli(['--log-level', 'debug'], env);
    expect(out).toContain('(from SYNCWISE_SANDBOX_TOKEN)');
    expect(out).toContain('(from SYNCWISE_SANDBOX_API_KEY)');
    const sw = await call(`${url}/service-providers`, { method: 'POST', headers: { authorization: `Bearer ${env.SYNCWISE_SANDBOX_TOKEN}` }, body: {
      provider_name: 'Env', provider_type: 'bbb', properties: { url: 'https://env.example.com/', secret: 'provider-secret-2d7e' },
    } });
    expect(sw.status).toBe(201);
    expect((await call(`${url}/portal/service/2/projects`, { method: 'GET', headers: { bzspid: env.SYNCWISE_SANDBOX_API_KEY } })).status).toBe(403);
    expect((await stop()).code).toBe(0);
    const logs = running?.stderr() ?? '';
    expect(logs).toContain('"method":"POST","path":"/service-providers","status":201');
    const everything = `${out}\n${logs}`;
    for (const secret of [...Object.values(env), 'provider-secret-2d7e']) expect(everything.includes(secret), 'a secret reached the output').toBe(false);
    expect(readdirSync(dir)).not.toContain('sandbox.db.key');
    expect(readFileSync(join(dir, 'sandbox.db')).includes('env-token-5c1d9e')).toBe(false);
  });

  it('starts with injected faults, stops cleanly on SIGINT, and exits 1 on an invalid fault spec', async () => {
    const { url } = await startSandboxCli(['--faults', 'error=1,seed=3']);
    const res = await call(`${url}/service-providers`, { method: 'GET' });
    expect([500, 502, 503]).toContain(res.status);
    expect((await stop('SIGINT')).code).toBe(0);
    expect(running?.stderr()).toContain('"signal":"SIGINT"');
    running = startCli(['sandbox', '--port', '0', '--data', join(dir, 'x.db'), '--faults', 'boom=1'], { cwd: dir });
    expect((await running.exited).code).toBe(1);
    expect(running.stderr()).toContain('unknown fault "boom"');
  });
});
