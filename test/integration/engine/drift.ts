/**
 * Random drift for the convergence property: changes made straight through the platform's HTTP
 * APIs by someone else between two runs (unmanaged objects, objects owned by another
 * configuration, renames, disabled providers, changed attachments, deletes, new reseller
 * defaults). Each gene picks its objects among what is live when it runs; a change the platform
 * refuses is simply not made, as it would be for a person at the console.
 */
import fc from 'fast-check';
import { META_NAME, META_OWNER } from '../../../src/core/model.js';
import type { LinkWire, PackageWire, Page, ProviderWire, SubscriptionWire, TestSandbox } from '../../support/sandbox.js';
import { consumerOf, PACKAGES, PROJECTS, PROVIDERS, storageOf } from './declarations.js';

const OPS = [
  'newProvider', 'foreignProvider', 'newPackage', 'newSubscription', 'patchProvider', 'patchPackage',
  'deleteObject', 'newProject', 'deleteProject', 'resellerDefaults', 'foreignPackage', 'patchSubscription',
] as const;

/** One drift change: which one, and numbers that pick its objects and variants. */
export interface DriftGene {
  readonly op: (typeof OPS)[number];
  readonly a: number;
  readonly b: number;
  readonly flag: boolean;
}

export const arbDrift: fc.Arbitrary<DriftGene[]> = fc.array(
  fc.record({ op: fc.constantFrom(...OPS), a: fc.nat(7), b: fc.nat(7), flag: fc.boolean() }),
  { maxLength: 6 },
);

interface Live {
  readonly providers: readonly ProviderWire[];
  readonly packages: readonly PackageWire[];
  readonly subscriptions: readonly SubscriptionWire[];
  readonly projects: readonly { projectId: string }[];
  readonly hasDefaults: boolean;
}

async function list<T>(sb: TestSandbox, path: string): Promise<T[]> {
  return [...(await sb.sw<Page<T>>('GET', `${path}?per_page=1000`)).body.data];
}

async function observe(sb: TestSandbox): Promise<Live> {
  const reseller = (await sb.bz<{ defaultRemoteStorage: unknown; defaultRemoteConsumer: unknown }>('GET', '')).body;
  return {
    providers: await list<ProviderWire>(sb, '/service-providers'),
    packages: await list<PackageWire>(sb, '/service-packages'),
    subscriptions: await list<SubscriptionWire>(sb, '/subscriptions'),
    projects: (await sb.bz<{ projectId: string }[]>('GET', '/projects')).body,
    hasDefaults: reseller.defaultRemoteStorage !== null && reseller.defaultRemoteConsumer !== null,
  };
}

const pick = <T>(items: readonly T[], n: number): T | undefined => items[n % Math.max(1, items.length)];

function providerBody(name: string, active: boolean, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { provider_name: name, provider_type: 'bbb', active, properties: { url: 'https://drift.example.com/', secret: 'drift-secret' }, metadata };
}

/** Two providers of `pool` (picked by a and b), the first active one as default; undefined when none is active. */
function links(pool: readonly ProviderWire[], a: number, b: number): LinkWire[] | undefined {
  const chosen = [...new Set([pick(pool, a), pick(pool, b)].filter((p): p is ProviderWire => p !== undefined))];
  const def = chosen.find((p) => p.active);
  return def && chosen.map((p) => ({ provider_id: p.id, default: p === def }));
}

function patchProvider(sb: TestSandbox, p: ProviderWire, b: number): Promise<unknown> {
  const path = `/service-providers/${p.id}`;
  switch (b % 5) {
    case 0: return sb.sw('PATCH', path, { provider_name: `${p.provider_name} (edited)` });
    case 1: return sb.sw('PATCH', path, { active: !p.active });
    case 2: return sb.sw('PATCH', path, { properties: { url: 'https://edited.example.com/' } });
    case 3: return sb.sw('PATCH', path, { metadata: { ...p.metadata, console_note: 'edited' } });
    default: return sb.sw('PATCH', path, { metadata: {} });
  }
}

function patchPackage(sb: TestSandbox, live: Live, g: PackageWire, b: number): Promise<unknown> {
  const path = `/service-packages/${g.id}`;
  switch (b % 3) {
    case 0: return sb.sw('PATCH', path, { package_name: `${g.package_name} (edited)` });
    case 1: return sb.sw('PATCH', path, { providers: links(live.providers, b, b + 1) ?? g.providers });
    default: return sb.sw('PATCH', path, { metadata: { ...g.metadata, console_note: 'edited' } });
  }
}

function patchSubscription(sb: TestSandbox, live: Live, s: SubscriptionWire, b: number): Promise<unknown> {
  const path = `/subscriptions/${s.id}`;
  const g = live.packages.find((p) => p.id === s.package_id);
  const pool = live.providers.filter((p) => g?.providers.some((l) => l.provider_id === p.id));
  if (b % 2 === 0) return sb.sw('PATCH', path, { subscription_name: `${s.subscription_name} (edited)`, metadata: { ...s.metadata, console_note: 'edited' } });
  return sb.sw('PATCH', path, { providers: links(pool, b, b + 1) ?? s.providers });
}

