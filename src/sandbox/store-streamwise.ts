/**
 * streamwise tables: providers, packages and subscriptions, each stored as its public JSON
 * document (lists concatenate stored documents without parsing them), plus the `attachments` join
 * table that answers "where is this provider used" without scanning documents.
 */
import type { Db } from './store.js';

/** The three streamwise collections, by their table name. */
export type Collection = 'providers' | 'packages' | 'subscriptions';

/** A provider reference inside a package or subscription. */
export interface Link {
  readonly provider_id: string;
  readonly default: boolean;
}

/** A public object as stored and returned. */
export type Doc = Record<string, unknown> & { readonly id: string };

/** Where a provider is attached. */
export interface Use {
  readonly kind: 'package' | 'subscription';
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
}

/** A named object in an error's details. */
export interface Ref {
  readonly id: string;
  readonly name: string;
}

/** What is written with a document besides it: the sealed secret, the owning package, the links. */
export interface Extra {
  readonly name: string;
  readonly secret?: string;
  readonly packageId?: string;
  readonly links?: readonly Link[];
}

/** Data access for streamwise; every method is synchronous and callers wrap writes in a transaction. */
export interface StreamwiseStore {
  page(collection: Collection, page: number, perPage: number): { docs: string[]; total: number };
  find(collection: Collection, id: string): Doc | undefined;
  exists(collection: Collection, id: string): boolean;
  save(collection: Collection, doc: Doc, extra: Extra): void;
  remove(collection: Collection, id: string): void;
  usesOf(providerId: string): Use[];
  subscriptionsOf(packageId: string): Ref[];
  subscriptionLinksOf(packageId: string): { id: string; name: string; provider_id: string }[];
  activeOf(providerIds: readonly string[]): Map<string, boolean>;
}

const OWNER_KIND = { packages: 'package', subscriptions: 'subscription' } as const;

/** Prepares every statement once; `collection` names are constants, never user input. */
export function createStreamwiseStore(db: Db): StreamwiseStore {
  const stmts = prepareCollections(db);
  const links = prepareLinks(db);
  const saveLinks = (owner: 'package' | 'subscription', id: string, list: readonly Link[]): void => {
    links.clear.run(owner, id);
    for (const l of list) links.insert.run(owner, id, l.provider_id, l.default ? 1 : 0);
  };
  return {
    page(collection, page, perPage) {
      const s = stmts[collection];
      const docs = s.page.all(perPage, (page - 1) * perPage).map((r) => r.doc);
      return { docs, total: s.count.get()?.n ?? 0 };
    },
    find: (collection, id) => {
      const row = stmts[collection].find.get(id);
      return row ? (JSON.parse(row.doc) as Doc) : undefined;
    },
    exists: (collection, id) => stmts[collection].find.get(id) !== undefined,
    save(collection, doc, extra) {
      const json = JSON.stringify(doc);
      if (collection === 'providers') stmts.providers.upsertProvider.run({ id: doc.id, name: extra.name, doc: json, secret: extra.secret ?? null });
      else if (collection === 'packages') stmts.packages.upsertPackage.run(doc.id, extra.name, json);
      else stmts.subscriptions.upsertSubscription.run(doc.id, extra.name, extra.packageId ?? '', json);
      if (collection !== 'providers' && extra.links) saveLinks(OWNER_KIND[collection], doc.id, extra.links);
    },
    remove(collection, id) {
      if (collection !== 'providers') links.clear.run(OWNER_KIND[collection], id);
      stmts[collection].remove.run(id);
    },
    usesOf: (providerId) => links.usesOf.all(providerId, providerId).map((r) => ({ kind: r.kind, id: r.id, name: r.name, isDefault: r.is_default === 1 })),
    subscriptionsOf: (packageId) => links.subscriptionsOf.all(packageId),
    subscriptionLinksOf: (packageId) => links.subscriptionLinksOf.all(packageId),
    activeOf(providerIds) {
      const found = providerIds.map((id) => [id, stmts.providers.find.get(id)] as const);
      return new Map(found.flatMap(([id, row]) => (row ? [[id, (JSON.parse(row.doc) as { active?: unknown }).active === true] as const] : [])));
    },
  };
}

function prepareCollections(db: Db) {
  const common = (t: Collection) => ({
    page: db.prepare<[number, number], { doc: string }>(`select doc from ${t} order by seq limit ? offset ?`),
    count: db.prepare<[], { n: number }>(`select count(*) as n from ${t}`),
    find: db.prepare<[string], { doc: string }>(`select doc from ${t} where id = ?`),
    remove: db.prepare(`delete from ${t} where id = ?`),
  });
  return {
    providers: {
      ...common('providers'),
      upsertProvider: db.prepare(`insert into providers (id, name, doc, secret) values (@id, @name, @doc, coalesce(@secret, ''))
        on conflict(id) do update set name = excluded.name, doc = excluded.doc, secret = coalesce(@secret, providers.secret)`),
    },
    packages: {
      ...common('packages'),
      upsertPackage: db.prepare(`insert into packages (id, name, doc) values (?, ?, ?)
        on conflict(id) do update set name = excluded.name, doc = excluded.doc`),
    },
    subscriptions: {
      ...common('subscriptions'),
      upsertSubscription: db.prepare(`insert into subscriptions (id, name, package_id, doc) values (?, ?, ?, ?)
        on conflict(id) do update set name = excluded.name, doc = excluded.doc`),
    },
  };
}

function prepareLinks(db: Db) {
  return {
    clear: db.prepare('delete from attachments where owner_kind = ? and owner_id = ?'),
    insert: db.prepare('insert into attachments (owner_kind, owner_id, provider_id, is_default) values (?, ?, ?, ?)'),
    usesOf: db.prepare<[string, string], { kind: 'package' | 'subscription'; id: string; name: string; is_default: number }>(
      `select 'package' as kind, p.id, p.name, a.is_default, p.seq from attachments a join packages p on p.id = a.owner_id
         where a.owner_kind = 'package' and a.provider_id = ?
       union all
       select 'subscription' as kind, s.id, s.name, a.is_default, s.seq from attachments a join subscriptions s on s.id = a.owner_id
         where a.owner_kind = 'subscription' and a.provider_id = ?
       order by kind, seq`),
    subscriptionsOf: db.prepare<[string], Ref>('select id, name from subscriptions where package_id = ? order by seq'),
    subscriptionLinksOf: db.prepare<[string], { id: string; name: string; provider_id: string }>(
      `select s.id, s.name, a.provider_id from subscriptions s join attachments a
         on a.owner_kind = 'subscription' and a.owner_id = s.id where s.package_id = ? order by s.seq`),
  };
}
