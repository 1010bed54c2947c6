/**
 * Turns Target declarations into connection settings, and places resources on the embedded
 * sandbox when the configuration declares no Target at all.
 */
import { EMBEDDED_TARGET, type Api, type Kind, type Resource, type Sensitive } from '../core/model.js';
import type { ResolvedTarget } from './ports.js';

/** Names of the two targets the embedded sandbox serves (one per API). */
export const EMBEDDED_TARGETS: Readonly<Record<Api, string>> = { streamwise: 'embedded-streamwise', bluzone: 'embedded-bluzone' };

/** Credentials of a running embedded sandbox. */
export interface EmbeddedPlatform {
  readonly url: string;
  readonly token: string;
  readonly apiKey: string;
  readonly serviceProviderId: string;
  close(): Promise<void>;
}

/** The API a managed kind lives on. */
export function apiOfKind(kind: Exclude<Kind, 'Target'>): Api {
  return kind === 'Project' || kind === 'ProjectDefaults' ? 'bluzone' : 'streamwise';
}

/** Moves resources declared for the embedded default onto the per-API embedded target names. */
export function placeOnEmbedded<R extends Resource<Sensitive>>(resources: readonly R[]): R[] {
  return resources.map((r) => (r.kind !== 'Target' && r.target === EMBEDDED_TARGET ? { ...r, target: EMBEDDED_TARGETS[apiOfKind(r.kind)] } : r));
}

/** Connection settings of every declared Target. */
export function declaredTargets(resources: readonly Resource<Sensitive>[]): ResolvedTarget[] {
  const out: ResolvedTarget[] = [];
  for (const r of resources) {
    if (r.kind !== 'Target') continue;
    const s = r.spec;
    out.push({
      name: r.name,
      api: s.api,
      url: s.url.replace(/\/+$/, ''),
      timeoutSeconds: s.timeoutSeconds,
      maxRequestsPerSecond: s.maxRequestsPerSecond,
      ...(s.token !== undefined ? { token: s.token } : {}),
      ...(s.apiKey !== undefined ? { apiKey: s.apiKey } : {}),
      ...(s.serviceProviderId !== undefined ? { serviceProviderId: s.serviceProviderId } : {}),
    });
  }
  return out;
}

/** The two targets of a running embedded sandbox. */
export function embeddedTargets(platform: EmbeddedPlatform, sensitive: (v: string) => Sensitive): ResolvedTarget[] {
  const common = { url: platform.url.replace(/\/+$/, ''), timeoutSeconds: 30, maxRequestsPerSecond: 10_000 };
  return [
    { ...common, name: EMBEDDED_TARGETS.streamwise, api: 'streamwise', token: sensitive(platform.token) },
    { ...common, name: EMBEDDED_TARGETS.bluzone, api: 'bluzone', apiKey: sensitive(platform.apiKey), serviceProviderId: platform.serviceProviderId },
  ];
}
