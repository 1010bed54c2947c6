import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileCache, type FileCache } from '../../../src/modes/file-cache.js';
import { providerYaml } from './fixtures.js';

const ENV = { PROVIDER_SECRET: 'cache-secret-value' };

describe('file cache', () => {
  let dir: string;
  let cache: FileCache;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'syncwise-cache-'));
    await mkdir(join(dir, 'team'));
    for (let i = 0; i < 40; i++) await writeFile(join(dir, 'team', `p${i}.yaml`), providerYaml(`p${i}`, `Provider ${i}`));
    await writeFile(join(dir, 'README.md'), '# not a declaration\n');
    cache = createFileCache({ paths: [dir], env: ENV });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const names = async (): Promise<string[]> => {
    const snapshot = await cache.desired();
    if (!snapshot.valid) throw new Error(snapshot.diagnostics.map((d) => d.summary).join('\n'));
    return snapshot.resources.map((r) => (r.kind === 'ServiceProvider' ? r.spec.providerName : r.name)).sort();
  };

  it('re-parses only the edited file, and resolves the whole set', async () => {
    await cache.scan();
    expect(cache.stats()).toMatchObject({ files: 40, parses: 40, listings: 1 });
    const edited = join(dir, 'team', 'p7.yaml');
    await writeFile(edited, providerYaml('p7', 'Provider Seven'));
    const update = await cache.update([edited]);
    expect(update).toEqual({ changed: true, parsed: [edited], removed: [] });
    expect(cache.stats()).toMatchObject({ files: 40, parses: 41, reads: 41, listings: 1 });
    expect(await names()).toContain('Provider Seven');
  });

  it('re-parses only the edited document of a multi-document file, and resolves only its declaration', async () => {
    const many = join(dir, 'team', 'many.yaml');
    const text = (second: string): string => [providerYaml('m0', 'Many 0'), providerYaml('m1', second), providerYaml('m2', 'Many 2')].join('---\n');
    await writeFile(many, text('Many 1'));
    await cache.scan();
    expect(cache.stats()).toMatchObject({ parses: 41, documentParses: 3 });
    expect(await names()).toContain('Many 1');
    await writeFile(many, text('Many one'));
    expect(await cache.update([many])).toEqual({ changed: true, parsed: [many], removed: [] });
    expect(cache.stats()).toMatchObject({ parses: 42, documentParses: 4 });
    const same = await cache.desired();
    expect(same.valid && same.resolved.map((r) => r.name)).toEqual(['m1']);
    // a line more moves the document after the edited one: it keeps its parse at its new line
    await writeFile(many, text('Many one\n  # a line more'));
    await cache.update([many]);
    expect(cache.stats()).toMatchObject({ parses: 43, documentParses: 5 });
    const moved = await cache.desired();
    expect(moved.valid && moved.resolved.map((r) => r.name)).toEqual(['m1', 'm2']);
    expect(moved.valid && moved.resources.find((r) => r.name === 'm2')?.origin).toMatchObject({ file: many, line: 24 });
  });

  it('parses nothing when a save leaves the content as it was', async () => {
    await cache.scan();
    const same = join(dir, 'team', 'p3.yaml');
    await writeFile(same, providerYaml('p3', 'Provider 3'));
    expect(await cache.update([same])).toEqual({ changed: false, parsed: [], removed: [] });
    expect(cache.stats()).toMatchObject({ parses: 40, unchanged: 1 });
    expect(await cache.scan()).toMatchObject({ changed: false });
    expect(cache.stats()).toMatchObject({ parses: 40, unchanged: 41 });
  });

  it('follows added, renamed and deleted files and directories', async () => {
    await cache.scan();
    const added = join(dir, 'team', 'new.yml');
    await writeFile(added, providerYaml('fresh', 'Fresh'));
    expect(await cache.update([added])).toMatchObject({ changed: true, parsed: [added] });
    const moved = join(dir, 'moved.yaml');
    await rename(added, moved);
    expect(await cache.update([added, moved])).toEqual({ changed: true, parsed: [moved], removed: [added] });
    expect(cache.stats()).toMatchObject({ files: 41 });
    await rm(join(dir, 'team'), { recursive: true });
    const gone = await cache.update([join(dir, 'team')]);
    expect(gone.removed).toHaveLength(40);
    expect(await names()).toEqual(['Fresh']);
  });

  it('keeps the last valid state while an edit is invalid, with the error located', async () => {
    await cache.scan();
    expect(await names()).toHaveLength(40);
    const broken = join(dir, 'team', 'p1.yaml');
    await writeFile(broken, providerYaml('p1', 'Provider 1').replace('active: true', 'active: maybe'));
    await cache.update([broken]);
    const snapshot = await cache.desired();
    expect(snapshot.valid).toBe(false);
    expect(snapshot.diagnostics[0]).toMatchObject({ severity: 'error', origin: { file: broken, line: 6, col: 11 } });
    expect(snapshot.diagnostics[0]?.summary).toContain('active');
    expect(snapshot.valid === false && snapshot.lastValid?.length).toBe(40);
  });

  it('reports a reference another file no longer satisfies, and clears it when the file is restored', async () => {
    const pkg = join(dir, 'package.yaml');
    await writeFile(pkg, 'apiVersion: syncwise.io/v1alpha1\nkind: ServicePackage\nmetadata: { name: k }\nspec:\n  packageName: K\n  providers: [{ providerRef: p5, default: true }]\n');
    await cache.scan();
    expect(await names()).toHaveLength(41);
    const p5 = join(dir, 'team', 'p5.yaml');
    await writeFile(p5, providerYaml('p55', 'Provider 5'));
    await cache.update([p5]);
    const dangling = await cache.desired();
    expect(dangling.valid).toBe(false);
    expect(dangling.diagnostics.map((d) => [d.code, d.origin?.file, d.origin?.line])).toEqual([['CONFIG_DANGLING_REF', pkg, 6]]);
    await writeFile(p5, providerYaml('p5', 'Provider 5'));
    await cache.update([p5]);
    expect(await names()).toHaveLength(41);
  });

  it('reports a duplicate across files through the cross-file check', async () => {
    await cache.scan();
    const twin = join(dir, 'twin.yaml');
    await writeFile(twin, providerYaml('p0', 'Twin'));
    await cache.update([twin]);
    const snapshot = await cache.desired();
    expect(snapshot.valid).toBe(false);
    expect(snapshot.diagnostics.map((d) => d.code)).toContain('CONFIG_DUPLICATE_NAME');
  });
});
