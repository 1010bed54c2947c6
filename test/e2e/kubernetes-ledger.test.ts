import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from '../support/cli.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-api-server.js';

const P1_SECRET = 'bbb-secret-kube-ledger-6d21';
const LEDGER = 'kubernetes:ci/syncwise-ledger';

function config(sb: SandboxHandle): string {
  return `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: sw }
spec: { api: streamwise, url: "${sb.url}", token: { valueFrom: { env: SW_TOKEN } } }
---
apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: p1 }
spec:
  providerName: Provider One
  providerType: bbb
  properties: { url: "https://bbb-1.example.com/bigbluebutton/", secret: { valueFrom: { env: P1_SECRET } } }
---
apiVersion: syncwise.io/v1alpha1
kind: ServicePackage
metadata: { name: gold }
spec:
  packageName: Gold
  providers: [{ providerRef: p1, default: true }]
`;
}

describe('apply with the ledger in a Kubernetes Secret', () => {
  let sandbox: SandboxHandle;
  let kube: KubeApiServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ data: ':memory:' });
    kube = await startKubeApiServer({ crds: 'none' });
    dir = mkdtempSync(join(tmpdir(), 'syncwise-kube-ledger-'));
    writeFileSync(join(dir, 'syncwise.yaml'), config(sandbox));
    writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml('ci'));
    env = { SW_TOKEN: sandbox.token, P1_SECRET, KUBECONFIG: join(dir, 'kubeconfig') };
  });
  afterAll(async () => {
    await kube.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI in a fresh working directory, as a CI job does in a new checkout. */
  async function inFreshCheckout(args: readonly string[]): Promise<CliResult & { cwd: string }> {
    const cwd = mkdtempSync(join(dir, 'checkout-'));
    return { ...(await runCli([...args, '-f', join(dir, 'syncwise.yaml'), '--ledger', LEDGER], { cwd, env })), cwd };
  }

  function expectNoSecrets(r: CliResult): void {
    for (const secret of [P1_SECRET, sandbox.token]) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
  }

  it('keeps the ledger across runs in fresh checkouts: the second apply changes nothing', async () => {
    const first = await inFreshCheckout(['apply', '--yes']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Apply complete: 2 created');
    expect(first.code).toBe(0);

    const second = await inFreshCheckout(['apply', '--yes']);
    expect(second.stderr).toBe('');
    expect(second.stdout).toContain('No changes');
    expect(second.stdout).toContain('Apply complete: 0 created, 0 updated');
    expect(second.code).toBe(0);

    const plan = await inFreshCheckout(['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
    for (const r of [first, second, plan]) {
      expectNoSecrets(r);
      expect(existsSync(join(r.cwd, '.syncwise', 'ledger.json'))).toBe(false);
    }

    const [secret] = kube.objects('secrets', 'ci');
    expect(secret).toMatchObject({ metadata: { name: 'syncwise-ledger' }, type: 'syncwise.io/ledger' });
    const data = (secret?.['data'] ?? {}) as Record<string, string>;
    const ledger = JSON.parse(gunzipSync(Buffer.from(data['ledger.json.gz'] ?? '', 'base64')).toString('utf8')) as { entries: Record<string, { externalId: string }> };
    expect(Object.keys(ledger.entries).sort()).toEqual(['ServicePackage/gold', 'ServiceProvider/p1']);
    const [lock] = kube.objects('leases', 'ci');
    expect(lock).toMatchObject({ metadata: { name: 'syncwise-ledger-lock' }, spec: { leaseDurationSeconds: 1 } });
    expect((lock?.['spec'] as { holderIdentity?: string }).holderIdentity).toBeUndefined();
  });

  it('rejects a malformed --ledger with a clear message', async () => {
    const r = await runCli(['plan', '-f', join(dir, 'syncwise.yaml'), '--ledger', 'kubernetes:Bad_NS/x'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('namespace "Bad_NS" is not a valid Kubernetes namespace');
  });
});
