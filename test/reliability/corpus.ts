/**
 * The hostile and broken inputs of the bad-input suite, generated on disk: every case is its own
 * directory (a configuration root of its own) holding the file that must be named in the error.
 * Cases are data: which code is expected, in which phase (loading, or resolving secrets) it shows.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One hostile input. */
export interface BadCase {
  readonly id: string;
  /** Files of the case, relative to its directory. */
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** Symbolic links: relative path -> target (absolute, or relative to the link). `OUTSIDE` is replaced by the outside directory. */
  readonly links?: Readonly<Record<string, string>>;
  /** Named pipes to create (a reader that opens one would wait for a writer forever). */
  readonly fifos?: readonly string[];
  /** The diagnostic code expected. */
  readonly code: string;
  /** The file the error must name, relative to the case directory. */
  readonly names: string;
  /** `resolve` cases load fine and fail only when their secrets are read. @default 'load' */
  readonly phase?: 'load' | 'resolve';
}

const API = 'apiVersion: syncwise.io/v1alpha1';

/** A valid provider declaration; `spec` lines replace or extend its spec. */
function provider(name: string, spec = ''): string {
  return `${API}
kind: ServiceProvider
metadata: { name: ${name} }
spec:
  providerName: Name of ${name}
  providerType: bbb
  properties: { url: "https://${name}.example.com/b/", secret: { valueFrom: { env: PROVIDER_SECRET } } }
${spec}`;
}

/** A provider whose secret is read from `path`. */
function fileSecret(name: string, path: string): string {
  return provider(name).replace('{ valueFrom: { env: PROVIDER_SECRET } }', `{ valueFrom: { file: ${JSON.stringify(path)} } }`);
}

function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(',')}]`);
  return `${provider('c-bomb').trimEnd()}\n  userMetadata:\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

const deepFlow = (n: number): string => `${provider('c-deep-flow').trimEnd()}\n  userMetadata: { x: ${'['.repeat(n)}${']'.repeat(n)} }\n`;
const deepBlock = (n: number): string => `${provider('c-deep-block').trimEnd()}\n  userMetadata:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 2)}k${i}:`).join('\n')} 1\n`;
const deepMap = (n: number): string => `${provider('c-deep-map').trimEnd()}\n  userMetadata: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;

