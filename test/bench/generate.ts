/**
 * Generates a benchmark configuration of N objects as YAML files: providers (30%), packages (10%),
 * subscriptions (50%) and projects (10%), with realistic references (each package groups three
 * providers, each subscription attaches one or two providers of its package) and secrets (inline,
 * from files under `secrets/`, and Target credentials from the environment). Deterministic: the
 * same N always gives the same bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How many objects of each kind a configuration of `n` objects holds. */
export interface KindCounts {
  readonly providers: number;
  readonly packages: number;
  readonly subscriptions: number;
  readonly projects: number;
}

/** Documents per file: a realistic repository keeps related declarations together. */
export const DOCS_PER_FILE = 100;

/** The Target credentials are read from these variables. */
export const TOKEN_ENV = 'BENCH_STREAMWISE_TOKEN';
export const API_KEY_ENV = 'BENCH_BLUZONE_API_KEY';

/** Splits `n` objects over the four kinds (at least one of each). */
export function kindCounts(n: number): KindCounts {
  const providers = Math.max(3, Math.round(n * 0.3));
  const packages = Math.max(1, Math.round(n * 0.1));
  const projects = Math.max(1, Math.round(n * 0.1));
  return { providers, packages, projects, subscriptions: Math.max(1, n - providers - packages - projects) };
}

const pad = (i: number): string => String(i).padStart(5, '0');
export const providerName = (i: number): string => `bbb-${pad(i)}`;
export const packageName = (i: number): string => `pkg-${pad(i)}`;
export const subscriptionName = (i: number): string => `sub-${pad(i)}`;
export const projectName = (i: number): string => `proj-${pad(i)}`;

/** The three providers of package `p`. */
export function packageProviders(p: number, c: KindCounts): number[] {
  return [0, 1, 2].map((k) => (3 * p + k) % c.providers);
}

/** Edits that make a later revision of the configuration differ from the first. */
export interface Revision {
  /** Objects whose display name or metadata changed, by key `Kind/name`. */
  readonly changed: ReadonlySet<string>;
  /** Projects added by this revision (indices past `counts.projects`). */
  readonly addedProjects: number;
}

const NONE: Revision = { changed: new Set(), addedProjects: 0 };

/** The head of a declaration: `apiVersion`, `kind` and `metadata.name`. */
const head = (kind: string, name: string): string => `apiVersion: syncwise.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;

function provider(i: number, rev: Revision): string {
  const region = ['eu-west', 'eu-central', 'us-east', 'ap-south'][i % 4] ?? 'eu-west';
  const renamed = rev.changed.has(`ServiceProvider/${providerName(i)}`) ? ' (renamed)' : '';
  const secret = i % 10 === 0 ? `\n      valueFrom:\n        file: ../secrets/${providerName(i)}.secret` : ` bench-secret-${pad(i)}-${(i * 7919) % 100_003}`;
  return `${head('ServiceProvider', providerName(i))}  labels:
    region: ${region}
spec:
  providerName: BBB ${region} ${i}${renamed}
  providerType: ${i % 5 === 0 ? 'scalelite' : 'bbb'}
  properties:
    url: https://${providerName(i)}.${region}.example.com/bigbluebutton/
    secret:${secret}
  userMetadata:
    external_billing_id: ${100_000 + i}
    region: ${region}
    tags: [bench, ${region}]
`;
}

/** A `providers:` list of provider indices, the first one the default. */
function providerList(indices: readonly number[]): string {
  return `  providers:\n${indices.map((i, k) => `    - providerRef: ${providerName(i)}\n${k === 0 ? '      default: true\n' : ''}`).join('')}`;
}

function servicePackage(p: number, c: KindCounts, rev: Revision): string {
  const tier = rev.changed.has(`ServicePackage/${packageName(p)}`) ? 'premium' : 'standard';
  return `${head('ServicePackage', packageName(p))}spec:
  packageName: Package ${p}
${providerList(packageProviders(p, c))}  userMetadata:
    tier: ${tier}
    cost_center: CC-${p % 97}
`;
}

function subscription(s: number, c: KindCounts, rev: Revision): string {
  const pkg = s % c.packages;
  const contact = rev.changed.has(`Subscription/${subscriptionName(s)}`) ? 'renewals' : 'billing';
  return `${head('Subscription', subscriptionName(s))}spec:
  subscriptionName: Customer ${s}
  packageRef: ${packageName(pkg)}
