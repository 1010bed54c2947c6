import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { condition, NS, startWorld, until, type Cr, type World } from './harness.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
  await world.secret('owner', { password: 'owner-password-0004' });
  await world.secret('aws', { storage: 'storage-secret-key-0005', consumer: 'consumer-secret-key-0006' });
  await world.apply('ProjectDefaults', 'defaults', {
    remoteStorage: {
      storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: 'arn:aws:s3:::fleet-data', accessKey: 'AKIAOPERATORTEST0001',
      secretKey: { valueFrom: { secretKeyRef: { name: 'aws', key: 'storage' } } }, assumeRoleEnabled: false, storageTypes: ['PACKET_DATA'],
    },
    remoteConsumer: {
      awsAccessKey: 'AKIAOPERATORTEST0002', awsSecretKey: { valueFrom: { secretKeyRef: { name: 'aws', key: 'consumer' } } },
      kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com', streamName: 'fleet-events', streamType: 'PACKET_DATA', partitionKey: 'projectId',
    },
  });
});
afterEach(async () => {
  if (process.env["DUMP_LOGS"]) console.log(await world.logs());
  await world.close();
});

interface ProjectWire { readonly projectId: string; readonly projectName: string; readonly projectApiKey: string }

const projectSpec = {
  projectName: 'Fleet tracking', defaultOwnerEmail: 'owner@fleet.example.com',
  defaultOwnerPassword: { valueFrom: { secretKeyRef: { name: 'owner', key: 'password' } } },
  writeConnectionSecretToRef: { name: 'fleet-connection' },
};

describe('operator: connection Secrets of Projects', () => {
  it('writes the projectApiKey into the named Secret, owned by the Project, and nowhere else', async () => {
    await world.operator();
    await world.apply('Project', 'fleet', projectSpec);
    const secret = await until('the connection Secret', async () => world.kube.objects('secrets', NS).find((s) => (s['metadata'] as { name: string }).name === 'fleet-connection'));
    const projects = (await world.sandbox.bz<ProjectWire[]>('GET', '/projects')).body;
    expect(projects).toHaveLength(1);
    const project = projects[0] as ProjectWire;
    const data = secret['data'] as Record<string, string>;
    expect(Buffer.from(data['projectApiKey'] ?? '', 'base64').toString()).toBe(project.projectApiKey);
    expect(Buffer.from(data['projectId'] ?? '', 'base64').toString()).toBe(project.projectId);
    expect((secret['metadata'] as { ownerReferences: { kind: string; name: string }[] }).ownerReferences).toEqual([expect.objectContaining({ kind: 'Project', name: 'fleet' })]);
    const cr = await until('Ready', async () => {
      const got: Cr | undefined = await world.get('Project', 'fleet');
      return condition(got, 'Ready')?.status === 'True' ? got : undefined;
    });
    expect(cr.status?.externalId).toBe(project.projectId);
    expect(JSON.stringify(cr)).not.toContain(project.projectApiKey);
    expect(JSON.stringify(world.kube.objects('events'))).not.toContain(project.projectApiKey);
    const logs = await world.logs();
    expect(logs).not.toContain(project.projectApiKey);
    const messages = logs.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.filter((m) => m.startsWith('ProjectDefaults/defaults: '))).toEqual(expect.arrayContaining([
      'ProjectDefaults/defaults: update storage defaults applied', 'ProjectDefaults/defaults: update consumer defaults applied',
    ]));
  });
});
