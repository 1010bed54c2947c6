/**
 * bluzone tables: resellers (created by the platform's administrators; the sandbox seeds two) and
 * their projects. Every secret (api keys, default storage/consumer credentials, project api keys,
 * owner passwords) is sealed at rest; the public part of a project is kept as a plain document.
 */
import { randomBytes } from 'node:crypto';
import type { Sealer } from './crypto.js';
import { secretEquals } from './http-io.js';
import type { Db } from './store.js';

/** A JSON object. */
type Json = Record<string, unknown>;

/** Which default of a reseller, and the project field that copies it. */
export type DefaultKind = 'remoteStorage' | 'remoteConsumer';

/** A project as returned on the wire (the owner password is never part of it). */
export type Project = Json & { readonly projectId: string };

/** The secret part of a project, sealed as one value. */
interface ProjectSecrets {
  projectApiKey: string;
  defaultOwnerPassword: string;
  remoteStorage: Json | null;
  remoteConsumer: Json | null;
}

/** Data access for bluzone; synchronous, callers wrap writes in a transaction. */
export interface BluzoneStore {
  /** Creates resellers '1' and '2' when absent; sets reseller 1's key to `apiKey` when given. Returns reseller 1's key. */
  seedResellers(apiKey?: string): string;
  /** The reseller whose key this is. */
  resellerOfKey(key: string): string | undefined;
  reseller(id: string): Json | undefined;
  setDefault(id: string, kind: DefaultKind, value: Json | null, at: number): void;
  projects(resellerId: string): Project[];
  project(resellerId: string, projectId: string): Project | undefined;
  hasProjectNamed(resellerId: string, name: string): boolean;
  insertProject(resellerId: string, project: Project, password: string): void;
  deleteProject(resellerId: string, projectId: string): boolean;
  /** Rewrites the copy of the default in every project that follows it; returns how many. */
  updateFollowers(resellerId: string, kind: DefaultKind, value: Json | null, at: number): number;
}

interface ResellerRow {
  id: string; name: string; contact_email: string; api_key: string;
  default_remote_storage: string | null; default_remote_consumer: string | null; created_at: number; updated_at: number;
}

const SEEDS = [
  { id: '1', name: 'Sandbox Reseller', contactEmail: 'reseller@sandbox.example' },
  { id: '2', name: 'Other Reseller', contactEmail: 'other@sandbox.example' },
] as const;

const PUBLIC_KEYS = ['projectId', 'projectName', 'defaultOwnerEmail', 'joinAccountsEnabled', 'debugEnabled', 'useDefaultRemoteStorage', 'useDefaultRemoteConsumer', 'createdAt', 'updatedAt'] as const;

/** Turns stored rows into wire projects and back: the secrets travel as one sealed value. */
function projectCodec(sealer: Sealer) {
  return {
    toProject(row: { doc: string; sealed: string }): Project {
      const doc = JSON.parse(row.doc) as Json;
      const secrets = JSON.parse(sealer.open(row.sealed)) as ProjectSecrets;
      return {
        projectId: String(doc.projectId), projectName: doc.projectName, projectApiKey: secrets.projectApiKey,
        defaultOwnerEmail: doc.defaultOwnerEmail, joinAccountsEnabled: doc.joinAccountsEnabled, debugEnabled: doc.debugEnabled,
        useDefaultRemoteStorage: doc.useDefaultRemoteStorage, useDefaultRemoteConsumer: doc.useDefaultRemoteConsumer,
        remoteStorage: secrets.remoteStorage, remoteConsumer: secrets.remoteConsumer, createdAt: doc.createdAt, updatedAt: doc.updatedAt,
      };
    },
    toRow(p: Project, password: string): { doc: string; sealed: string } {
      const secrets: ProjectSecrets = { projectApiKey: String(p.projectApiKey), defaultOwnerPassword: password, remoteStorage: p.remoteStorage as Json | null, remoteConsumer: p.remoteConsumer as Json | null };
      return { doc: JSON.stringify(Object.fromEntries(PUBLIC_KEYS.map((k) => [k, p[k]]))), sealed: sealer.seal(JSON.stringify(secrets)) };
    },
    passwordOf: (row: { sealed: string }): string => (JSON.parse(sealer.open(row.sealed)) as ProjectSecrets).defaultOwnerPassword,
  };
}

