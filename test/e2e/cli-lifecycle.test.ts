import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from '../support/cli.js';

const SECRET_1 = 'bbb-secret-one-7f3a9c';
const SECRET_2 = 'bbb-secret-two-91be2d';
const ROTATED = 'bbb-secret-rotated-55e1';
const OWNER_PASSWORD = 'owner-password-c0ffee';

interface Shape {
  p1Name?: string;
  p1Active?: boolean;
  defaultProvider?: 'p1' | 'p2';
  withSubscription?: boolean;
  projectDebug?: boolean;
  replacePolicy?: 'Never' | 'Allow';
}

function config(sb: SandboxHandle, s: Shape = {}): string {
  const docs = [
    `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: sw }
spec: { api: streamwise, url: "${sb.url}", token: { valueFrom: { env: SW_TOKEN } } }`,
    `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: bz }
spec: { api: bluzone, url: "${sb.url}", serviceProviderId: "${sb.serviceProviderId}", apiKey: { valueFrom: { env: BZ_KEY } } }`,
    `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: p1 }
spec:
  providerName: ${s.p1Name ?? 'Provider One'}
  active: ${s.p1Active ?? true}
  providerType: bbb
  properties: { url: "https://bbb-1.example.com/bigbluebutton/", secret: { valueFrom: { env: P1_SECRET } } }
  userMetadata: { tier: gold }`,
    `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: p2 }
spec:
  providerName: Provider Two
  providerType: scalelite
  properties: { url: "https://sl-2.example.com/", secret: "${SECRET_2}" }`,
    `apiVersion: syncwise.io/v1alpha1
kind: ServicePackage
metadata: { name: gold }
spec:
  packageName: Gold
  providers:
    - { providerRef: p1, default: ${(s.defaultProvider ?? 'p1') === 'p1'} }
    - { providerRef: p2, default: ${s.defaultProvider === 'p2'} }`,
    `apiVersion: syncwise.io/v1alpha1
kind: Project
metadata: { name: demo }
spec:
  projectName: Demo
  defaultOwnerEmail: owner@example.com
  defaultOwnerPassword: "${OWNER_PASSWORD}"
  debugEnabled: ${s.projectDebug ?? false}
  replacePolicy: ${s.replacePolicy ?? 'Never'}
  remoteStorage:
    storageProvider: AWS
    storageRegion: eu-west-1
    storageResourceIdentifier: arn:aws:s3:::demo
    accessKey: AKIADEMO
    secretKey: storage-secret-0a0b0c
    assumeRoleEnabled: false
    storageTypes: [RECORDINGS]
  remoteConsumer:
    awsAccessKey: AKIACONSUMER
    awsSecretKey: consumer-secret-1d2e3f
    kinesisEndpoint: https://kinesis.eu-west-1.amazonaws.com
    streamName: demo-stream
    streamType: PACKET_DATA
    partitionKey: projectId`,
  ];
  if (s.withSubscription ?? true) {
    docs.push(`apiVersion: syncwise.io/v1alpha1
kind: Subscription
metadata: { name: acme }
spec:
  subscriptionName: Acme
  packageRef: gold
  providers:
    - { providerRef: p1, default: ${(s.defaultProvider ?? 'p1') === 'p1'} }
    - { providerRef: p2, default: ${s.defaultProvider === 'p2'} }`);
  }
  return `${docs.join('\n---\n')}\n`;
}

const ALL_SECRETS = [SECRET_1, SECRET_2, ROTATED, OWNER_PASSWORD, 'storage-secret-0a0b0c', 'consumer-secret-1d2e3f'];

