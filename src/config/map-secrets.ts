/**
 * Visits and replaces the secret fields of a resource, whatever its kind: Target token and apiKey,
 * ServiceProvider properties.secret, Project defaultOwnerPassword, and remoteStorage.secretKey /
 * remoteConsumer.awsSecretKey of ProjectDefaults and Project. Pure.
 */
import { assertNever, type RemoteConsumer, type RemoteStorage, type Resource, type UseDefault } from '../core/model.js';
import type { FieldPath } from './locate.js';

/** Replaces one secret value; `path` names the field, e.g. `['spec', 'properties', 'secret']`. */
export type SecretMapper<A, B> = (value: A, path: FieldPath) => B;

function storage<A, B>(rs: RemoteStorage<A>, f: SecretMapper<A, B>, path: FieldPath): RemoteStorage<B> {
  return { ...rs, secretKey: f(rs.secretKey, [...path, 'secretKey']) };
}

function consumer<A, B>(rc: RemoteConsumer<A>, f: SecretMapper<A, B>, path: FieldPath): RemoteConsumer<B> {
  return { ...rc, awsSecretKey: f(rc.awsSecretKey, [...path, 'awsSecretKey']) };
}

function isUseDefault(v: object): v is UseDefault {
  return 'useDefault' in v;
}

function optional<T, U>(v: T | undefined, key: string, f: (v: T) => U): Record<string, U> {
  return v === undefined ? {} : { [key]: f(v) };
}

/** Returns `r` with every secret replaced by `f(secret, path)`; other fields are shared, not copied. */
export function mapSecrets<A, B>(r: Resource<A>, f: SecretMapper<A, B>): Resource<B> {
  switch (r.kind) {
    case 'Target': {
      const { token, apiKey, ...rest } = r.spec;
      const spec = { ...rest, ...optional(token, 'token', (t) => f(t, ['spec', 'token'])), ...optional(apiKey, 'apiKey', (k) => f(k, ['spec', 'apiKey'])) };
      return { ...r, spec };
    }
    case 'ServiceProvider':
      return { ...r, spec: { ...r.spec, properties: { ...r.spec.properties, secret: f(r.spec.properties.secret, ['spec', 'properties', 'secret']) } } };
    case 'ServicePackage':
    case 'Subscription':
      return r;
    case 'ProjectDefaults': {
      const { remoteStorage: rs, remoteConsumer: rc, ...rest } = r.spec;
      const spec = {
        ...rest,
        ...optional(rs, 'remoteStorage', (v) => storage(v, f, ['spec', 'remoteStorage'])),
        ...optional(rc, 'remoteConsumer', (v) => consumer(v, f, ['spec', 'remoteConsumer'])),
      };
      return { ...r, spec };
    }
    case 'Project': {
      const s = r.spec;
      const remoteStorage = isUseDefault(s.remoteStorage) ? s.remoteStorage : storage(s.remoteStorage, f, ['spec', 'remoteStorage']);
      const remoteConsumer = isUseDefault(s.remoteConsumer) ? s.remoteConsumer : consumer(s.remoteConsumer, f, ['spec', 'remoteConsumer']);
      return { ...r, spec: { ...s, defaultOwnerPassword: f(s.defaultOwnerPassword, ['spec', 'defaultOwnerPassword']), remoteStorage, remoteConsumer } };
    }
    default:
      return assertNever(r);
  }
}

/** Lists the secrets of `r` with their field paths, in a stable order. */
export function listSecrets<A>(r: Resource<A>): { readonly value: A; readonly path: FieldPath }[] {
  const out: { value: A; path: FieldPath }[] = [];
  mapSecrets(r, (value, path) => {
    out.push({ value, path });
    return value;
  });
  return out;
}