${providerList(packageProviders(pkg, c).slice(0, s % 2 === 0 ? 2 : 1))}  userMetadata:
    customer_id: C-${10_000 + s}
    contacts:
      ${contact}: ${contact}-${s}@customer.example.com
`;
}

function project(j: number): string {
  const own = j % 4 === 0
    ? `remoteConsumer:
    awsAccessKey: AKIABENCH${pad(j)}
    awsSecretKey: bench-consumer-secret-${pad(j)}
    kinesisEndpoint: https://kinesis.eu-west-1.amazonaws.com
    streamName: events-${pad(j)}
    streamType: LOCATION_DATA
    partitionKey: deviceId`
    : 'remoteConsumer: { useDefault: true }';
  return `${head('Project', projectName(j))}spec:
  projectName: Project ${j}
  defaultOwnerEmail: owner-${j}@tenant.example.com
  defaultOwnerPassword: bench-owner-password-${pad(j)}
  joinAccountsEnabled: ${j % 3 === 0}
  remoteStorage: { useDefault: true }
  ${own}
`;
}

const DEFAULTS = `apiVersion: syncwise.io/v1alpha1
kind: ProjectDefaults
metadata:
  name: defaults
spec:
  remoteStorage:
    storageProvider: AWS
    storageRegion: eu-west-1
    storageResourceIdentifier: arn:aws:s3:::bench-project-data
    accessKey: AKIABENCHSTORAGE0001
    secretKey: bench-storage-secret
    assumeRoleEnabled: false
    storageTypes: [PACKET_DATA, LOCATION_DATA]
  remoteConsumer:
    awsAccessKey: AKIABENCHCONSUMER001
    awsSecretKey: bench-consumer-secret
    kinesisEndpoint: https://kinesis.eu-west-1.amazonaws.com
    streamName: bench-events
    streamType: PACKET_DATA
    partitionKey: projectId
  propagateToProjects: false
`;

function targets(url: string): string {
  return `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata:
  name: streamwise
spec:
  api: streamwise
  url: ${url}
  token: { valueFrom: { env: ${TOKEN_ENV} } }
  timeoutSeconds: 60
  maxRequestsPerSecond: 10000
---
apiVersion: syncwise.io/v1alpha1
kind: Target
metadata:
  name: bluzone
spec:
  api: bluzone
  url: ${url}
  serviceProviderId: "1"
  apiKey: { valueFrom: { env: ${API_KEY_ENV} } }
  timeoutSeconds: 60
  maxRequestsPerSecond: 10000
`;
}

function writeChunks(dir: string, prefix: string, docs: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < docs.length; i += DOCS_PER_FILE) {
    writeFileSync(join(dir, `${prefix}-${pad(i / DOCS_PER_FILE)}.yaml`), docs.slice(i, i + DOCS_PER_FILE).join('---\n'));
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Writes (or rewrites) the configuration of `counts` under `dir`; the sandbox is reached at `url`. */
export function writeConfiguration(dir: string, counts: KindCounts, url: string, rev: Revision = NONE): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(join(dir, 'targets.yaml'), targets(url));
  writeFileSync(join(dir, 'project-defaults.yaml'), DEFAULTS);
  for (let i = 0; i < counts.providers; i += 10) writeFileSync(join(dir, 'secrets', `${providerName(i)}.secret`), `file-secret-${pad(i)}\n`);
  writeChunks(join(dir, 'providers'), 'providers', range(counts.providers).map((i) => provider(i, rev)));
  writeChunks(join(dir, 'packages'), 'packages', range(counts.packages).map((p) => servicePackage(p, counts, rev)));
  writeChunks(join(dir, 'subscriptions'), 'subscriptions', range(counts.subscriptions).map((s) => subscription(s, counts, rev)));
  writeChunks(join(dir, 'projects'), 'projects', range(counts.projects + rev.addedProjects).map(project));
}

/** 1% of every kind: a rename or metadata edit of streamwise objects, and new projects. */
export function onePercentChange(counts: KindCounts): Revision {
  const every = (n: number): number => Math.max(1, Math.round(n / 100));
  const pick = (n: number, name: (i: number) => string, kind: string): string[] =>
    range(every(n)).map((k) => `${kind}/${name(Math.floor((k * n) / every(n)))}`);
  const changed = new Set([
    ...pick(counts.providers, providerName, 'ServiceProvider'),
    ...pick(counts.packages, packageName, 'ServicePackage'),
    ...pick(counts.subscriptions, subscriptionName, 'Subscription'),
  ]);
  return { changed, addedProjects: every(counts.projects) };
}
