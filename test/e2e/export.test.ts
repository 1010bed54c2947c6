import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { isSensitive, type Resource, type Sensitive } from '../../src/core/model.js';
import { loadDesired } from '../../src/modes/desired.js';
import { runCli, type CliResult } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { targetsYaml } from '../support/targets.js';

const QUICKSTART = new URL('../../examples/quickstart', import.meta.url).pathname;

interface Doc { kind: string; metadata: { name: string }; spec: Record<string, unknown> }

function readExported(dir: string): Doc[] {
  return readdirSync(dir).flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJSON() as Doc | null)).filter((d): d is Doc => d !== null);
}

/** `valueFrom.env` placeholders of `spec` with their dotted paths. */
function placeholders(spec: unknown, path = ''): [string, string][] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return [];
  const env = (spec as { valueFrom?: { env?: unknown } }).valueFrom?.env;
  if (typeof env === 'string') return [[path, env]];
  return Object.entries(spec).flatMap(([k, v]) => placeholders(v, path ? `${path}.${k}` : k));
}

function secretAt(spec: unknown, path: string): string | undefined {
  const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], spec);
  return isSensitive(v) ? v.reveal() : undefined;
}

/** The environment the exported placeholders need, filled from the declarations that were applied. */
function envFor(docs: readonly Doc[], applied: readonly Resource<Sensitive>[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const d of docs) {
    const source = applied.find((r) => r.kind === d.kind && r.name === d.metadata.name);
    for (const [path, name] of placeholders(d.spec)) env[name] = secretAt(source?.spec, path) ?? 'missing';
  }
  return env;
}

function revealedSecrets(resources: readonly Resource<Sensitive>[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (isSensitive(v)) out.push(v.reveal());
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  resources.forEach((r) => walk(r.spec));
  return out;
}

describe('syncwise export of the embedded sandbox after the quick start', () => {
  let dir: string;
  const outputs: CliResult[] = [];
  const cli = async (args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
    const r = await runCli(args, { cwd: dir, env });
    outputs.push(r);
    return r;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'syncwise-export-'));
    cpSync(QUICKSTART, join(dir, 'quickstart'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes declarations under the names the ledger knows, that validate and plan no change (prune included) once their secrets are set', async () => {
    expect((await cli(['apply', '-f', 'quickstart', '--yes'])).code).toBe(0);
    const exported = await cli(['export', '--output-dir', 'exported']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('embedded sandbox');
    expect(readdirSync(join(dir, 'exported')).sort()).toEqual(['embedded-bluzone.yaml', 'embedded-streamwise.yaml']);
    expect((await cli(['validate', '-f', 'exported'])).stdout).toContain('10 declarations valid');

    const applied = (await loadDesired({ paths: [join(dir, 'quickstart')], env: {} })).resources;
    const docs = readExported(join(dir, 'exported'));
    const env = envFor(docs, applied);
    expect(Object.keys(env).sort()).toEqual([
      'BBB_EU_1_SECRET', 'BBB_EU_2_SECRET', 'CITY_SENSORS_CONSUMER_SECRET_KEY', 'CITY_SENSORS_OWNER_PASSWORD', 'DEFAULTS_CONSUMER_SECRET_KEY',
      'DEFAULTS_STORAGE_SECRET_KEY', 'FLEET_TRACKING_OWNER_PASSWORD', 'SCALELITE_US_SECRET',
    ]);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort()).toEqual(applied.filter((r) => r.kind !== 'Target').map((r) => r.key).sort());
    const plan = await cli(['plan', '-f', 'exported', '--prune', '--detailed-exitcode'], env);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);

    const all = outputs.map((o) => o.stdout + o.stderr).join('\n') + docs.map((d) => JSON.stringify(d)).join('\n');
    for (const secret of revealedSecrets(applied)) expect(all).not.toContain(secret);
  });

  it('refuses to overwrite an earlier export, and prints to stdout without --output-dir', async () => {
    const again = await cli(['export', '--output-dir', 'exported']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--overwrite');
    const stdout = await cli(['export', '--target', 'embedded-bluzone']);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout).toMatch(/^# Live objects of the embedded sandbox \(bluzone\)/);
    expect(stdout.stdout).toContain('kind: ProjectDefaults');
    expect(stdout.stdout).not.toContain('kind: ServiceProvider');
  });
});

