import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDeclarations, type LoadResult } from '../../../src/config/load-files.js';
import { renderDiagnostics } from '../../../src/core/diagnostics.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncwise-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pkg = (name: string): string => `apiVersion: syncwise.io/v1alpha1\nkind: ServicePackage\nmetadata: { name: ${name} }\nspec:\n  packageName: ${name}\n  providers: [{ providerId: k3Jx9q, default: true }]\n`;
const providerWithFile = (file: string): string =>
  `apiVersion: syncwise.io/v1alpha1\nkind: ServiceProvider\nmetadata: { name: p1 }\nspec:\n  providerName: P1\n  providerType: bbb\n  properties:\n    url: https://p1.example.com/\n    secret: { valueFrom: { file: ${file} } }\n`;

async function put(path: string, content: string | Buffer): Promise<string> {
  const full = join(dir, path);
  await mkdir(join(full, '..'), { recursive: true });
  await writeFile(full, content);
  return full;
}

const report = (r: LoadResult): string => renderDiagnostics(r.diagnostics).replaceAll(dir, '<dir>');

describe('loadDeclarations', () => {
  it('reads .yaml, .yml and .json files recursively in a stable order, skipping hidden entries', async () => {
    await put('conf/b.yml', pkg('b'));
    await put('conf/a.yaml', `${pkg('a1')}---\n${pkg('a2')}`);
    await put('conf/sub/c.json', JSON.stringify({ apiVersion: 'syncwise.io/v1alpha1', kind: 'ServicePackage', metadata: { name: 'c' }, spec: { packageName: 'C', providers: [{ providerId: 'x', default: true }] } }));
    await put('conf/notes.txt', 'not yaml');
    await put('conf/.git/config.yaml', 'not: a declaration');
    const r = await loadDeclarations([join(dir, 'conf')]);
    expect(report(r)).toBe('');
    expect(r.files.map((f) => f.replace(dir, '<dir>'))).toEqual(['<dir>/conf/a.yaml', '<dir>/conf/b.yml', '<dir>/conf/sub/c.json']);
    expect(r.declared.map((d) => d.name)).toEqual(['a1', 'a2', 'b', 'c']);
  });

  it('reads a file named explicitly whatever its extension, once even when named twice', async () => {
    const file = await put('decl.txt', pkg('a'));
    const r = await loadDeclarations([file, file]);
    expect(r.declared.map((d) => d.name)).toEqual(['a']);
  });

  it('reports missing paths and empty directories without throwing', async () => {
    await mkdir(join(dir, 'empty'));
    const r = await loadDeclarations([join(dir, 'nope'), join(dir, 'empty')]);
    expect(report(r)).toBe(['<dir>/empty warning CONFIG_NO_FILES no .yaml, .yml or .json files found', '<dir>/nope error CONFIG_READ cannot read: no such file or directory'].join('\n'));
  });

  it('refuses a file above the size limit before reading it', async () => {
    const big = await put('big.yaml', '');
    await truncate(big, 50 * 1024 * 1024);
    const r = await loadDeclarations([big]);
    expect(report(r)).toBe('<dir>/big.yaml error CONFIG_TOO_LARGE file is larger than 5242880 bytes; it is not read');
    const small = await loadDeclarations([await put('a.yaml', pkg('a'))], { maxFileBytes: 10 });
    expect(small.diagnostics.map((d) => d.code)).toEqual(['CONFIG_TOO_LARGE']);
  });

  it('reports binary files and invalid UTF-8 at the first bad byte', async () => {
    const binary = await put('bin.yaml', Buffer.from('a: 1\nb: x\u0000y\n'));
    const latin1 = await put('latin1.yaml', Buffer.concat([Buffer.from('a: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const r = await loadDeclarations([binary, latin1]);
    expect(report(r)).toBe(
      [
        '<dir>/bin.yaml:2:5 error CONFIG_ENCODING binary file (contains a NUL byte); declarations must be UTF-8 text',
        '<dir>/latin1.yaml:2:10 error CONFIG_ENCODING invalid UTF-8; declarations must be UTF-8 text',
      ].join('\n'),
    );
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const r = await loadDeclarations([await put('bom.yaml', `\ufeff${pkg('a')}`)]);
    expect(report(r)).toBe('');
  });

  it('does not follow a symbolic link out of the configuration root unless allowed', async () => {
    await put('outside/secret.yaml', pkg('outside'));
    await put('conf/a.yaml', pkg('a'));
    await symlink(join(dir, 'outside/secret.yaml'), join(dir, 'conf/link.yaml'));
    const r = await loadDeclarations([join(dir, 'conf')]);
    expect(report(r)).toBe('<dir>/conf/link.yaml error CONFIG_PATH_ESCAPE symbolic link points outside the configuration root (allow it with --allow-outside-root)');
    expect(r.declared.map((d) => d.name)).toEqual(['a']);
    const allowed = await loadDeclarations([join(dir, 'conf')], { allowOutsideRoot: true });
    expect(allowed.declared.map((d) => d.name)).toEqual(['a', 'outside']);
  });

  it('follows links inside the root and stops at a directory cycle', async () => {
    await put('conf/real/a.yaml', pkg('a'));
    await symlink(join(dir, 'conf'), join(dir, 'conf/real/loop'));
    const r = await loadDeclarations([join(dir, 'conf')]);
    expect(report(r)).toBe('');
    expect(r.declared.map((d) => d.name)).toEqual(['a']);
  });

  it('rejects a valueFrom.file that leaves the root, as written or through a link', async () => {
    await put('outside/token', 'secret\n');
    await put('conf/escape.yaml', providerWithFile('../outside/token'));
    await symlink(join(dir, 'outside/token'), join(dir, 'conf/token-link'));
    await put('conf/sub/linked.yaml', providerWithFile('../token-link').replace('name: p1', 'name: p2'));
    const r = await loadDeclarations([join(dir, 'conf')]);
    expect(report(r)).toBe(
      [
        '<dir>/conf/escape.yaml:9:34 error CONFIG_PATH_ESCAPE spec.properties.secret.valueFrom.file points outside the configuration root (allow it with --allow-outside-root)',
        '<dir>/conf/sub/linked.yaml:9:13 error CONFIG_PATH_ESCAPE spec.properties.secret.valueFrom.file leads outside the configuration root through a symbolic link (allow it with --allow-outside-root)',
      ].join('\n'),
    );
  });

  it('checks declarations across files', async () => {
    await put('conf/a.yaml', pkg('same'));
    await put('conf/b.yaml', pkg('same'));
    const r = await loadDeclarations([join(dir, 'conf')]);
    expect(report(r)).toBe('<dir>/conf/b.yaml:3:19 error CONFIG_DUPLICATE_NAME ServicePackage/same is declared more than once (first declared at <dir>/conf/a.yaml:3:19)');
  });
});
