/**
 * The sandbox's storage: one SQLite file (better-sqlite3) in WAL mode, its schema brought up to
 * date by numbered migrations, and small settings (credentials) sealed with the store's key.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Sealer } from './crypto.js';

/** An open database. */
export type Db = Database.Database;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Append only:
 * an applied migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  `create table settings (name text primary key, sealed text not null) without rowid;
   create table providers (seq integer primary key, id text not null unique, name text not null,
     doc text not null, secret text not null);
   create table packages (seq integer primary key, id text not null unique, name text not null, doc text not null);
   create table subscriptions (seq integer primary key, id text not null unique, name text not null,
     package_id text not null references packages(id), doc text not null);
   create index subscriptions_package on subscriptions(package_id);
   create table attachments (owner_kind text not null check (owner_kind in ('package', 'subscription')),
     owner_id text not null, provider_id text not null references providers(id), is_default integer not null,
     primary key (owner_kind, owner_id, provider_id)) without rowid;
   create index attachments_provider on attachments(provider_id);
   create table resellers (id text primary key, name text not null, contact_email text not null,
     api_key text not null, default_remote_storage text, default_remote_consumer text,
     created_at integer not null, updated_at integer not null);
   create table projects (seq integer primary key, reseller_id text not null references resellers(id),
     project_id text not null unique, project_name text not null, doc text not null, sealed text not null,
     unique (reseller_id, project_name));`,
];

/** Opens (creating when absent) the database at `path` and runs pending migrations. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i] ?? '');
      db.pragma(`user_version = ${i + 1}`);
    }).immediate();
  }
}

/** Named values sealed at rest: the bearer token and the key check. */
export interface Settings {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

/** Reads and writes settings through `sealer`. */
export function createSettings(db: Db, sealer: Sealer): Settings {
  const read = db.prepare<[string], { sealed: string }>('select sealed from settings where name = ?');
  const write = db.prepare('insert into settings (name, sealed) values (?, ?) on conflict(name) do update set sealed = excluded.sealed');
  return {
    get: (name) => {
      const row = read.get(name);
      return row ? sealer.open(row.sealed) : undefined;
    },
    set: (name, value) => {
      write.run(name, sealer.seal(value));
    },
  };
}

const KEY_CHECK = 'syncwise-sandbox-key-check';

/**
 * Proves the key opens this database: the first start stores a sealed marker, later starts must
 * open it. A wrong `SYNCWISE_SANDBOX_KEY` thus fails at start rather than on the first secret.
 */
export function verifyKey(settings: Settings): void {
  let value: string | undefined;
  try {
    value = settings.get('key_check');
  } catch {
    throw new Error('the sandbox encryption key does not open this database (SYNCWISE_SANDBOX_KEY or the .key file beside it changed)');
  }
  if (value === undefined) settings.set('key_check', KEY_CHECK);
}
