import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Resource, Sensitive } from '../../../src/core/model.js';
import { createFileCache, type DesiredSnapshot, type FileCache, type FileCacheOptions } from '../../../src/modes/file-cache.js';

/** A provider whose secret is read from `secretFile` (relative to the declaring file). */
const providerFromFile = (name: string, secretFile: string): string => `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: ${name} }
spec:
  providerName: ${name}
  providerType: bbb
  properties:
    url: https://${name}.example.com/bigbluebutton/
    secret: { valueFrom: { file: ${secretFile} } }
`;

const secretOf = (r: Resource<Sensitive> | undefined): string => (r?.kind === 'ServiceProvider' ? r.spec.properties.secret.reveal() : '');

function valid(snapshot: DesiredSnapshot): Extract<DesiredSnapshot, { valid: true }> {
  if (!snapshot.valid) throw new Error(snapshot.diagnostics.map((d) => `${d.code} ${d.summary}`).join('\n'));
  return snapshot;
}

describe('secret files in the file cache', () => {
  let base: string;
  let config: string;
  let secrets: string;
  /** A clock a minute ahead: the files then look long written, so their reads are trusted. */
  const later = (): number => Date.now() + 60_000;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'syncwise-secret-files-'));
    config = join(base, 'config');
    secrets = join(config, 'secrets');
    await mkdir(secrets, { recursive: true });
    for (const name of ['a', 'b', 'c']) await writeFile(join(secrets, `${name}.secret`), `secret-${name}-1\n`);
    await writeFile(join(config, 'providers.yaml'), ['a', 'b', 'c'].map((n) => providerFromFile(n, `secrets/${n}.secret`)).join('---\n'));
    await writeFile(join(config, 'other.yaml'), providerFromFile('d', 'secrets/a.secret'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  async function started(options: Partial<FileCacheOptions> = {}): Promise<FileCache> {
    const cache = createFileCache({ paths: [config], env: {}, now: later, ...options });
    await cache.scan();
    return cache;
  }

  it('reads each secret file once, and not again while it is unchanged', async () => {
    const cache = await started();
    const first = valid(await cache.desired());
    expect(first.resources.map(secretOf)).toEqual(['secret-a-1', 'secret-a-1', 'secret-b-1', 'secret-c-1']);
    expect(cache.stats().secretReads).toBe(3);
    const edited = join(config, 'other.yaml');
    await writeFile(edited, providerFromFile('d', 'secrets/b.secret'));
    await cache.update([edited]);
    const second = valid(await cache.desired());
    expect(cache.stats().secretReads).toBe(3);
    expect(second.resources.map(secretOf)).toEqual(['secret-b-1', 'secret-a-1', 'secret-b-1', 'secret-c-1']);
    for (const i of [1, 2, 3]) expect(second.resources[i]).toBe(first.resources[i]);
    expect(second.resolved.map((r) => r.key)).toEqual(['ServiceProvider/d']);
  });

  it('picks up a secret rotated in place, by rename or through a re-pointed link on the next run', async () => {
    const cache = await started();
    valid(await cache.desired());
    await writeFile(join(secrets, 'a.secret'), 'secret-a-2 longer\n');
    await writeFile(join(secrets, 'b.secret.tmp'), 'secret-b-2\n');
    await rename(join(secrets, 'b.secret.tmp'), join(secrets, 'b.secret'));
    await writeFile(join(secrets, 'c-v2'), 'secret-c-2\n');
    await unlink(join(secrets, 'c.secret'));
    await symlink('c-v2', join(secrets, 'c.secret'));
    const rotated = valid(await cache.desired());
    expect(rotated.resources.map(secretOf)).toEqual(['secret-a-2 longer', 'secret-a-2 longer', 'secret-b-2', 'secret-c-2']);
    expect(cache.stats().secretReads).toBe(6);
    expect(rotated.resolved).toHaveLength(4);
  });

  it('reads a secret file read within 2 s of its last change again on the next run: a same-size rewrite in the same clock tick could look unchanged', async () => {
    let ahead = 0;
    const cache = await started({ now: () => Date.now() + ahead });
    expect(valid(await cache.desired()).resources.map(secretOf)[1]).toBe('secret-a-1');
    expect(cache.stats().secretReads).toBe(3);
    await writeFile(join(secrets, 'a.secret'), 'secret-a-9\n');
    expect(valid(await cache.desired()).resources.map(secretOf).slice(0, 2)).toEqual(['secret-a-9', 'secret-a-9']);
    expect(cache.stats().secretReads).toBe(6);
    ahead = 60_000;
    valid(await cache.desired());
    expect(cache.stats().secretReads).toBe(9);
    valid(await cache.desired());
    expect(cache.stats().secretReads).toBe(9);
  });

  it('refuses a secret file once a link on its path leads outside the root, though the file is unchanged', async () => {
    const outside = join(base, 'outside');
    await mkdir(outside);
    for (const name of ['a', 'b', 'c']) await writeFile(join(outside, `${name}.secret`), `secret-${name}-1\n`);
    await rename(secrets, join(config, 'real-secrets'));
    await symlink('real-secrets', secrets);
    const cache = await started();
    valid(await cache.desired());
    await unlink(secrets);
    await symlink(outside, secrets);
    const moved = await cache.desired();
    expect(moved.valid).toBe(false);
    expect(moved.diagnostics.filter((d) => d.code === 'CONFIG_PATH_ESCAPE').map((d) => d.origin?.path)).toEqual([
      'spec.properties.secret.valueFrom.file',
      'spec.properties.secret.valueFrom.file',
      'spec.properties.secret.valueFrom.file',
      'spec.properties.secret.valueFrom.file',
    ]);
    await unlink(secrets);
    await symlink('real-secrets', secrets);
    await unlink(join(config, 'real-secrets', 'c.secret'));
    await symlink(join(outside, 'b.secret'), join(config, 'real-secrets', 'c.secret'));
    const linked = await cache.desired();
    expect(linked.valid).toBe(false);
    expect(linked.diagnostics.filter((d) => d.code === 'CONFIG_PATH_ESCAPE')).toHaveLength(1);
    expect(JSON.stringify(linked.diagnostics)).not.toContain('secret-b-1');
  });

  it('reports a secret file that disappeared, and reads it again once it is back', async () => {
    const cache = await started();
    valid(await cache.desired());
    await unlink(join(secrets, 'b.secret'));
    const gone = await cache.desired();
    expect(gone.valid).toBe(false);
    expect(gone.diagnostics.map((d) => d.code)).toEqual(['CONFIG_SECRET_MISSING']);
    await writeFile(join(secrets, 'b.secret'), 'secret-b-3\n');
    expect(valid(await cache.desired()).resources.map(secretOf)[2]).toBe('secret-b-3');
  });
});
