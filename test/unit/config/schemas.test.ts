import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { declarationsFromText } from '../../../src/config/load-files.js';
import { SCHEMA_FILES, validateDeclaration } from '../../../src/config/validate.js';
import { KINDS, type Kind } from '../../../src/core/model.js';

type Schema = { [k: string]: unknown; properties?: Record<string, Schema>; $ref?: string; default?: unknown };

const read = (file: string): Schema => JSON.parse(readFileSync(join('schemas', file), 'utf8')) as Schema;
const common = read('common.json');

function deref(s: Schema): Schema {
  const name = s.$ref?.replace(/^common\.json#\/\$defs\//, '');
  if (name === undefined) return s;
  const { $ref: _ref, ...siblings } = s;
  return { ...((common.$defs as Record<string, Schema>)[name] ?? {}), ...siblings };
}

/** The smallest valid document of each kind: only required fields. */
const MINIMAL: Readonly<Record<Kind, string>> = {
  Target: 'api: streamwise\n  url: https://sw.example.com\n  token: t',
  ServiceProvider: 'providerName: P\n  providerType: bbb\n  properties: { url: https://p.example.com/, secret: s }',
  ServicePackage: 'packageName: K\n  providers: [{ providerId: a1, default: true }]',
  Subscription: 'subscriptionName: S\n  packageId: k1\n  providers: [{ providerId: a1, default: true }]',
  ProjectDefaults: 'propagateToProjects: false',
  Project: 'projectName: P\n  defaultOwnerEmail: o@example.com\n  defaultOwnerPassword: pw',
};

describe('schemas', () => {
  it('the generated types and schema module match schemas/ (run npm run gen:types after a change)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/gen-types.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it.each(KINDS)('%s: a closed draft 2020-12 schema whose every spec field is described for editors', (kind) => {
    const schema = read(SCHEMA_FILES[kind]);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((schema.properties?.kind as Schema).const).toBe(kind);
    const spec = schema.properties?.spec as Schema;
    expect([schema.additionalProperties, spec.additionalProperties]).toEqual([false, false]);
    for (const [field, s] of Object.entries(spec.properties ?? {})) expect(typeof deref(s).description, `${kind} spec.${field}`).toBe('string');
  });

  it.each(KINDS)('%s: the compiled validator of the kind accepts its minimal document and no other kind\'s', (kind) => {
    const doc = (k: Kind): unknown => parse(`apiVersion: syncwise.io/v1alpha1\nkind: ${k}\nmetadata: { name: x }\nspec:\n  ${MINIMAL[k]}\n`);
    expect(validateDeclaration(kind, doc(kind))).toEqual([]);
    for (const other of KINDS.filter((k) => k !== kind)) expect(validateDeclaration(kind, doc(other)).length, other).toBeGreaterThan(0);
  });

  it.each(KINDS)('%s: conversion applies the defaults the schema documents', (kind) => {
    const text = `apiVersion: syncwise.io/v1alpha1\nkind: ${kind}\nmetadata: { name: x }\nspec:\n  ${MINIMAL[kind]}\n`;
    const r = declarationsFromText(text, 'x.yaml');
    expect(r.diagnostics).toEqual([]);
    const declared = r.declared[0] as unknown as { deletionPolicy: string; spec: Record<string, unknown> };
    const spec = read(SCHEMA_FILES[kind]).properties?.spec as Schema;
    for (const [field, raw] of Object.entries(spec.properties ?? {})) {
      const s = deref(raw);
      if (!('default' in s)) continue;
      const actual = field === 'deletionPolicy' ? declared.deletionPolicy : declared.spec[field];
      expect(actual, `${kind} spec.${field}`).toEqual(s.default);
    }
  });

  it('conversion applies the defaults of remote storage', () => {
    const text = 'apiVersion: syncwise.io/v1alpha1\nkind: ProjectDefaults\nmetadata: { name: d }\nspec:\n  remoteStorage: { storageRegion: r, storageResourceIdentifier: b, accessKey: a, secretKey: s }\n';
    const storage = (declarationsFromText(text, 'x.yaml').declared[0]?.spec as { remoteStorage: Record<string, unknown> }).remoteStorage;
    const props = ((common.$defs as Record<string, Schema>).remoteStorage?.properties ?? {}) as Record<string, Schema>;
    for (const [field, s] of Object.entries(props)) if ('default' in s) expect(storage[field], field).toEqual(s.default);
  });
});
