import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from '../support/cli.js';

const PASSWORD_1 = 'owner-password-first-3c9d';
const PASSWORD_2 = 'owner-password-rotated-8e1f';

function config(sb: SandboxHandle, replacePolicy: 'Never' | 'Allow'): string {
  return `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: bz }
spec: { api: bluzone, url: "${sb.url}", serviceProviderId: "${sb.serviceProviderId}", apiKey: { valueFrom: { env: BZ_KEY } } }
---
apiVersion: syncwise.io/v1alpha1
kind: Project
metadata: { name: demo }
spec:
  projectName: Demo
  defaultOwnerEmail: owner@example.com
  defaultOwnerPassword: { valueFrom: { env: OWNER_PASSWORD } }
  replacePolicy: ${replacePolicy}
  remoteStorage: { storageProvider: AWS, storageRegion: eu-west-1, storageResourceIdentifier: "arn:aws:s3:::demo", accessKey: AKIADEMO, secretKey: storage-secret-5b5b }
  remoteConsumer: { awsAccessKey: AKIACONS, awsSecretKey: consumer-secret-6c6c, kinesisEndpoint: "https://kinesis.example.com", streamName: demo, streamType: PACKET_DATA, partitionKey: pk }
`;
}

describe('a changed project password alone, through the CLI', () => {
  let sb: SandboxHandle;
  let dir: string;
  const outputs: CliResult[] = [];
  const cli = async (password: string, ...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { cwd: dir, env: { BZ_KEY: sb.apiKey, OWNER_PASSWORD: password } });
    outputs.push(r);
    return r;
  };
  const projectIds = async (): Promise<string[]> => {
    const res = await fetch(`${sb.url}/portal/service/${sb.serviceProviderId}/projects`, { headers: { bzspid: sb.apiKey } });
    return ((await res.json()) as { projectId: string }[]).map((p) => p.projectId);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncwise-secret-'));
    sb = await startSandbox({ data: join(dir, 'platform.db') });
  });

  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the project, then a replacePolicy change alone plans nothing', async () => {
    writeFileSync(join(dir, 'project.yaml'), config(sb, 'Never'));
    const first = await cli(PASSWORD_1, 'apply', '-f', 'project.yaml', '--yes');
    expect(first.code).toBe(0);
    writeFileSync(join(dir, 'project.yaml'), config(sb, 'Allow'));
    expect((await cli(PASSWORD_1, 'plan', '-f', 'project.yaml', '--detailed-exitcode')).code).toBe(0);
    writeFileSync(join(dir, 'project.yaml'), config(sb, 'Never'));
  });

  it('blocks the replace a new password needs, naming the field as sensitive', async () => {
    const plan = await cli(PASSWORD_2, 'plan', '-f', 'project.yaml', '--detailed-exitcode');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/defaultOwnerPassword.*\(sensitive\)/);
    expect(plan.stdout).toContain('replacePolicy: Allow');
  });

  it('replaces the project once replacePolicy allows it, then plans nothing', async () => {
    const before = await projectIds();
    writeFileSync(join(dir, 'project.yaml'), config(sb, 'Allow'));
    const apply = await cli(PASSWORD_2, 'apply', '-f', 'project.yaml', '--yes');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('1 replaced');
    const after = await projectIds();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    expect((await cli(PASSWORD_2, 'plan', '-f', 'project.yaml', '--detailed-exitcode')).code).toBe(0);
  });

  it('never printed a secret', () => {
    const all = outputs.map((o) => o.stdout + o.stderr).join('\n');
    for (const s of [PASSWORD_1, PASSWORD_2, sb.apiKey, 'storage-secret-5b5b', 'consumer-secret-6c6c']) expect(all).not.toContain(s);
  });
});
