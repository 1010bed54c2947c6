/**
 * Safety rails: what was not observed is never created or deleted (failed, unauthorised or
 * partial lists), prune touches only what this configuration owns, an empty configuration or a
 * mass delete needs --force, and `deletionPolicy: Orphan` forgets instead of deleting.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from 'vitest';
import { fleetYaml, itWithWorld as it, platformView, providerDoc, targetsYaml, writeTotal, type World } from './world.js';

/** A proxy in front of the sandbox that answers every provider list page with its last object missing. */
async function startTruncatingProxy(upstream: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => ['authorization', 'bzspid', 'content-type', 'accept'].includes(k))) as Record<string, string>;
        const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
        let text = await answer.text();
        if (req.method === 'GET' && (req.url ?? '').startsWith('/service-providers?') && answer.ok) {
          const page = JSON.parse(text) as { data: unknown[] };
          page.data.pop();
          text = JSON.stringify(page);
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** Names of every object on the platform, sorted. */
async function names(w: World): Promise<string[]> {
  return [...(await platformView(w.sandbox)).byName.keys()].sort();
}

// Every test has a world of its own, so they run side by side.
describe.concurrent('safety rails', () => {
  it.beforeEach(async ({ w, expect }) => {
    await w.write('fleet.yaml', fleetYaml({ providers: 6 }));
    // the starting point goes through the engine in this process (no CLI start-up); the scenarios run the CLI
    const start = await w.apply();
    expect(start.kind === 'applied' && start.ok, JSON.stringify(start.kind === 'failed' ? start.error : start.kind)).toBe(true);
    // from here on the configuration wants 2 providers deleted and 2 created
    await w.write('fleet.yaml', fleetYaml({ providers: 4 }) + '---\n' + providerDoc('new-1', 'New 1') + '---\n' + providerDoc('new-2', 'New 2'));
    w.sandbox.resetCounts();
  });

  it('turns a list that keeps failing into an error, never into creates or deletes', async ({ w, expect }) => {
    const before = await names(w);
    w.sandbox.setFaults({ error: 1 });
    const r = await w.cli(['apply', '--yes', '--prune', '--force']);
    w.sandbox.setFaults({});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error UNAVAILABLE: .*(after 5 attempts)/);
    expect(writeTotal(w.sandbox)).toBe(0);
    expect(await names(w)).toEqual(before);
  });

  it('turns 401 (wrong token) and 403 (another reseller) into an error, never into creates or deletes', async ({ w, expect }) => {
    const wrongToken = await w.cli(['apply', '--yes', '--prune', '--force'], { env: { SW_TOKEN: 'not-the-token' } });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('error UNAUTHORIZED');
    await w.write('targets.yaml', targetsYaml(w.sandbox, { serviceProviderId: '2' }));
    const otherReseller = await w.cli(['apply', '--yes', '--prune', '--force']);
    expect(otherReseller.code).toBe(1);
    expect(otherReseller.stderr).toMatch(/error UNAUTHORIZED: .*403/);
    expect(writeTotal(w.sandbox)).toBe(0);
  });

  it('turns a partial list (fewer objects than meta.total) into an error, never into creates or deletes', async ({ w, expect }) => {
    const proxy = await startTruncatingProxy(w.sandbox.url);
    try {
      await w.write('targets.yaml', targetsYaml({ ...w.sandbox, url: proxy.url }));
      const r = await w.cli(['apply', '--yes', '--prune', '--force']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error PARTIAL_LIST');
      expect(writeTotal(w.sandbox)).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('never prunes objects it does not own: made by hand, or carrying another configuration\'s markers', async ({ w, expect }) => {
    await w.sandbox.sw('POST', '/service-providers', { provider_name: 'By hand', provider_type: 'bbb', properties: { url: 'https://hand.example.com/b/', secret: 'hand-secret' } });
    await w.sandbox.sw('POST', '/service-providers', {
      provider_name: 'Theirs', provider_type: 'bbb', properties: { url: 'https://theirs.example.com/b/', secret: 'their-secret' },
      metadata: { 'syncwise.io/name': 'p-005', 'syncwise.io/owner': 'another-configuration' },
    });
    await w.write('fleet.yaml', fleetYaml({ providers: 1 }));
    const r = await w.cli(['apply', '--yes', '--prune', '--force']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('5 deleted');
    const providers = (await w.sandbox.sw<{ data: { provider_name: string }[] }>('GET', '/service-providers')).body.data.map((p) => p.provider_name).sort();
    expect(providers).toEqual(['By hand', 'Provider 000', 'Theirs']);
  });

  it('refuses to prune everything for an empty configuration without --force', async ({ w, expect }) => {
    await rm(join(w.config, 'fleet.yaml'));
    const refused = await w.cli(['apply', '--yes', '--prune']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/blocked ServiceProvider\/p-000[\s\S]*--force/);
    expect(writeTotal(w.sandbox)).toBe(0);
    expect((await platformView(w.sandbox)).total).toBe(6);
    const forced = await w.cli(['apply', '--yes', '--prune', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((await platformView(w.sandbox)).total).toBe(0);
  });

  it('refuses more deletes than --max-delete without --force', async ({ w, expect }) => {
    await w.write('fleet.yaml', fleetYaml({ providers: 2 }));
    const refused = await w.cli(['apply', '--yes', '--prune', '--max-delete', '2']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/blocked ServiceProvider\/p-00[2-5][\s\S]*max-delete/);
    expect(writeTotal(w.sandbox)).toBe(0);
    const forced = await w.cli(['apply', '--yes', '--prune', '--max-delete', '2', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('4 deleted');
  });

  it('forgets instead of deleting an object declared with deletionPolicy: Orphan', async ({ w, expect }) => {
    await w.write('fleet.yaml', fleetYaml({ providers: 6 }) + '---\n' + providerDoc('kept', 'Kept', '  deletionPolicy: Orphan\n'));
    expect((await w.cli(['apply', '--yes'])).code).toBe(0);
    await w.write('fleet.yaml', fleetYaml({ providers: 6 }));
    const r = await w.cli(['apply', '--yes', '--prune']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 forgotten');
    expect((await platformView(w.sandbox)).byName.has('/service-providers/kept')).toBe(true);
    const ledger = JSON.parse(await readFile(join(w.stateDir, 'ledger.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(ledger.entries)).not.toContain('ServiceProvider/kept');
    expect(writeTotal(w.sandbox)).toBe(1); // the create only
  });
});
