import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-api-server.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

const LEDGER = 'kubernetes:ci/adopted-ledger';
const SECRET = 'console-secret-kube-7a';

describe('syncwise export --adopt into a ledger kept in a Kubernetes Secret', () => {
  let sb: TestSandbox;
  let kube: KubeApiServer;
  let dir: string;
  let env: Record<string, string>;
  const outputs: CliResult[] = [];
  /** Runs the CLI in a fresh working directory, as a CI job does in a new checkout. */
  const fresh = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { cwd: mkdtempSync(join(dir, 'checkout-')), env });
    outputs.push(r);
    return r;
  };

  beforeAll(async () => {
    sb = await startTestSandbox();
    kube = await startKubeApiServer({ crds: 'none' });
    dir = mkdtempSync(join(tmpdir(), 'syncwise-adopt-kube-'));
    const provider = (await sb.sw<{ data: { id: string } }>('POST', '/service-providers', {
      provider_name: 'Console Provider', provider_type: 'scalelite', properties: { url: 'https://console.example.com/', secret: SECRET },
    })).body.data.id;
    await sb.sw('POST', '/service-packages', { package_name: 'Silver', providers: [{ provider_id: provider, default: true }] });
    writeFileSync(join(dir, 'targets.yaml'), `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: sw }
spec: { api: streamwise, url: "${sb.url}", token: { valueFrom: { env: SW_TOKEN } } }
`);
    writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml('ci'));
    env = { SW_TOKEN: sb.token, CONSOLE_PROVIDER_SECRET: SECRET, KUBECONFIG: join(dir, 'kubeconfig') };
  });
  afterAll(async () => {
    await kube.close();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a later run in a fresh checkout manage the objects instead of creating copies', async () => {
    const out = join(dir, 'platform');
    const exported = await fresh('export', '-f', join(dir, 'targets.yaml'), '--adopt', '--ledger', LEDGER, '--owner', 'team-ci', '--output-dir', out);
    expect(exported.stderr).toContain('Adopted 2 object(s) into Secret ci/adopted-ledger as configuration "team-ci"');
    expect(exported.code).toBe(0);

    const args = ['-f', join(dir, 'targets.yaml'), '-f', out, '--ledger', LEDGER];
    const plan = await fresh('plan', ...args, '-o', 'json');
    const actions = (JSON.parse(plan.stdout) as { actions: { action: string; kind: string }[] }).actions;
    expect(actions.map((a) => `${a.action} ${a.kind}`)).toEqual(['update ServicePackage', 'update ServiceProvider']);
    expect((await fresh('apply', ...args, '--yes')).code).toBe(0);
    expect((await fresh('plan', ...args, '--detailed-exitcode')).code).toBe(0);
    const providers = await sb.sw<{ data: unknown[] }>('GET', '/service-providers');
    expect(providers.body.data).toHaveLength(1);
    for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(SECRET);
  });
});
