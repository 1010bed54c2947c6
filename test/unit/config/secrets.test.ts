import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { declarationsFromText, loadDeclarations } from '../../../src/config/load-files.js';
import { readSecretFile, resolveSecrets, trimOneNewline } from '../../../src/config/secrets.js';
import { renderDiagnostics } from '../../../src/core/diagnostics.js';
import type { Declared, OfKind, Resource, Sensitive } from '../../../src/core/model.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncwise-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function providerWith(secret: string, file = join(dir, 'conf.yaml')): Declared[] {
  const text = `apiVersion: syncwise.io/v1alpha1\nkind: ServiceProvider\nmetadata: { name: p1 }\nspec:\n  providerName: P1\n  providerType: bbb\n  properties:\n    url: https://p1.example.com/\n    secret: ${secret}\n`;
  const r = declarationsFromText(text, file);
  expect(r.diagnostics).toEqual([]);
  return r.declared;
}

const secretOf = (r: Resource<Sensitive> | undefined): string => (r as OfKind<Resource<Sensitive>, 'ServiceProvider'>).spec.properties.secret.reveal();

describe('resolveSecrets', () => {
  it('reads literal, env, file and Secret sources', async () => {
    await writeFile(join(dir, 'bbb.secret'), 'from-file\n');
    const env = await resolveSecrets(providerWith('{ valueFrom: { env: BBB } }'), { env: { BBB: 'from-env' } });
    const file = await resolveSecrets(providerWith('{ valueFrom: { file: bbb.secret } }'), { env: {} });
    const literal = await resolveSecrets(providerWith('from-literal'), { env: {} });
    const secretKeyRef = async (ns: string | undefined, name: string, key: string): Promise<string | undefined> => `${ns ?? '-'}:${name}:${key}`;
    const k8s = await resolveSecrets(providerWith('{ valueFrom: { secretKeyRef: { name: s, key: k, namespace: ops } } }'), { env: {}, secretKeyRef });
    expect([env, file, literal, k8s].map((r) => secretOf(r.resources[0]))).toEqual(['from-env', 'from-file', 'from-literal', 'ops:s:k']);
    expect([env, file, literal, k8s].flatMap((r) => r.diagnostics)).toEqual([]);
  });

  it('names the missing variable, file or Secret and the field, never a value', async () => {
    const declared = [
      ...providerWith('{ valueFrom: { env: BBB_SECRET } }'),
      ...providerWith('{ valueFrom: { file: missing.secret } }', join(dir, 'b.yaml')),
      ...providerWith('{ valueFrom: { secretKeyRef: { name: creds, key: bbb } } }', join(dir, 'c.yaml')),
    ];
    const r = await resolveSecrets(declared, { env: { OTHER: 'unrelated-value' }, secretKeyRef: async () => undefined });
    expect(r.resources).toEqual([]);
    expect(renderDiagnostics(r.diagnostics).replaceAll(dir, '<dir>')).toBe(
      [
        '<dir>/b.yaml:9:13 error CONFIG_SECRET_MISSING spec.properties.secret: file <dir>/missing.secret does not exist',
        '<dir>/c.yaml:9:13 error CONFIG_SECRET_MISSING spec.properties.secret: key "bbb" of Secret creds does not exist',
        '<dir>/conf.yaml:9:13 error CONFIG_SECRET_MISSING spec.properties.secret: environment variable BBB_SECRET is not set',
      ].join('\n'),
    );
  });

  it('treats an empty value as missing and needs a Kubernetes reader for secretKeyRef', async () => {
    const empty = await resolveSecrets(providerWith('{ valueFrom: { env: BBB } }'), { env: { BBB: '' } });
    expect(empty.diagnostics.map((d) => d.summary)).toEqual(['spec.properties.secret: environment variable BBB is not set']);
    const noK8s = await resolveSecrets(providerWith('{ valueFrom: { secretKeyRef: { name: s, key: k } } }'), { env: {} });
    expect(noK8s.diagnostics.map((d) => d.summary)).toEqual(['spec.properties.secret: key "k" of Secret s cannot be read: no Kubernetes connection is configured']);
  });

  it('keeps resolved values out of JSON and string conversion', async () => {
    const r = await resolveSecrets(providerWith('{ valueFrom: { env: BBB } }'), { env: { BBB: 'top-secret-value' } });
    expect(JSON.stringify(r)).not.toContain('top-secret-value');
    expect(String((r.resources[0] as OfKind<Resource<Sensitive>, 'ServiceProvider'>).spec.properties.secret)).toBe('(sensitive)');
  });

  it('resolves every secret field of a project, and leaves useDefault alone', async () => {
    const text = `apiVersion: syncwise.io/v1alpha1\nkind: Project\nmetadata: { name: p }\nspec:\n  projectName: P\n  defaultOwnerEmail: o@example.com\n  defaultOwnerPassword: { valueFrom: { env: PW } }\n  remoteConsumer:\n    awsAccessKey: AK\n    awsSecretKey: { valueFrom: { env: AWS } }\n    kinesisEndpoint: https://kinesis.example.com\n    streamName: s\n    streamType: PACKET_DATA\n    partitionKey: k\n`;
    const declared = declarationsFromText(text, join(dir, 'p.yaml')).declared;
    const r = await resolveSecrets(declared, { env: { PW: 'pw-value', AWS: 'aws-value' } });
    const spec = (r.resources[0] as OfKind<Resource<Sensitive>, 'Project'>).spec;
    expect(spec.defaultOwnerPassword.reveal()).toBe('pw-value');
    expect('awsSecretKey' in spec.remoteConsumer && spec.remoteConsumer.awsSecretKey.reveal()).toBe('aws-value');
    expect(spec.remoteStorage).toEqual({ useDefault: true });
  });
  it('reads a file secret only while it stays inside its root, links resolved at the moment of reading', async () => {
    const root = join(dir, 'repo');
    const outside = join(dir, 'outside.secret');
    const link = join(root, 'link.secret');
    await mkdir(root);
    await writeFile(join(root, 'bbb.secret'), 'inside\n');
    await writeFile(outside, 'outside-value-7f3\n');
    await writeFile(join(root, 'conf.yaml'), 'apiVersion: syncwise.io/v1alpha1\nkind: ServiceProvider\nmetadata: { name: p1 }\nspec:\n  providerName: P1\n  providerType: bbb\n  properties:\n    url: https://p1.example.com/\n    secret: { valueFrom: { file: link.secret } }\n');
    await symlink(join(root, 'bbb.secret'), link);
    const loaded = await loadDeclarations([root]);
    expect(loaded.diagnostics).toEqual([]); // the link points inside while the configuration is loaded

    await unlink(link);
    await symlink(outside, link); // re-pointed between the load and the read
    const r = await resolveSecrets(loaded.declared, { env: {} });
    const text = renderDiagnostics(r.diagnostics);
    expect(text).toContain(`file ${link}`);
    expect(text).toContain('leads outside the configuration root through a symbolic link');
    expect(text).not.toContain('outside-value-7f3');
    expect(r.resources).toEqual([]);

    await expect(readSecretFile(link, root)).rejects.toMatchObject({ code: 'EPATHESCAPE' });
    expect(await readSecretFile(join(root, 'bbb.secret'), root)).toBe('inside\n');
    expect(await readSecretFile(link)).toBe('outside-value-7f3\n'); // no root: --allow-outside-root
  });
});

describe('trimOneNewline', () => {
  it('removes exactly one trailing newline', () => {
    expect([trimOneNewline('a\n'), trimOneNewline('a\r\n'), trimOneNewline('a\n\n'), trimOneNewline('a')]).toEqual(['a', 'a', 'a\n', 'a']);
  });
});