/** Every hostile input; at least 50. */
export function badCases(): BadCase[] {
  const p = (id: string, body: string, code: string): BadCase => ({ id, files: { [`${id}.yaml`]: body }, code, names: `${id}.yaml` });
  const name = (id: string, metaName: string): BadCase => p(id, provider(`c-${id}`).replace(`{ name: c-${id} }`, `{ name: ${JSON.stringify(metaName)} }`), 'CONFIG_SCHEMA');
  const bytes = (id: string, buf: Buffer, code = 'CONFIG_ENCODING'): BadCase => ({ id, files: { [`${id}.yaml`]: buf }, code, names: `${id}.yaml` });
  const valid = provider('c-ok');
  return [
    // YAML bombs, aliases and nesting
    p('alias-bomb', billionLaughs(), 'CONFIG_ALIAS'),
    p('alias-one', `${provider('c-alias').trimEnd()}\n  userMetadata: { a: &x 1, b: *x }\n`, 'CONFIG_ALIAS'),
    p('merge-key', `${provider('c-merge').trimEnd()}\n  userMetadata: { base: &b { x: 1 }, m: { <<: *b } }\n`, 'CONFIG_ALIAS'),
    p('deep-flow-small', deepFlow(80), 'CONFIG_TOO_DEEP'),
    p('deep-flow-huge', deepFlow(200_000), 'CONFIG_TOO_DEEP'),
    p('deep-block', deepBlock(120), 'CONFIG_TOO_DEEP'),
    p('deep-map', deepMap(50_000), 'CONFIG_TOO_DEEP'),
    p('deep-mixed', `x: ${'[{a: '.repeat(5000)}1${'}]'.repeat(5000)}\n`, 'CONFIG_TOO_DEEP'),
    // sizes
    p('fifty-megabytes', `# ${'x'.repeat(50 * 1024 * 1024)}\n${valid}`, 'CONFIG_TOO_LARGE'),
    p('just-over-limit', `${valid}# ${'y'.repeat(5 * 1024 * 1024)}\n`, 'CONFIG_TOO_LARGE'),
    p('huge-string', provider('c-huge-string').replace('Name of c-huge-string', 'z'.repeat(4 * 1024 * 1024)), 'CONFIG_SCHEMA'),
    p('huge-key', `${provider('c-huge-key').trimEnd()}\n  ${'k'.repeat(1024 * 1024)}: 1\n`, 'CONFIG_YAML'),
    p('many-documents', `${Array.from({ length: 3000 }, (_, i) => provider(`c-many-${i}`, '  bogusField: 1\n')).join('---\n')}`, 'CONFIG_SCHEMA'),
    // binary and encodings
    bytes('binary-random', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))),
    bytes('png-header', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR')])),
    bytes('invalid-utf8', Buffer.concat([Buffer.from(provider('c-utf8').replace('Name of', 'Na\u00efve')), Buffer.from([0xff, 0xfe, 0x41])])),
    bytes('overlong-utf8', Buffer.concat([Buffer.from('a: "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"\n')])),
    bytes('lone-surrogate', Buffer.concat([Buffer.from('a: "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"\n')])),
    bytes('utf16-bom', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')])),
    bytes('latin1', Buffer.from(provider('c-latin').replace('Name of', 'Caf\u00e9 of'), 'latin1')),
    bytes('nul-in-text', Buffer.from(`${valid}\0\n`)),
    // links and paths leaving the root
    { id: 'symlink-file-out', files: {}, links: { 'escape.yaml': 'OUTSIDE/outside.yaml' }, code: 'CONFIG_PATH_ESCAPE', names: 'escape.yaml' },
    { id: 'symlink-dir-out', files: {}, links: { sub: 'OUTSIDE' }, code: 'CONFIG_PATH_ESCAPE', names: 'sub' },
    { id: 'symlink-etc', files: {}, links: { 'passwd.yaml': '/etc/passwd' }, code: 'CONFIG_PATH_ESCAPE', names: 'passwd.yaml' },
    { id: 'symlink-loop', files: {}, links: { 'a.yaml': 'b.yaml', 'b.yaml': 'a.yaml' }, code: 'CONFIG_READ', names: 'a.yaml' },
    { id: 'symlink-dangling', files: {}, links: { 'gone.yaml': 'does-not-exist.yaml' }, code: 'CONFIG_READ', names: 'gone.yaml' },
    { id: 'fifo-declaration', files: {}, fifos: ['pipe.yaml'], code: 'CONFIG_READ', names: 'pipe.yaml' },
    p('secret-dotdot', fileSecret('c-dotdot', '../../outside/secret.txt'), 'CONFIG_PATH_ESCAPE'),
    p('secret-absolute', fileSecret('c-absolute', '/etc/passwd'), 'CONFIG_PATH_ESCAPE'),
    { id: 'secret-via-link', files: { 'secret-via-link.yaml': fileSecret('c-via-link', 'inner/secret.txt') }, links: { inner: 'OUTSIDE' }, code: 'CONFIG_PATH_ESCAPE', names: 'secret-via-link.yaml' },
    { id: 'secret-link-file', files: { 'secret-link-file.yaml': fileSecret('c-link-file', 'token.txt') }, links: { 'token.txt': 'OUTSIDE/secret.txt' }, code: 'CONFIG_PATH_ESCAPE', names: 'secret-link-file.yaml' },
    // unicode look-alikes and hostile names
    name('cyrillic-lookalike', 'c-\u0440rovider'),
    name('zero-width', 'c-zero\u200bwidth'),
    name('fullwidth', 'c-\uff46ullwidth'),
    name('rtl-override', 'c-rtl\u202eevil'),
    name('homoglyph-digit', 'c-\u0661\u0662'),
    name('name-traversal', '../../etc/passwd'),
    name('name-too-long', `c-${'a'.repeat(300)}`),
    name('name-newline', 'c-new\nline'),
    name('name-escape-seq', 'c-\u001b[31mred'),
    { id: 'duplicate-across-files', files: { 'one.yaml': provider('c-twice'), 'two.yaml': provider('c-twice') }, code: 'CONFIG_DUPLICATE_NAME', names: 'two.yaml' },
    // prototype pollution and duplicate keys
    p('proto-top', `__proto__: { polluted: yes }\n${valid.replace('c-ok', 'c-proto-top')}`, 'CONFIG_SCHEMA'),
    p('proto-spec', `${provider('c-proto-spec').trimEnd()}\n  __proto__: { polluted: yes }\n`, 'CONFIG_SCHEMA'),
    p('constructor-prototype', `${provider('c-ctor').trimEnd()}\n  constructor: { prototype: { polluted: yes } }\n`, 'CONFIG_SCHEMA'),
    p('proto-json', `{"apiVersion":"syncwise.io/v1alpha1","kind":"ServiceProvider","__proto__":{"polluted":true},"metadata":{"name":"c-proto-json"}}`, 'CONFIG_SCHEMA'),
    p('duplicate-key', provider('c-dupkey', '  providerType: scalelite\n'), 'CONFIG_DUPLICATE_KEY'),
    // syntax, shapes, tags
    p('unclosed-flow', `${provider('c-unclosed').trimEnd()}\n  userMetadata: { a: [1, 2\n`, 'CONFIG_YAML'),
    p('tab-indent', `${API}\nkind: ServiceProvider\nmetadata:\n\tname: c-tab\n`, 'CONFIG_YAML'),
    p('tag-js-function', `${provider('c-tag').trimEnd()}\n  userMetadata: { f: !!js/function "function(){}" }\n`, 'CONFIG_TAG'),
    p('tag-custom', provider('c-tag2').replace('{ valueFrom: { env: PROVIDER_SECRET } }', '!secret db'), 'CONFIG_TAG'),
    p('list-document', '- a\n- b\n', 'CONFIG_NOT_OBJECT'),
    p('scalar-document', '"just a string"\n', 'CONFIG_NOT_OBJECT'),
    p('wrong-api-version', provider('c-api').replace('syncwise.io/v1alpha1', 'syncwise.io/v9'), 'CONFIG_API_VERSION'),
    p('unknown-kind', provider('c-kind').replace('kind: ServiceProvider', 'kind: ClusterRole'), 'CONFIG_UNKNOWN_KIND'),
    p('kind-case', provider('c-case').replace('kind: ServiceProvider', 'kind: serviceprovider'), 'CONFIG_UNKNOWN_KIND'),
    { id: 'json-truncated', files: { 'truncated.json': '{"apiVersion": "syncwise.io/v1alpha1", "kind": "Servi' }, code: 'CONFIG_YAML', names: 'truncated.json' },
    p('infinite-number', provider('c-inf', '  active: 1e999\n'), 'CONFIG_SCHEMA'),
    p('reserved-metadata', provider('c-reserved', '  userMetadata: { "syncwise.io/owner": someone-else }\n'), 'CONFIG_RESERVED_KEY'),
    p('target-file-url', `${API}\nkind: Target\nmetadata: { name: c-file-url }\nspec: { api: streamwise, url: "file:///etc/passwd", token: x }\n`, 'CONFIG_SCHEMA'),
    p('dangling-ref', `${API}\nkind: ServicePackage\nmetadata: { name: c-pkg }\nspec: { packageName: P, providers: [{ providerRef: c-nobody, default: true }] }\n`, 'CONFIG_DANGLING_REF'),
    // sources that only fail when secrets are read
    { id: 'secret-fifo', files: { 'secret-fifo.yaml': fileSecret('c-secret-fifo', 'pipe.txt') }, fifos: ['pipe.txt'], code: 'CONFIG_SECRET_MISSING', names: 'secret-fifo.yaml', phase: 'resolve' },
    { id: 'secret-directory', files: { 'secret-directory.yaml': fileSecret('c-secret-dir', 'adir'), 'adir/.keep': '' }, code: 'CONFIG_SECRET_MISSING', names: 'secret-directory.yaml', phase: 'resolve' },
    { id: 'secret-huge-file', files: { 'secret-huge-file.yaml': fileSecret('c-secret-huge', 'big.txt'), 'big.txt': 's'.repeat(20 * 1024 * 1024) }, code: 'CONFIG_SECRET_MISSING', names: 'secret-huge-file.yaml', phase: 'resolve' },
    { id: 'secret-env-unset', files: { 'secret-env-unset.yaml': provider('c-env').replace('PROVIDER_SECRET', 'NOT_SET_ANYWHERE') }, code: 'CONFIG_SECRET_MISSING', names: 'secret-env-unset.yaml', phase: 'resolve' },
  ];
}

/** Writes every case below `root/cases/<id>/`, and the files links may point to below `root/outside/`. */
export async function writeCases(root: string, cases: readonly BadCase[]): Promise<Map<string, string>> {
  const outside = join(root, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'outside.yaml'), provider('c-outside'));
  await writeFile(join(outside, 'secret.txt'), 'secret-from-outside-the-root');
  const dirs = new Map<string, string>();
  for (const c of cases) {
    const dir = join(root, 'cases', c.id);
    await mkdir(dir, { recursive: true });
    for (const [file, content] of Object.entries(c.files)) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), content);
    }
    for (const [link, target] of Object.entries(c.links ?? {})) await symlink(target.replace('OUTSIDE', outside), join(dir, link));
    for (const fifo of c.fifos ?? []) execFileSync('mkfifo', [join(dir, fifo)]);
    dirs.set(c.id, dir);
  }
  return dirs;
}