describe('syncwise plan/apply against a sandbox over HTTP', () => {
  let sb: SandboxHandle;
  let dir: string;
  let env: Record<string, string>;
  const outputs: CliResult[] = [];

  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { cwd: dir, env });
    outputs.push(r);
    return r;
  };
  const write = (s: Shape): void => writeFileSync(join(dir, 'platform.yaml'), config(sb, s));
  const api = async (path: string): Promise<{ data: Record<string, unknown>[] }> => {
    const res = await fetch(`${sb.url}${path}`, { headers: { authorization: `Bearer ${sb.token}` } });
    return (await res.json()) as { data: Record<string, unknown>[] };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncwise-e2e-'));
    sb = await startSandbox({ data: join(dir, 'platform.db') });
    env = { SW_TOKEN: sb.token, BZ_KEY: sb.apiKey, P1_SECRET: SECRET_1 };
  });

  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates everything, then plans no changes', async () => {
    write({});
    const apply = await cli('apply', '-f', '.', '--yes');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('ServiceProvider/p1');
    expect((await api('/service-providers')).data).toHaveLength(2);
    expect((await api('/subscriptions')).data).toHaveLength(1);
    const plan = await cli('plan', '-f', '.', '--detailed-exitcode');
    expect(plan.code).toBe(0);
  });

  it('updates a changed field and shows it in the plan', async () => {
    write({ p1Name: 'Provider One Renamed' });
    const plan = await cli('plan', '-f', '.', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Provider One Renamed');
    expect((await cli('apply', '-f', '.', '--yes')).code).toBe(0);
    const names = (await api('/service-providers')).data.map((p) => p.provider_name);
    expect(names).toContain('Provider One Renamed');
    expect((await cli('plan', '-f', '.', '--detailed-exitcode')).code).toBe(0);
  });

  it('detects a rotated secret without printing it', async () => {
    env = { ...env, P1_SECRET: ROTATED };
    const plan = await cli('plan', '-f', '.', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('(sensitive)');
    expect((await cli('apply', '-f', '.', '--yes')).code).toBe(0);
    expect((await cli('plan', '-f', '.', '--detailed-exitcode')).code).toBe(0);
  });

  it('moves the default away before disabling the provider', async () => {
    write({ p1Name: 'Provider One Renamed', defaultProvider: 'p2', p1Active: false });
    const apply = await cli('apply', '-f', '.', '--yes');
    expect(apply.code).toBe(0);
    const p1 = (await api('/service-providers')).data.find((p) => p.provider_name === 'Provider One Renamed');
    expect(p1?.active).toBe(false);
    expect((await cli('plan', '-f', '.', '--detailed-exitcode')).code).toBe(0);
  });

  it('deletes an undeclared object only with --prune', async () => {
    write({ p1Name: 'Provider One Renamed', defaultProvider: 'p2', p1Active: false, withSubscription: false });
    const plain = await cli('apply', '-f', '.', '--yes');
    expect(plain.code).toBe(0);
    expect((await api('/subscriptions')).data).toHaveLength(1);
    const pruned = await cli('apply', '-f', '.', '--yes', '--prune');
    expect(pruned.code).toBe(0);
    expect((await api('/subscriptions')).data).toHaveLength(0);
    expect((await cli('plan', '-f', '.', '--prune', '--detailed-exitcode')).code).toBe(0);
  });

  it('blocks a project replacement unless replacePolicy allows it', async () => {
    const base = { p1Name: 'Provider One Renamed', defaultProvider: 'p2' as const, p1Active: false, withSubscription: false };
    write({ ...base, projectDebug: true });
    const blocked = await cli('plan', '-f', '.', '--detailed-exitcode');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('replacePolicy');
    write({ ...base, projectDebug: true, replacePolicy: 'Allow' });
    expect((await cli('apply', '-f', '.', '--yes')).code).toBe(0);
    expect((await cli('plan', '-f', '.', '--detailed-exitcode')).code).toBe(0);
  });

  it('never printed a secret value', () => {
    const all = outputs.map((o) => o.stdout + o.stderr).join('\n');
    for (const s of ALL_SECRETS) expect(all).not.toContain(s);
    expect(all).not.toContain(sb.token);
    expect(all).not.toContain(sb.apiKey);
  });
});
