/**
 * Random configurations for the convergence property: fast-check "genes" (plain numbers and
 * booleans) turned into a YAML configuration that is valid by construction, then loaded through
 * the real config pipeline (parse, schema, cross-declaration checks, secret resolution).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { checkDeclarations, declarationsFromText } from '../../../src/config/load-files.js';
import { resolveSecrets } from '../../../src/config/secrets.js';
import { renderDiagnostics } from '../../../src/core/diagnostics.js';
import type { Resource, Sensitive } from '../../../src/core/model.js';
import type { SandboxHandle } from '../../../src/sandbox/server.js';

export const PROVIDERS = ['p0', 'p1', 'p2', 'p3'] as const;
export const PACKAGES = ['g0', 'g1', 'g2'] as const;
export const SUBSCRIPTIONS = ['s0', 's1', 's2'] as const;
export const PROJECTS = ['j0', 'j1', 'j2'] as const;

const variant = fc.nat(1);
const rare = fc.nat(9).map((n) => n === 0);
const often = fc.nat(4).map((n) => n > 0);

const providerGene = fc.record({ on: often, active: often, name: variant, url: variant, secret: variant, meta: fc.nat(3), flipType: rare, orphan: rare });
const containerGene = fc.record({ on: often, mask: fc.integer({ min: 1, max: 15 }), def: fc.nat(3), name: variant, meta: fc.nat(3), pkg: fc.nat(2), byId: fc.nat(3), orphan: rare });
const projectGene = fc.record({
  on: often, rename: rare, email: variant, password: variant, debug: fc.boolean(), join: fc.boolean(),
  storage: fc.nat(2), consumer: fc.nat(2), allow: fc.boolean(), orphan: rare,
});
const mostlySet = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 2 }) });
const defaultsGene = fc.record({ on: often, storage: mostlySet, consumer: mostlySet, propagate: fc.boolean() });

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** One configuration's genes. */
export interface ConfigGenes {
  readonly providers: readonly ValueOf<typeof providerGene>[];
  readonly packages: readonly ValueOf<typeof containerGene>[];
  readonly subscriptions: readonly ValueOf<typeof containerGene>[];
  readonly projects: readonly ValueOf<typeof projectGene>[];
  readonly defaults: ValueOf<typeof defaultsGene>;
}

export const arbConfig: fc.Arbitrary<ConfigGenes> = fc.record({
  providers: fc.array(providerGene, { minLength: PROVIDERS.length, maxLength: PROVIDERS.length }),
  packages: fc.array(containerGene, { minLength: PACKAGES.length, maxLength: PACKAGES.length }),
  subscriptions: fc.array(containerGene, { minLength: SUBSCRIPTIONS.length, maxLength: SUBSCRIPTIONS.length }),
  projects: fc.array(projectGene, { minLength: PROJECTS.length, maxLength: PROJECTS.length }),
  defaults: defaultsGene,
});

/** Keeps each object's genes from `g` three times in four, else draws them anew: a realistic next commit. */
export function arbNextConfig(g: ConfigGenes): fc.Arbitrary<ConfigGenes> {
  const keep = <T>(old: T, fresh: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 3, arbitrary: fc.constant(old) }, { weight: 1, arbitrary: fresh });
  const each = <T>(list: readonly T[], fresh: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.tuple(...list.map((old) => keep(old, fresh)));
  return fc.record({
    providers: each(g.providers, providerGene),
    packages: each(g.packages, containerGene),
    subscriptions: each(g.subscriptions, containerGene),
    projects: each(g.projects, projectGene),
    defaults: keep(g.defaults, defaultsGene),
  });
}

type Doc = { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> };
const doc = (kind: string, name: string, spec: Record<string, unknown>): Doc => ({ apiVersion: 'syncwise.io/v1alpha1', kind, metadata: { name }, spec });

const META = [undefined, {}, { tier: 'gold' }, { tier: 'silver', region: 'eu' }];

/** The remote storage of variant `v` (1 or 2). */
export function storageOf(v: number): Record<string, unknown> {
  return { storageProvider: 'AWS', storageRegion: v === 1 ? 'eu-west-1' : 'us-east-1', storageResourceIdentifier: `arn:aws:s3:::bucket-${v}`, accessKey: `AKIASTORE${v}`, secretKey: `storage-secret-${v}`, storageTypes: ['RECORDINGS'] };
}

/** The remote consumer of variant `v` (1 or 2). */
export function consumerOf(v: number): Record<string, unknown> {
  // variant 1 leaves partitionKey out: the platform keeps null, which must plan as no change
  return { awsAccessKey: `AKIACONS${v}`, awsSecretKey: `consumer-secret-${v}`, kinesisEndpoint: 'https://kinesis.eu-west-1.amazonaws.com', streamName: `events-${v}`, streamType: 'PACKET_DATA', ...(v % 2 === 0 ? { partitionKey: 'pk' } : {}) };
}

/** A provider a package may attach: declared (by name), or unmanaged (by id, never as the default). */
interface DeclaredProvider { readonly name: string; readonly active: boolean; readonly id?: string }

/** Attachments of `pool` picked by `mask`, with an active default; undefined when none can be the default. */
function attachments(pool: readonly DeclaredProvider[], mask: number, def: number): { list: DeclaredProvider[]; def: string } | undefined {
  const picked = pool.filter((_, i) => (mask >> i) & 1);
  const list = picked.length > 0 ? picked : pool.slice(0, 1);
  let actives = list.filter((p) => p.active);
  if (actives.length === 0) {
    const extra = pool.find((p) => p.active);
    if (extra === undefined) return undefined;
    list.push(extra);
    actives = [extra];
  }
  return { list, def: (actives[def % actives.length] as DeclaredProvider).name };
}

