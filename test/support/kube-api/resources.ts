/**
 * The resource types the fake Kubernetes API server serves, and its discovery documents, in the
 * shapes kube-apiserver returns (client-node's KubernetesObjectApi resolves plurals through them).
 */

/** One served resource type: where it lives and which storage rules apply to it. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  /** Whether the type has a `/status` subresource (the main endpoint then ignores status changes). */
  readonly hasStatus: boolean;
  /** Custom resources keep `metadata.generation` and return the deleted object from DELETE. */
  readonly isCustom: boolean;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function custom(kind: string, plural: string, shortName: string): ResourceType {
  const singular = kind.toLowerCase();
  return { group: 'syncwise.io', version: 'v1alpha1', kind, plural, singular, shortNames: [shortName], hasStatus: true, isCustom: true };
}

function builtIn(group: string, version: string, kind: string, plural: string): ResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), shortNames: [], hasStatus: false, isCustom: false };
}

/** Every resource type served: the six syncwise kinds, Secrets, ConfigMaps, both Event APIs and Leases. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  custom('Target', 'targets', 'swtarget'),
  custom('ServiceProvider', 'serviceproviders', 'swsp'),
  custom('ServicePackage', 'servicepackages', 'swpkg'),
  custom('Subscription', 'subscriptions', 'swsub'),
  custom('ProjectDefaults', 'projectdefaults', 'swpd'),
  custom('Project', 'projects', 'swproj'),
  builtIn('', 'v1', 'Secret', 'secrets'),
  builtIn('', 'v1', 'ConfigMap', 'configmaps'),
  builtIn('', 'v1', 'Event', 'events'),
  builtIn('events.k8s.io', 'v1', 'Event', 'events'),
  builtIn('coordination.k8s.io', 'v1', 'Lease', 'leases'),
];

/** `apiVersion` of a type: `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(t: ResourceType): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** A key unique per type across groups, used for storage and watch history. */
export function typeKey(t: ResourceType): string {
  return t.group === '' ? t.plural : `${t.plural}.${t.group}`;
}

/** The type served at `group/version/plural`, if any. */
export function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/**
 * Resolves what a test names: a plural (`serviceproviders`, `events.events.k8s.io`), a kind
 * (`ServiceProvider`) or a short name. Kinds served by two groups (Event) resolve to the core one.
 */
export function resolveType(name: string): ResourceType {
  const found = RESOURCE_TYPES.find((t) => typeKey(t) === name)
    ?? RESOURCE_TYPES.find((t) => t.plural === name || t.kind === name || t.shortNames.includes(name));
  if (found === undefined) throw new Error(`fake kube-apiserver: no resource type named ${name}`);
  return found;
}

function groupVersions(): Map<string, ResourceType[]> {
  const byGv = new Map<string, ResourceType[]>();
  for (const t of RESOURCE_TYPES) byGv.set(apiVersionOf(t), [...(byGv.get(apiVersionOf(t)) ?? []), t]);
  return byGv;
}

function resourceList(groupVersion: string, types: readonly ResourceType[]): object {
  const resources = types.flatMap((t) => [
    { name: t.plural, singularName: t.singular, namespaced: true, kind: t.kind, verbs: [...VERBS, 'deletecollection'].sort(),
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}), ...(t.isCustom ? { categories: ['syncwise'] } : {}) },
    ...(t.hasStatus ? [{ name: `${t.plural}/status`, singularName: '', namespaced: true, kind: t.kind, verbs: ['get', 'patch', 'update'] }] : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** The discovery document at `path` (`/api`, `/api/v1`, `/apis`, `/apis/g`, `/apis/g/v`, `/version`), if it is one. */
export function discovery(path: string): object | undefined {
  const byGv = groupVersions();
  if (path === '/version') return { major: '1', minor: '33', gitVersion: 'v1.33.0-syncwise-fake', platform: 'linux/amd64' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/api/v1') return resourceList('v1', byGv.get('v1') ?? []);
  const groups = [...new Set(RESOURCE_TYPES.filter((t) => t.group !== '').map((t) => t.group))].map((name) => {
    const gv = RESOURCE_TYPES.find((t) => t.group === name)?.version ?? 'v1';
    const version = { groupVersion: `${name}/${gv}`, version: gv };
    return { name, versions: [version], preferredVersion: version };
  });
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m === null) return undefined;
  if (m[2] === undefined) {
    const group = groups.find((g) => g.name === m[1]);
    return group === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...group };
  }
  const types = byGv.get(`${m[1]}/${m[2]}`);
  return types === undefined ? undefined : resourceList(`${m[1]}/${m[2]}`, types);
}
