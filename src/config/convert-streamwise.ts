/**
 * Converters of the streamwise kinds: ServiceProvider, ServicePackage, Subscription. Defaults are
 * those of schemas/ (a unit test compares them). Pure.
 */
import type { Attachment, Declared, ObjectRef } from '../core/model.js';
import { envelope, userMetadata, type Collector, type ConvertContext } from './convert-common.js';
import type * as G from './generated/declarations.js';

function ref(by: { name?: string | undefined; id?: string | undefined }): ObjectRef {
  return by.name !== undefined ? { by: 'name', name: by.name } : { by: 'id', id: by.id ?? '' };
}

function attachments(list: readonly G.ProviderAttachment[], ctx: ConvertContext): Attachment[] {
  return list.map((a, i) => {
    ctx.cite(['spec', 'providers', i]);
    ctx.cite(['spec', 'providers', i, a.providerRef !== undefined ? 'providerRef' : 'providerId']);
    return { provider: ref({ name: a.providerRef, id: a.providerId }), isDefault: a.default ?? false };
  });
}

/** Converts a ServiceProvider (defaults: active, serviceType `meet`, settings `{}`, deletionPolicy Delete). */
export function providerDeclared(doc: G.ServiceProvider, c: Collector): Declared {
  const s = doc.spec;
  const spec = {
    providerName: s.providerName,
    active: s.active ?? true,
    providerType: s.providerType,
    serviceType: s.serviceType ?? 'meet',
    properties: { url: s.properties.url, secret: c.source(s.properties.secret, ['spec', 'properties', 'secret']) },
    settings: {},
    ...userMetadata(s.userMetadata),
  };
  return { ...envelope('ServiceProvider', doc, c), deletionPolicy: s.deletionPolicy ?? 'Delete', spec };
}

/** Converts a ServicePackage; an attachment without `default` is not the default. */
export function packageDeclared(doc: G.ServicePackage, c: Collector): Declared {
  const s = doc.spec;
  const spec = { packageName: s.packageName, providers: attachments(s.providers, c), ...userMetadata(s.userMetadata) };
  return { ...envelope('ServicePackage', doc, c), deletionPolicy: s.deletionPolicy ?? 'Delete', spec };
}

/** Converts a Subscription; its package is referenced by name (`packageRef`) or platform id. */
export function subscriptionDeclared(doc: G.Subscription, c: Collector): Declared {
  const s = doc.spec;
  c.cite(['spec', s.packageRef !== undefined ? 'packageRef' : 'packageId']);
  const spec = {
    subscriptionName: s.subscriptionName,
    package: ref({ name: s.packageRef, id: s.packageId }),
    providers: attachments(s.providers, c),
    ...userMetadata(s.userMetadata),
  };
  return { ...envelope('Subscription', doc, c), deletionPolicy: s.deletionPolicy ?? 'Delete', spec };
}

