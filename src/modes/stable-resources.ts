/**
 * Resolves the secrets of a long-running mode's declarations incrementally: a declaration whose
 * parsed object is the same one as last run (its file did not change), with the same target and
 * the same values for the secrets it reads from outside itself (environment, file), gets last
 * run's resource object back without being resolved again. Only the others are resolved.
 *
 * Two things follow in a 10,000-object repository. A one-file change resolves that file's
 * declarations and compares the environment and file secrets of the rest, instead of resolving
 * all 10,000. And the engine, which remembers spec hashes per resource object (see
 * `desiredWithHashes`), hashes only the changed declarations.
 */
import { listSecrets } from '../config/map-secrets.js';
import { resolveSecrets, type SecretSources } from '../config/secrets.js';
import type { Declared, Diagnostic, Resource, SecretSource, Sensitive } from '../core/model.js';

/** A secret read from outside its declaration. */
type OutsideSource = Extract<SecretSource, { from: 'env' | 'file' | 'secretKeyRef' }>;

/** Where the resolver reads from this run; `knownFile` gives a file's text only when it is known without reading it. */
export interface ResolveSources extends SecretSources {
  readonly knownFile: (path: string) => string | undefined;
}

/** The declarations of one run: `declared[i]` (target assigned) came from the parsed object `sources[i]`. */
export interface ResolveInput {
  readonly sources: readonly Declared[];
  readonly declared: readonly Declared[];
}

/** One run's resolution. */
export interface Resolution {
  readonly resources: readonly Resource<Sensitive>[];
  readonly diagnostics: readonly Diagnostic[];
  /** The resources resolved this run (the others are last run's objects). */
  readonly resolved: readonly Resource<Sensitive>[];
  /** Remembers this run's resources for the next run; call it once the desired state is valid. */
  keep(): void;
}

/** Remembers last run's resources and the secret values they were resolved with. */
export interface StableResources {
  resolve(input: ResolveInput, from: ResolveSources): Promise<Resolution>;
}

interface Kept {
  readonly source: Declared;
  readonly resource: Resource<Sensitive>;
  readonly outside: readonly OutsideSource[];
  /** The value each of `outside` had (its text, for a file), in the same order. */
  readonly values: readonly string[];
}

const NONE: readonly OutsideSource[] = [];

function outsideOf(d: Declared): readonly OutsideSource[] {
  const out: OutsideSource[] = [];
  for (const { value } of listSecrets(d)) if (value.from !== 'literal') out.push(value);
  return out.length === 0 ? NONE : out;
}

/** The current value of each source, or undefined when one is not known without reading it (or has none). */
function currentValues(outside: readonly OutsideSource[], from: ResolveSources): string[] | undefined {
  const values: string[] = [];
  for (const s of outside) {
    const v = s.from === 'env' ? from.env[s.name] : s.from === 'file' ? from.knownFile(s.path) : undefined;
    if (v === undefined) return undefined;
    values.push(v);
  }
  return values;
}

function isUnchanged(k: Kept, source: Declared, d: Declared, from: ResolveSources): boolean {
  if (k.source !== source || k.resource.target !== d.target) return false;
  if (k.outside.length === 0) return true;
  const now = currentValues(k.outside, from);
  return now !== undefined && now.every((v, i) => v === k.values[i]);
}

/** Creates an empty memory; the first run resolves every declaration. */
export function createStableResources(): StableResources {
  let previous = new Map<string, Kept>();
  return {
    async resolve({ sources, declared }, from) {
      const out: (Resource<Sensitive> | undefined)[] = new Array(declared.length);
      const next = new Map<string, Kept>();
      const pending: number[] = [];
      for (let i = 0; i < declared.length; i++) {
        const d = declared[i] as Declared;
        const k = previous.get(d.key);
        if (k !== undefined && isUnchanged(k, sources[i] as Declared, d, from)) {
          out[i] = k.resource;
          next.set(d.key, k);
        } else pending.push(i);
      }
      const fresh = await resolveSecrets(pending.map((i) => declared[i] as Declared), from);
      let r = 0;
      for (const i of pending) {
        const d = declared[i] as Declared;
        const resource = fresh.resources[r];
        if (resource === undefined || resource.key !== d.key) continue; // not resolved: its diagnostics say why
        r += 1;
        out[i] = resource;
        const outside = outsideOf(d);
        const values = currentValues(outside, from);
        if (values !== undefined) next.set(d.key, { source: sources[i] as Declared, resource, outside, values });
      }
      return {
        resources: out.filter((x): x is Resource<Sensitive> => x !== undefined),
        diagnostics: fresh.diagnostics,
        resolved: fresh.resources,
        keep: () => { previous = next; },
      };
    },
  };
}