function newSubscription(sb: TestSandbox, live: Live, gene: DriftGene): Promise<unknown> | undefined {
  const g = pick(live.packages, gene.a);
  const pool = live.providers.filter((p) => g?.providers.some((l) => l.provider_id === p.id));
  const providers = links(pool, gene.b, gene.b + 1);
  return g && providers && sb.sw('POST', '/subscriptions', { subscription_name: `Console subscription ${gene.a}`, package_id: g.id, providers });
}

function newProject(sb: TestSandbox, live: Live, gene: DriftGene): Promise<unknown> {
  const name = gene.flag ? `Project ${PROJECTS[gene.a % PROJECTS.length] ?? 'j0'}` : `Console project ${gene.a}`;
  const body = { projectName: name, defaultOwnerEmail: 'console@example.com', defaultOwnerPassword: 'console-password' };
  if (live.hasDefaults) return sb.bz('POST', '/projects/_create?useDefaultRemoteStorage=true&useDefaultRemoteConsumer=true', body);
  return sb.bz('POST', '/projects/_create', { ...body, remoteStorage: storageOf(1), remoteConsumer: consumerOf(1) });
}

function deleteObject(sb: TestSandbox, live: Live, gene: DriftGene): Promise<unknown> | undefined {
  const kinds = [['/service-providers', live.providers], ['/service-packages', live.packages], ['/subscriptions', live.subscriptions]] as const;
  const [path, objects] = kinds[gene.b % kinds.length] ?? kinds[0];
  const o = pick<{ id: string }>(objects, gene.a);
  return o && sb.sw('DELETE', `${path}/${o.id}`);
}

function resellerDefaults(sb: TestSandbox, gene: DriftGene): Promise<unknown> {
  const v = (gene.a % 2) + 1;
  const update = `?updateProjects=${gene.b % 2 === 0}`;
  return gene.flag ? sb.bz('PUT', `/_updateDefaultRemoteStorage${update}`, storageOf(v)) : sb.bz('PUT', `/_updateDefaultRemoteConsumer${update}`, consumerOf(v));
}

function runOne(sb: TestSandbox, live: Live, gene: DriftGene): Promise<unknown> | undefined {
  const foreign = (names: readonly string[]) => ({ [META_NAME]: pick(names, gene.a) ?? '', [META_OWNER]: 'team-b' });
  switch (gene.op) {
    case 'newProvider': return sb.sw('POST', '/service-providers', providerBody(`Console provider ${gene.a}`, gene.flag));
    case 'foreignProvider': return sb.sw('POST', '/service-providers', providerBody(`Team B provider ${gene.a}`, true, foreign(PROVIDERS)));
    case 'newPackage': {
      const providers = links(live.providers, gene.a, gene.b);
      return providers && sb.sw('POST', '/service-packages', { package_name: `Console package ${gene.a}`, providers });
    }
    case 'foreignPackage': {
      const providers = links(live.providers, gene.a, gene.b);
      return providers && sb.sw('POST', '/service-packages', { package_name: `Team B package ${gene.a}`, providers, metadata: foreign(PACKAGES) });
    }
    case 'newSubscription': return newSubscription(sb, live, gene);
    case 'patchProvider': {
      const p = pick(live.providers, gene.a);
      return p && patchProvider(sb, p, gene.b);
    }
    case 'patchPackage': {
      const g = pick(live.packages, gene.a);
      return g && patchPackage(sb, live, g, gene.b);
    }
    case 'patchSubscription': {
      const sub = pick(live.subscriptions, gene.a);
      return sub && patchSubscription(sb, live, sub, gene.b);
    }
    case 'deleteObject': return deleteObject(sb, live, gene);
    case 'newProject': return newProject(sb, live, gene);
    case 'deleteProject': {
      const p = pick(live.projects, gene.a);
      return p && sb.bz('DELETE', `/projects/${p.projectId}`);
    }
    case 'resellerDefaults': return resellerDefaults(sb, gene);
  }
}

/** Makes the drift changes one after the other, each against the live state of that moment. */
export async function applyDrift(sb: TestSandbox, genes: readonly DriftGene[]): Promise<void> {
  for (const gene of genes) await runOne(sb, await observe(sb), gene);
}

/** Ids of the live providers that `owner` does not own (unmanaged, or another configuration's). */
export async function foreignProviderIds(sb: TestSandbox, owner: string): Promise<string[]> {
  return (await list<ProviderWire>(sb, '/service-providers')).filter((p) => p.metadata[META_OWNER] !== owner).map((p) => p.id);
}