/** The wire form of a reseller, its defaults opened. */
function toReseller(row: ResellerRow, sealer: Sealer): Json {
  const open = (sealed: string | null): Json | null => (sealed === null ? null : (JSON.parse(sealer.open(sealed)) as Json));
  return {
    serviceProviderId: row.id, name: row.name, contactEmail: row.contact_email,
    defaultRemoteStorage: open(row.default_remote_storage), defaultRemoteConsumer: open(row.default_remote_consumer),
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

/** Creates the seeded resellers when absent and loads every reseller's key; returns key -> reseller id. */
function seedResellers(s: Statements, sealer: Sealer, apiKey: string | undefined): Map<string, string> {
  const at = Date.now();
  for (const seed of SEEDS) {
    const key = seed.id === '1' ? apiKey : undefined;
    if (!s.reseller.get(seed.id)) s.insertReseller.run(seed.id, seed.name, seed.contactEmail, sealer.seal(key ?? randomBytes(24).toString('base64url')), at, at);
    else if (key !== undefined) s.setKey.run(sealer.seal(key), seed.id);
  }
  return new Map(s.resellers.all().map((row) => [sealer.open(row.api_key), row.id]));
}

/** Prepares the statements once. */
export function createBluzoneStore(db: Db, sealer: Sealer): BluzoneStore {
  const s = prepare(db);
  const codec = projectCodec(sealer);
  let keys = new Map<string, string>();
  return {
    seedResellers(apiKey) {
      keys = seedResellers(s, sealer, apiKey);
      return [...keys].find(([, id]) => id === '1')?.[0] ?? '';
    },
    resellerOfKey: (key) => [...keys].find(([k]) => secretEquals(key, k))?.[1],
    reseller(id) {
      const row = s.reseller.get(id);
      return row && toReseller(row, sealer);
    },
    setDefault(id, kind, value, at) {
      (kind === 'remoteStorage' ? s.setStorage : s.setConsumer).run(value === null ? null : sealer.seal(JSON.stringify(value)), at, id);
    },
    projects: (resellerId) => s.projects.all(resellerId).map(codec.toProject),
    project(resellerId, projectId) {
      const row = s.project.get(resellerId, projectId);
      return row ? codec.toProject(row) : undefined;
    },
    hasProjectNamed: (resellerId, name) => s.projectNamed.get(resellerId, name) !== undefined,
    insertProject(resellerId, project, password) {
      const { doc, sealed } = codec.toRow(project, password);
      s.insertProject.run(resellerId, project.projectId, String(project.projectName), doc, sealed);
    },
    deleteProject: (resellerId, projectId) => s.deleteProject.run(resellerId, projectId).changes > 0,
    updateFollowers(resellerId, kind, value, at) {
      const flag = kind === 'remoteStorage' ? 'useDefaultRemoteStorage' : 'useDefaultRemoteConsumer';
      const followers = s.projects.all(resellerId).map((row) => ({ row, project: codec.toProject(row) })).filter((f) => f.project[flag] === true);
      for (const { row, project } of followers) {
        const { doc, sealed } = codec.toRow({ ...project, [kind]: value, updatedAt: at }, codec.passwordOf(row));
        s.updateProject.run(doc, sealed, resellerId, project.projectId);
      }
      return followers.length;
    },
  };
}

type Statements = ReturnType<typeof prepare>;

function prepare(db: Db) {
  return {
    reseller: db.prepare<[string], ResellerRow>('select * from resellers where id = ?'),
    resellers: db.prepare<[], ResellerRow>('select * from resellers order by id'),
    insertReseller: db.prepare(`insert into resellers (id, name, contact_email, api_key, created_at, updated_at) values (?, ?, ?, ?, ?, ?)`),
    setKey: db.prepare('update resellers set api_key = ? where id = ?'),
    setStorage: db.prepare('update resellers set default_remote_storage = ?, updated_at = ? where id = ?'),
    setConsumer: db.prepare('update resellers set default_remote_consumer = ?, updated_at = ? where id = ?'),
    projects: db.prepare<[string], { doc: string; sealed: string }>('select doc, sealed from projects where reseller_id = ? order by seq'),
    project: db.prepare<[string, string], { doc: string; sealed: string }>('select doc, sealed from projects where reseller_id = ? and project_id = ?'),
    projectNamed: db.prepare<[string, string], { seq: number }>('select seq from projects where reseller_id = ? and project_name = ?'),
    insertProject: db.prepare('insert into projects (reseller_id, project_id, project_name, doc, sealed) values (?, ?, ?, ?, ?)'),
    updateProject: db.prepare('update projects set doc = ?, sealed = ? where reseller_id = ? and project_id = ?'),
    deleteProject: db.prepare('delete from projects where reseller_id = ? and project_id = ?'),
  };
}