const refs = (a: { list: readonly DeclaredProvider[]; def: string }) => a.list.map((p) => ({ ...(p.id ? { providerId: p.id } : { providerRef: p.name }), default: p.name === a.def }));
const meta = (m: number) => (META[m] === undefined ? {} : { userMetadata: META[m] });
const policy = (orphan: boolean) => (orphan ? { deletionPolicy: 'Orphan' } : {});

function streamwiseDocs(g: ConfigGenes, unmanaged: readonly string[]): Doc[] {
  const docs: Doc[] = [];
  const providers: DeclaredProvider[] = [];
  g.providers.forEach((p, i) => {
    const name = PROVIDERS[i] as string;
    if (!p.on) return;
    providers.push({ name, active: p.active });
    const type = (i < 2) !== p.flipType ? 'bbb' : 'scalelite';
    const properties = { url: `https://${name}-v${p.url}.example.com/`, secret: `secret-${name}-v${p.secret}` };
    docs.push(doc('ServiceProvider', name, { providerName: `Provider ${name}${p.name ? ' renamed' : ''}`, active: p.active, providerType: type, properties, ...meta(p.meta), ...policy(p.orphan) }));
  });
  const packages: { name: string; list: DeclaredProvider[]; def: string }[] = [];
  g.packages.forEach((p, i) => {
    const name = PACKAGES[i] as string;
    const byId = p.byId === 0 ? unmanaged[p.mask % Math.max(1, unmanaged.length)] : undefined;
    const pool = byId === undefined ? providers : [{ name: `#${byId}`, active: false, id: byId }, ...providers];
    const a = p.on ? attachments(pool, p.mask, p.def) : undefined;
    if (a === undefined) return;
    packages.push({ name, ...a });
    docs.push(doc('ServicePackage', name, { packageName: `Package ${name}${p.name ? ' renamed' : ''}`, providers: refs(a), ...meta(p.meta), ...policy(p.orphan) }));
  });
  g.subscriptions.forEach((s, i) => {
    const name = SUBSCRIPTIONS[i] as string;
    const pkg = packages[s.pkg % Math.max(1, packages.length)];
    const a = s.on && pkg ? attachments(pkg.list, s.mask, s.def) : undefined;
    if (a === undefined || pkg === undefined) return;
    docs.push(doc('Subscription', name, { subscriptionName: `Subscription ${name}${s.name ? ' renamed' : ''}`, packageRef: pkg.name, providers: refs(a), ...meta(s.meta), ...policy(s.orphan) }));
  });
  return docs;
}

function bluzoneDocs(g: ConfigGenes): Doc[] {
  const docs: Doc[] = [];
  const d = g.defaults;
  if (d.on) {
    docs.push(doc('ProjectDefaults', 'defaults', { ...(d.storage ? { remoteStorage: storageOf(d.storage) } : {}), ...(d.consumer ? { remoteConsumer: consumerOf(d.consumer) } : {}), propagateToProjects: d.propagate }));
  }
  g.projects.forEach((p, i) => {
    const name = PROJECTS[i] as string;
    if (!p.on) return;
    docs.push(doc('Project', name, {
      projectName: `Project ${name}${p.rename ? ' v2' : ''}`, defaultOwnerEmail: `owner-${p.email}@${name}.example.com`, defaultOwnerPassword: `password-${name}-${p.password}`,
      joinAccountsEnabled: p.join, debugEnabled: p.debug,
      remoteStorage: p.storage ? storageOf(p.storage) : { useDefault: true }, remoteConsumer: p.consumer ? consumerOf(p.consumer) : { useDefault: true },
      replacePolicy: p.allow ? 'Allow' : 'Never', ...policy(p.orphan),
    }));
  });
  return docs;
}

/**
 * The configuration of `g` as YAML, with Targets pointing at the sandbox. Packages may attach one
 * of the `unmanaged` provider ids (live objects this configuration does not own) by `providerId`.
 */
export function configYaml(g: ConfigGenes, sb: SandboxHandle, unmanaged: readonly string[] = []): string {
  const targets = [
    doc('Target', 'sw', { api: 'streamwise', url: sb.url, token: sb.token, maxRequestsPerSecond: 10_000, timeoutSeconds: 10 }),
    doc('Target', 'bz', { api: 'bluzone', url: sb.url, serviceProviderId: sb.serviceProviderId, apiKey: sb.apiKey, maxRequestsPerSecond: 10_000, timeoutSeconds: 10 }),
  ];
  return [...targets, ...streamwiseDocs(g, unmanaged), ...bluzoneDocs(g)].map((d) => stringify(d)).join('---\n');
}

/** Loads YAML through the config pipeline; throws with the rendered diagnostics when it is not valid. */
export async function loadConfig(text: string): Promise<Resource<Sensitive>[]> {
  const parsed = declarationsFromText(text, 'property.yaml');
  const checked = checkDeclarations(parsed.declared, { rejected: parsed.rejected });
  const resolved = await resolveSecrets(checked.declared, { env: {} });
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics, ...resolved.diagnostics];
  if (diagnostics.length > 0) throw new Error(`generated configuration is invalid:\n${renderDiagnostics(diagnostics)}`);
  return resolved.resources;
}
