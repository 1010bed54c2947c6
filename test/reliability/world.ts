/**
 * Shared set-up of the reliability suite: a temp directory with a configuration and a state
 * directory, a real sandbox declared as the Target, generated fleets of declarations, reads of
 * what the platform holds (grouped by the name syncwise gave each object, to spot duplicates),
 * the CLI as a child process, and an in-process plan through the real engine.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import type { Plan } from '../../src/core/change.js';
import { META_NAME } from '../../src/core/model.js';
import { reconcile, type Outcome } from '../../src/engine/reconcile.js';
import { loadDesired } from '../../src/modes/desired.js';
import { createEngineDeps } from '../../src/modes/engine-deps.js';
import type { SandboxOptions } from '../../src/sandbox/server.js';
import { runCli, type CliResult } from '../support/cli.js';
import { startTestSandbox, type Page, type TestSandbox } from '../support/sandbox.js';

/** Distinctive secret values: any of them in an output is a leak. */
export const SECRETS = {
  provider: 'prov-secret-Zq81xK-unique',
  owner: 'owner-pass-Hy62mW-unique',
  consumer: 'consumer-key-Rt55bN-unique',
} as const;

/** A small seeded generator (xorshift32): the same seed gives the same choices. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

/** What to declare: counts of each kind; names are `p-000`, `pkg-000`, `sub-000`, `proj-000`. */
export interface FleetSpec {
  readonly providers: number;
  readonly packages?: number;
  readonly subscriptions?: number;
  readonly projects?: number;
  /** Appended to every display name, so a new suffix updates every object. @default '' */
  readonly suffix?: string;
  /** Providers from this index on are not declared (prune deletes them). @default providers */
  readonly providerLimit?: number;
}

const pad = (i: number): string => String(i).padStart(3, '0');
const API = 'apiVersion: syncwise.io/v1alpha1';

/** The two Targets (streamwise and bluzone) of a sandbox; credentials come from the environment. */
export function targetsYaml(sb: TestSandbox, o: { timeoutSeconds?: number; serviceProviderId?: string } = {}): string {
  const common = `timeoutSeconds: ${o.timeoutSeconds ?? 10}, maxRequestsPerSecond: 10000`;
  return `${API}
kind: Target
metadata: { name: sw }
spec: { api: streamwise, url: "${sb.url}", token: { valueFrom: { env: SW_TOKEN } }, ${common} }
---
${API}
kind: Target
metadata: { name: bz }
spec: { api: bluzone, url: "${sb.url}", serviceProviderId: "${o.serviceProviderId ?? sb.serviceProviderId}", apiKey: { valueFrom: { env: BZ_KEY } }, ${common} }
`;
}

/** One provider declaration. */
export function providerDoc(name: string, display: string, extra = ''): string {
  return `${API}
kind: ServiceProvider
metadata: { name: ${name} }
spec:
  providerName: ${display}
  providerType: bbb
  properties: { url: "https://${name}.example.com/bigbluebutton/", secret: { valueFrom: { env: PROVIDER_SECRET } } }
${extra}`;
}

/** One project declaration (its owner password and consumer key are secrets). */
export function projectDoc(name: string, display: string, extra = ''): string {
  return `${API}
kind: Project
metadata: { name: ${name} }
spec:
  projectName: ${display}
  defaultOwnerEmail: owner@${name}.example.com
  defaultOwnerPassword: { valueFrom: { env: OWNER_PASSWORD } }
  remoteStorage:
    storageProvider: AWS
    storageRegion: eu-west-1
    storageResourceIdentifier: arn:aws:s3:::${name}
    accessKey: AKIASTORE${name.replace(/[^a-z0-9]/g, '').toUpperCase()}
    secretKey: { valueFrom: { env: CONSUMER_KEY } }
    assumeRoleEnabled: false
    storageTypes: [RECORDINGS]
  remoteConsumer:
    awsAccessKey: AKIA${name.replace(/[^a-z0-9]/g, '').toUpperCase()}
    awsSecretKey: { valueFrom: { env: CONSUMER_KEY } }
    kinesisEndpoint: https://kinesis.eu-west-1.amazonaws.com
    streamName: ${name}-stream
    streamType: PACKET_DATA
    partitionKey: id
${extra}`;
}

/** Package `k` uses providers 2k and 2k+1 (the first the default); subscription `k` uses package k and its first provider. */
export function fleetYaml(f: FleetSpec): string {
  const sfx = f.suffix ?? '';
  const docs: string[] = [];
  const declared = Math.min(f.providers, f.providerLimit ?? f.providers);
  for (let i = 0; i < declared; i++) docs.push(providerDoc(`p-${pad(i)}`, `Provider ${pad(i)}${sfx}`));
  for (let k = 0; k < (f.packages ?? 0); k++) {
    docs.push(`${API}
kind: ServicePackage
metadata: { name: pkg-${pad(k)} }
spec:
  packageName: Package ${pad(k)}${sfx}
  providers: [{ providerRef: p-${pad(2 * k)}, default: true }, { providerRef: p-${pad(2 * k + 1)}, default: false }]
`);
  }
  for (let k = 0; k < (f.subscriptions ?? 0); k++) {
    docs.push(`${API}
kind: Subscription
metadata: { name: sub-${pad(k)} }
spec:
  subscriptionName: Subscription ${pad(k)}${sfx}
  packageRef: pkg-${pad(k)}
  providers: [{ providerRef: p-${pad(2 * k)}, default: true }]
`);
  }
  for (let k = 0; k < (f.projects ?? 0); k++) docs.push(projectDoc(`proj-${pad(k)}`, `Project ${pad(k)}`));
  return docs.join('---\n');
}