describe('syncwise export --adopt of objects made outside syncwise', () => {
  let sb: TestSandbox;
  let dir: string;
  const outputs: CliResult[] = [];
  const SECRETS = { PROVIDER_A_SECRET: 'console-secret-a1', PROVIDER_B_SECRET: 'console-secret-b2', DEMO_OWNER_PASSWORD: 'console-password-c3' };
  const env: Record<string, string> = { ...SECRETS };
  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { cwd: dir, env: { SW_TOKEN: sb.token, BZ_KEY: sb.apiKey, ...env } });
    outputs.push(r);
    return r;
  };
  const ids = async (): Promise<string[]> => {
    const lists = await Promise.all(['/service-providers', '/service-packages', '/subscriptions'].map((p) => sb.sw<{ data: { id: string }[] }>('GET', p)));
    const projects = await sb.bz<{ projectId: string }[]>('GET', '/projects');
    return [...lists.flatMap((l) => l.body.data.map((o) => o.id)), ...projects.body.map((p) => p.projectId)].sort();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncwise-adopt-'));
    sb = await startTestSandbox();
    const provider = (name: string, secret: string) => ({ provider_name: name, provider_type: 'bbb', properties: { url: 'https://console.example.com/', secret }, metadata: { team: 'ops' } });
    const a = (await sb.sw<{ data: { id: string } }>('POST', '/service-providers', provider('Provider A', SECRETS.PROVIDER_A_SECRET))).body.data.id;
    const b = (await sb.sw<{ data: { id: string } }>('POST', '/service-providers', provider('Provider B', SECRETS.PROVIDER_B_SECRET))).body.data.id;
    const links = [{ provider_id: a, default: true }, { provider_id: b, default: false }];
    const pkg = (await sb.sw<{ data: { id: string } }>('POST', '/service-packages', { package_name: 'Gold', providers: links })).body.data.id;
    await sb.sw('POST', '/subscriptions', { subscription_name: 'Acme', package_id: pkg, providers: links });
    const storage = { storageProvider: 'AWS', storageRegion: 'eu-west-1', storageResourceIdentifier: 'arn:aws:s3:::demo', accessKey: 'AKIA1', secretKey: 'console-storage-d4' };
    const consumer = { awsAccessKey: 'AKIA2', awsSecretKey: 'console-consumer-e5', kinesisEndpoint: 'https://kinesis.example.com', streamName: 'events', streamType: 'PACKET_DATA', partitionKey: 'pk' };
    const owner = { defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: SECRETS.DEMO_OWNER_PASSWORD };
    await sb.bz('POST', '/projects/_create', { projectName: 'Demo', ...owner, remoteStorage: storage, remoteConsumer: consumer });
    await sb.bz('POST', '/projects/_create', { projectName: 'No consumer', ...owner, remoteStorage: storage });
    writeFileSync(join(dir, 'targets.yaml'), `${targetsYaml(sb)}\n`);
  });
  afterAll(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans only re-sent secrets and ownership markers, then converges without creating copies', async () => {
    const before = await ids();
    const exported = await cli('export', '-f', 'targets.yaml', '--adopt', '--output-dir', 'platform');
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('Adopted 5 object(s)');
    expect(exported.stderr).toMatch(/warning: project "No consumer" \(id \w+\) on target "bz": it has no remoteConsumer/);
    expect((await cli('validate', '-f', 'targets.yaml', '-f', 'platform')).code).toBe(0);
    const bz = readFileSync(join(dir, 'platform', 'bz.yaml'), 'utf8');
    expect(bz).toContain('#   DEMO_STORAGE_SECRET_KEY\n#   DEMO_CONSUMER_SECRET_KEY\n');
    Object.assign(env, { DEMO_STORAGE_SECRET_KEY: 'console-storage-d4', DEMO_CONSUMER_SECRET_KEY: 'console-consumer-e5' });

    const plan = await cli('plan', '-f', 'targets.yaml', '-f', 'platform', '-o', 'json');
    const actions = (JSON.parse(plan.stdout) as { actions: { action: string; kind: string; name: string; changes: { path: string }[] }[] }).actions;
    const shown = actions.map((a) => `${a.action} ${a.kind}/${a.name}: ${a.changes.map((c) => (c.path.includes('syncwise.io/') ? 'markers' : c.path)).filter((p, i, l) => l.indexOf(p) === i).join(' ')}`);
    expect(shown).toEqual([
      'noop Project/demo: ',
      'update ServicePackage/gold: markers',
      'update ServiceProvider/provider-a: properties.secret',
      'update ServiceProvider/provider-b: properties.secret',
      'update Subscription/acme: markers',
    ]);

    expect((await cli('apply', '-f', 'targets.yaml', '-f', 'platform', '--yes')).code).toBe(0);
    expect((await cli('plan', '-f', 'targets.yaml', '-f', 'platform', '--detailed-exitcode')).code).toBe(0);
    expect(await ids()).toEqual(before);
  });

  it('never printed a secret', () => {
    const all = outputs.map((o) => o.stdout + o.stderr).join('\n') + readExported(join(dir, 'platform')).map((d) => JSON.stringify(d)).join('\n');
    for (const s of [...Object.values(env), sb.token, sb.apiKey]) expect(all).not.toContain(s);
  });
});
