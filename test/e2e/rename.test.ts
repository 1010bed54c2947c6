import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from '../support/cli.js';
import { targetsYaml } from '../support/targets.js';

const PROVIDER_SECRET = 'bbb-secret-rename-4d7e1a';
const OWNER_PASSWORD = 'owner-password-rename-9a2b';
const NEW_OWNER_PASSWORD = 'owner-password-rotated-5e6f';

/** Two targets with a project, a provider and a package referencing it, under the given `metadata.name`s. */
function config(sb: SandboxHandle, names: { project: string; provider: string }): string {
  return `${targetsYaml(sb)}
---
apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: ${names.provider} }
spec:
  providerName: BBB Europe
  providerType: bbb
  properties: { url: "https://bbb-eu.example.com/bigbluebutton/", secret: { valueFrom: { env: PROVIDER_SECRET } } }
  userMetadata: { tier: gold }
---
apiVersion: syncwise.io/v1alpha1
kind: ServicePackage
metadata: { name: gold }
spec:
  packageName: Gold
  providers:
    - { providerRef: ${names.provider}, default: true }
---
apiVersion: syncwise.io/v1alpha1
kind: Project
metadata: { name: ${names.project} }
spec:
  projectName: Demo
  defaultOwnerEmail: owner@example.com
  defaultOwnerPassword: { valueFrom: { env: OWNER_PASSWORD } }
  remoteStorage: { storageProvider: AWS, storageRegion: eu-west-1, storageResourceIdentifier: "arn:aws:s3:::demo", accessKey: AKIADEMO, secretKey: storage-secret-7c7c }
  remoteConsumer: { awsAccessKey: AKIACONS, awsSecretKey: consumer-secret-8d8d, kinesisEndpoint: "https://kinesis.example.com", streamName: demo, streamType: PACKET_DATA, partitionKey: pk }
`;
}

interface Ids {
  readonly providers: readonly { id: string; name: unknown }[];
  readonly packages: readonly string[];
  readonly projects: readonly string[];
}

describe('renaming declarations through the CLI', () => {
  let sb: SandboxHandle;
  let dir: string;
  let first: Ids;
  const outputs: CliResult[] = [];
  const cliWith = async (password: string, args: readonly string[]): Promise<CliResult> => {
    const r = await runCli([...args], { cwd: dir, env: { SW_TOKEN: sb.token, BZ_KEY: sb.apiKey, PROVIDER_SECRET, OWNER_PASSWORD: password } });
    outputs.push(r);
    return r;
  };
  const cli = (...args: string[]): Promise<CliResult> => cliWith(OWNER_PASSWORD, args);
  const write = (names: { project: string; provider: string }): void => writeFileSync(join(dir, 'platform.yaml'), config(sb, names));
  const sw = async (path: string): Promise<{ id: string; metadata: Record<string, unknown> }[]> => {
    const res = await fetch(`${sb.url}${path}`, { headers: { authorization: `Bearer ${sb.token}` } });
    return ((await res.json()) as { data: { id: string; metadata: Record<string, unknown> }[] }).data;
  };
  const live = async (): Promise<Ids> => {
    const res = await fetch(`${sb.url}/portal/service/${sb.serviceProviderId}/projects`, { headers: { bzspid: sb.apiKey } });
    return {
      providers: (await sw('/service-providers')).map((p) => ({ id: p.id, name: p.metadata['syncwise.io/name'] })),
      packages: (await sw('/service-packages')).map((p) => p.id),
      projects: ((await res.json()) as { projectId: string }[]).map((p) => p.projectId),
    };
  };
  const ledgerKeys = (): string[] => Object.keys((JSON.parse(readFileSync(join(dir, '.syncwise', 'ledger.json'), 'utf8')) as { entries: object }).entries).sort();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncwise-rename-'));
    sb = await startSandbox({ data: join(dir, 'platform.db') });
  });

  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a project and a provider', async () => {
    write({ project: 'demo', provider: 'bbb-eu' });
    expect((await cli('apply', '-f', 'platform.yaml', '--yes')).code).toBe(0);
    first = await live();
    expect(first.providers).toEqual([{ id: expect.any(String), name: 'bbb-eu' }]);
    expect(first.projects).toHaveLength(1);
  });

  it('plans a rename of both as updates that say where they came from, with nothing to delete', async () => {
    write({ project: 'demo-eu', provider: 'bbb-eu-1' });
    const plan = await cli('plan', '-f', 'platform.yaml', '--prune', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('renamed from Project/demo');
    expect(plan.stdout).toContain('renamed from ServiceProvider/bbb-eu');
    expect(plan.stdout).toContain('0 to create');
    expect(plan.stdout).toContain('0 to delete');
    expect(plan.stdout).not.toContain('properties.secret'); // the same secret under a new name is not sent again
  });

  it('applies the rename with --prune: no delete, the same external ids, the name marker rewritten', async () => {
    const apply = await cli('apply', '-f', 'platform.yaml', '--prune', '--yes');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).not.toMatch(/^\s*- delete /m);
    expect(apply.stdout).toContain('0 created, 3 updated, 0 replaced, 0 deleted');
    const after = await live();
    expect(after).toEqual({ ...first, providers: [{ id: first.providers[0]?.id, name: 'bbb-eu-1' }] });
    expect(ledgerKeys()).toEqual(['Project/demo-eu', 'ServicePackage/gold', 'ServiceProvider/bbb-eu-1']);
    expect((await cli('plan', '-f', 'platform.yaml', '--prune', '--detailed-exitcode')).code).toBe(0);
  });

  it('carries a rename without --prune too: no duplicate, nothing left pending', async () => {
    write({ project: 'demo-us', provider: 'bbb-eu-2' });
    expect((await cli('apply', '-f', 'platform.yaml', '--yes')).code).toBe(0);
    expect(await live()).toEqual({ ...first, providers: [{ id: first.providers[0]?.id, name: 'bbb-eu-2' }] });
    expect(ledgerKeys()).toEqual(['Project/demo-us', 'ServicePackage/gold', 'ServiceProvider/bbb-eu-2']);
    expect((await cli('plan', '-f', 'platform.yaml', '--prune', '--detailed-exitcode')).code).toBe(0);
  });

  it('sees a password changed in the same edit as a rename: the project needs a replace, it is not kept as it was', async () => {
    write({ project: 'demo-ap', provider: 'bbb-eu-2' });
    const plan = await cliWith(NEW_OWNER_PASSWORD, ['plan', '-f', 'platform.yaml', '--prune', '--detailed-exitcode']);
    expect(plan.code).toBe(1); // blocked
    expect(plan.stdout).toContain('blocked Project/demo-ap');
    expect(plan.stdout).toContain('defaultOwnerPassword: (sensitive)');
    expect(plan.stdout).toContain('changing defaultOwnerPassword needs project "Demo"');
    expect(plan.stdout).toContain('0 to delete'); // the old entry is neither pruned nor taken over while blocked
    const same = await cli('plan', '-f', 'platform.yaml', '--prune', '--detailed-exitcode');
    expect(same.stdout).toContain('renamed from Project/demo-us');
    expect(same.stdout).not.toContain('defaultOwnerPassword');
  });

  it('never printed a secret', () => {
    const all = outputs.map((o) => o.stdout + o.stderr).join('\n');
    for (const s of [PROVIDER_SECRET, OWNER_PASSWORD, NEW_OWNER_PASSWORD, sb.token, sb.apiKey, 'storage-secret-7c7c', 'consumer-secret-8d8d']) expect(all).not.toContain(s);
  });
});