/** Objects on the platform, grouped by the name syncwise gave them (streamwise marker, bluzone projectName). */
export interface PlatformView {
  readonly byName: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  /** Names held by more than one object. */
  readonly duplicates: readonly string[];
  readonly total: number;
}

/** Reads every object of both APIs straight from the sandbox. */
export async function platformView(sb: TestSandbox): Promise<PlatformView> {
  const byName = new Map<string, Record<string, unknown>[]>();
  const add = (name: string, o: Record<string, unknown>): void => { byName.set(name, [...(byName.get(name) ?? []), o]); };
  for (const path of ['/service-providers', '/service-packages', '/subscriptions']) {
    const page = await sb.sw<Page<Record<string, unknown>>>('GET', `${path}?per_page=1000`);
    for (const o of page.body.data) {
      const meta = o.metadata as Record<string, unknown>;
      add(`${path}/${String(meta[META_NAME] ?? o.id)}`, o);
    }
  }
  const projects = await sb.bz<Record<string, unknown>[]>('GET', '/projects');
  for (const p of projects.body) add(`/projects/${String(p.projectName)}`, p);
  const duplicates = [...byName.entries()].filter(([, list]) => list.length > 1).map(([n]) => n);
  return { byName, duplicates, total: [...byName.values()].reduce((n, l) => n + l.length, 0) };
}

/** Total requests the sandbox received (every route, faulted or not). */
export function requestTotal(sb: TestSandbox): number {
  return Object.entries(sb.requestCounts()).filter(([k]) => !k.startsWith('status:')).reduce((n, [, v]) => n + v, 0);
}

/** Requests that could change something (POST, PUT, PATCH, DELETE). */
export function writeTotal(sb: TestSandbox): number {
  return Object.entries(sb.requestCounts()).filter(([k]) => /^(POST|PUT|PATCH|DELETE) /.test(k)).reduce((n, [, v]) => n + v, 0);
}

/** A temp configuration directory and state directory against a sandbox of its own. */
export interface World {
  readonly root: string;
  readonly config: string;
  readonly stateDir: string;
  readonly sandbox: TestSandbox;
  /** The CLI's environment: Target credentials and the declared secrets. */
  readonly env: Record<string, string>;
  write(file: string, text: string): Promise<string>;
  /** Runs `syncwise <args>` with `-f config --state-dir stateDir` appended. */
  cli(args: readonly string[], options?: { timeoutMs?: number; env?: Record<string, string> }): Promise<CliResult>;
  /** Plans in this process through the real engine (dry run: no lock, no write). */
  plan(options?: { prune?: boolean; force?: boolean }): Promise<Plan>;
  /** Applies in this process through the real engine, as the next `apply --prune --force` would. */
  apply(options?: { prune?: boolean; force?: boolean; owner?: string }): Promise<Outcome>;
  close(): Promise<void>;
}

async function engineRun(w: World, dryRun: boolean, o: { prune?: boolean; force?: boolean; owner?: string }): Promise<Outcome> {
  const desired = await loadDesired({ paths: [w.config], env: w.env });
  if (desired.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(desired.diagnostics));
  return reconcile(createEngineDeps({ stateDir: w.stateDir }), {
    resources: desired.resources, dryRun,
    plan: { prune: o.prune ?? false, force: o.force ?? false, allowReplace: false },
    ...(o.owner ? { owner: o.owner } : {}),
  });
}

/** Creates a world; the sandbox runs in this process (in memory unless `sandbox.data` says otherwise). */
export async function createWorld(options: { sandbox?: SandboxOptions; targets?: boolean } = {}): Promise<World> {
  const root = await mkdtemp(join(tmpdir(), 'syncwise-rel-'));
  const config = join(root, 'config');
  const stateDir = join(root, 'state');
  await mkdir(config);
  const sandbox = await startTestSandbox(options.sandbox ?? {});
  const env = { SW_TOKEN: sandbox.token, BZ_KEY: sandbox.apiKey, PROVIDER_SECRET: SECRETS.provider, OWNER_PASSWORD: SECRETS.owner, CONSUMER_KEY: SECRETS.consumer };
  const write = async (file: string, text: string): Promise<string> => {
    const path = join(config, file);
    await writeFile(path, text);
    return path;
  };
  if (options.targets ?? true) await write('targets.yaml', targetsYaml(sandbox));
  const world: World = {
    root, config, stateDir, sandbox, env, write,
    cli: (args, o = {}) => runCli([...args, '-f', config, '--state-dir', stateDir], { cwd: root, env: { ...env, ...o.env }, timeoutMs: o.timeoutMs ?? 60_000 }),
    plan: async (o = {}) => {
      const out = await engineRun(world, true, o);
      if (out.kind !== 'planned') throw new Error(`plan did not finish: ${JSON.stringify(out.kind === 'failed' ? out.error : out)}`);
      return out.plan;
    },
    apply: (o = {}) => engineRun(world, false, o),
    close: async () => {
      await sandbox.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return world;
}

/** `it` with a world of its own for each test, closed after it, so that tests can run side by side. */
export const itWithWorld = it.extend<{ w: World }>({
  w: async ({}, use) => {
    const w = await createWorld();
    await use(w);
    await w.close();
  },
});

/** The changes of a plan that would do something (not `noop`), as `action key` strings. */
export function pendingChanges(plan: Plan): string[] {
  return plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.key}`);
}
