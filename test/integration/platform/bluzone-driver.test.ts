import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectBody } from '../../../src/core/change.js';
import type { LiveBluzone } from '../../../src/core/live.js';
import { isSensitive, sensitive } from '../../../src/core/model.js';
import type { Driver } from '../../../src/engine/ports.js';
import { createDriver } from '../../../src/platform/driver.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { bluzoneTarget, consumer, expectNoSecret, SECRETS, storage } from './helpers.js';

let sb: TestSandbox;
let driver: Driver;
beforeAll(async () => {
  sb = await startTestSandbox();
  driver = createDriver(bluzoneTarget(sb));
});
afterAll(async () => {
  await driver.close();
  await sb.close();
});

const observe = async (): Promise<LiveBluzone> => (await driver.observe()) as LiveBluzone;
const project = (name: string, own: Partial<ProjectBody> = {}): ProjectBody => ({
  projectName: name, defaultOwnerEmail: 'owner@example.com', defaultOwnerPassword: sensitive(SECRETS.password),
  joinAccountsEnabled: false, debugEnabled: true, ...own,
});

describe('bluzone driver', () => {
  it('sets the reseller defaults and reads them back with their secrets wrapped', async () => {
    await driver.execute({ type: 'defaults.storage', body: storage(), updateProjects: false });
    await driver.execute({ type: 'defaults.consumer', body: consumer(), updateProjects: false });
    const live = await observe();
    expect(live.reseller).toMatchObject({
      serviceProviderId: '1',
      defaultRemoteStorage: { storageProvider: 'AWS', storageRegion: 'eu-west-1', accessKey: 'AKIASTORAGE', storageTypes: ['RECORDINGS'], assumeRoleEnabled: false },
      defaultRemoteConsumer: { streamName: 'events', streamType: 'PACKET_DATA', partitionKey: 'pk' },
    });
    expect(live.reseller.defaultRemoteStorage?.secretKey.reveal()).toBe(SECRETS.storage);
    expect(isSensitive(live.reseller.defaultRemoteConsumer?.awsSecretKey)).toBe(true);
    expect(inspect(live, { depth: 10 })).not.toContain(SECRETS.consumer);
    expectNoSecret(live, sb);
  });

  it('creates a project on the reseller defaults with the useDefault flags, and one with its own settings', async () => {
    const onDefaults = await driver.execute({ type: 'project.create', body: project('on-defaults') });
    const own = await driver.execute({ type: 'project.create', body: project('own', { remoteStorage: storage('us-east-1'), remoteConsumer: consumer('own-stream') }) });
    const live = await observe();
    const byId = new Map(live.projects.map((p) => [p.projectId, p]));
    expect(byId.get(onDefaults.id ?? '')).toMatchObject({
      projectName: 'on-defaults', defaultOwnerEmail: 'owner@example.com', debugEnabled: true, joinAccountsEnabled: false,
      useDefaultRemoteStorage: true, useDefaultRemoteConsumer: true, remoteStorage: { storageRegion: 'eu-west-1' },
    });
    expect(byId.get(own.id ?? '')).toMatchObject({
      projectName: 'own', useDefaultRemoteStorage: false, useDefaultRemoteConsumer: false,
      remoteStorage: { storageRegion: 'us-east-1' }, remoteConsumer: { streamName: 'own-stream' },
    });
    expect(isSensitive(byId.get(own.id ?? '')?.projectApiKey)).toBe(true);
    expect(typeof byId.get(own.id ?? '')?.createdAt).toBe('number');
    expect(sb.requestCounts()).toMatchObject({ 'POST /portal/service/{spId}/projects/_create': 2 });
    expectNoSecret(live, sb);
  });

  it('propagates a changed default to the projects that follow it when updateProjects is set', async () => {
    const { id } = await driver.execute({ type: 'defaults.storage', body: storage('ap-south-1'), updateProjects: true });
    expect(id).toBe('1');
    const live = await observe();
    expect(live.projects.find((p) => p.projectName === 'on-defaults')?.remoteStorage?.storageRegion).toBe('ap-south-1');
    expect(live.projects.find((p) => p.projectName === 'own')?.remoteStorage?.storageRegion).toBe('us-east-1');
  });

  it('deletes a project', async () => {
    const before = await observe();
    const target = before.projects.find((p) => p.projectName === 'own');
    await driver.execute({ type: 'project.delete', id: target?.projectId ?? '' });
    const after = await observe();
    expect(after.projects.map((p) => p.projectName)).toEqual(['on-defaults']);
  });

  it('reads the whole state with two requests', async () => {
    sb.resetCounts();
    await observe();
    expect(sb.requestCounts()).toEqual({ 'GET /portal/service/{spId}': 1, 'GET /portal/service/{spId}/projects': 1, 'status:200': 2 });
  });
});
