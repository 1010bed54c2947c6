import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CRD_KINDS, crdFileName, crdYaml, customResourceDefinitions, type CustomResourceDefinition } from '../../../src/config/crd.js';
import { toStructuralSchema } from '../../../src/config/crd-schema.js';
import { chartCrdFiles, crdValidator, prunedFields } from '../../support/crd-validator.js';
import { rootSchemaProblems, structuralProblems } from '../../support/structural-schema.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const documents: Record<string, object> = Object.fromEntries(
  readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8')) as object]),
);
const crds = customResourceDefinitions(documents);

type Version = { schema: { openAPIV3Schema: Record<string, unknown> }; subresources: unknown; additionalPrinterColumns: { name: string; jsonPath: string }[] };
const version = (crd: CustomResourceDefinition): Version => ((crd['spec'] as { versions: Version[] }).versions[0] as Version);
const schemaOf = (kind: string): Record<string, unknown> => version(crds.find((c) => (c['spec'] as { names: { kind: string } }).names.kind === kind) as CustomResourceDefinition).schema.openAPIV3Schema;
const validatorOf = (kind: string): ((r: unknown) => string[]) => crdValidator(schemaOf(kind));
const resource = (kind: string, spec: unknown): unknown => ({ apiVersion: 'syncwise.io/v1alpha1', kind, metadata: { name: 'x', namespace: 'ns' }, spec });
const secret = { valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } };

describe('CRDs generated from schemas/', () => {
  it('match the committed charts/syncwise/crds files exactly (run `npm run gen:crds` after a schema change)', () => {
    const expected = new Map(crds.map((c) => [crdFileName(c), crdYaml(c)]));
    const committed = chartCrdFiles(ROOT);
    expect([...committed.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected) expect(committed.get(file), file).toBe(text);
  });

  it('declare one namespaced v1alpha1 kind each, with status subresource, short name, category and printer columns', () => {
    expect(crds.map((c) => c.metadata.name)).toEqual(CRD_KINDS.map((k) => `${k.plural}.syncwise.io`));
    for (const crd of crds) {
      const spec = crd['spec'] as { scope: string; group: string; names: { shortNames: string[]; categories: string[] } };
      expect([spec.group, spec.scope, spec.names.categories]).toEqual(['syncwise.io', 'Namespaced', ['syncwise']]);
      expect(spec.names.shortNames[0]).toMatch(/^sw[a-z]+$/);
      expect(version(crd).subresources).toEqual({ status: {} });
      expect(version(crd).additionalPrinterColumns.map((c) => c.name)).toEqual(['Ready', 'Synced', 'External ID', 'Reason', 'Age']);
    }
    expect(crds.map((c) => (c['spec'] as { names: { shortNames: string[] } }).names.shortNames[0])).toEqual(['swtarget', 'swsp', 'swpkg', 'swsub', 'swpd', 'swproj']);
  });

  it('have structural openAPIV3Schemas that break none of the apiserver rules the checker knows', () => {
    for (const crd of crds) expect(rootSchemaProblems(version(crd).schema.openAPIV3Schema), crd.metadata.name).toEqual([]);
  });

  it('carry only defaults that pass their own schema and survive pruning, as the apiserver requires', () => {
    const defaults: { path: string; node: Record<string, unknown> }[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (n['default'] !== undefined) defaults.push({ path, node: n });
      for (const [k, v] of Object.entries((n['properties'] ?? {}) as Record<string, unknown>)) walk(v, `${path}.${k}`);
      if (n['items'] !== undefined) walk(n['items'], `${path}[]`);
    };
    for (const crd of crds) walk(version(crd).schema.openAPIV3Schema, crd.metadata.name);
    expect(defaults.length).toBeGreaterThan(10);
    for (const { path, node } of defaults) {
      const { default: value, ...schema } = node;
      expect(crdValidator(schema)(value), path).toEqual([]);
      expect(prunedFields(schema, value), path).toEqual([]);
    }
  });

  it('refuses a name other declarations could not reference (a DNS-1123 label)', () => {
    const target = validatorOf('Target');
    const spec = { api: 'streamwise', url: 'https://a.example.com', token: secret };
    expect(target({ ...(resource('Target', spec) as object), metadata: { name: 'eu.streamwise' } })).toContain('/metadata/name must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"');
  });

  it('are needed: the raw JSON Schemas break those rules, so the checker is not vacuous', () => {
    const raw = structuralProblems(documents['target.json'] as Record<string, unknown>);
    expect(raw).toEqual(expect.arrayContaining(['.apiVersion: $ref is not supported', '(root): additionalProperties and properties are mutual exclusive']));
    const project = structuralProblems(toStructuralSchema(documents['project.json'] as object, 'project.json', { documents }) as Record<string, unknown>);
    expect(project).toEqual([]);
  });

  it('accept every custom resource in examples/kubernetes, with no field the apiserver would prune', () => {
    const dir = join(ROOT, 'examples/kubernetes');
    const resources = readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => ({ file: f, cr: d.toJS() as { apiVersion?: string; kind: string } })));
    const custom = resources.filter((r) => r.cr.apiVersion === 'syncwise.io/v1alpha1');
    expect(new Set(custom.map((r) => r.cr.kind))).toEqual(new Set(CRD_KINDS.map((k) => k.kind)));
    for (const { file, cr } of custom) {
      expect(validatorOf(cr.kind)(cr), `${file} ${cr.kind}`).toEqual([]);
      expect(prunedFields(schemaOf(cr.kind), cr), `${file} ${cr.kind}`).toEqual([]);
    }
  });
});

describe('CRD validation rules carried over from the schemas', () => {
  it('accepts secrets only as secretKeyRef: literals, env and file are refused before they reach etcd', () => {
    const target = validatorOf('Target');
    expect(target(resource('Target', { api: 'streamwise', url: 'https://a.example.com', token: secret }))).toEqual([]);
    expect(target(resource('Target', { api: 'streamwise', url: 'https://a.example.com', token: 'literal' }))).toContain('/spec/token must be object');
    expect(target(resource('Target', { api: 'streamwise', url: 'https://a.example.com', token: { valueFrom: { env: 'TOKEN' } } })))
      .toContain("/spec/token/valueFrom must have required property 'secretKeyRef'");
  });

  it('keeps the per-api requirements of a Target (if/then turned into anyOf)', () => {
    const target = validatorOf('Target');
    expect(target(resource('Target', { api: 'bluzone', url: 'https://b.example.com', serviceProviderId: 'sp', apiKey: secret }))).toEqual([]);
    expect(target(resource('Target', { api: 'bluzone', url: 'https://b.example.com', serviceProviderId: 'sp' })).join()).toContain("must have required property 'apiKey'");
    expect(target(resource('Target', { api: 'streamwise', url: 'https://a.example.com', token: secret, apiKey: secret }))).not.toEqual([]);
    expect(target(resource('Target', { api: 'streamwise', url: 'https://a.example.com', token: secret, maxRequestsPerSecond: 0 }))).toContain('/spec/maxRequestsPerSecond must be > 0');
  });

  it('keeps one-of rules, enums, patterns and the empty settings object', () => {
    const sub = validatorOf('Subscription');
    const base = { subscriptionName: 's', providers: [{ providerRef: 'p', default: true }] };
    expect(sub(resource('Subscription', { ...base, packageRef: 'pkg' }))).toEqual([]);
    expect(sub(resource('Subscription', { ...base, packageRef: 'pkg', packageId: 'k3Jx9q' }))).toContain('/spec must match exactly one schema in oneOf');
    const sp = validatorOf('ServiceProvider');
    const provider = { providerName: 'p', providerType: 'bbb', properties: { url: 'https://bbb.example.com/', secret } };
    expect(sp(resource('ServiceProvider', provider))).toEqual([]);
    expect(sp(resource('ServiceProvider', { ...provider, providerType: 'jitsi' }))).toContain('/spec/providerType must be equal to one of the allowed values');
    expect(sp(resource('ServiceProvider', { ...provider, settings: { x: 1 } }))).toContain('/spec/settings must NOT have more than 0 properties');
  });

  it("lets a Project use the reseller's defaults or explicit storage, and declares both shapes outside the junctor without defaults", () => {
    const project = validatorOf('Project');
    const base = { projectName: 'p', defaultOwnerEmail: 'o@example.com', defaultOwnerPassword: secret };
    expect(project(resource('Project', { ...base, remoteStorage: { useDefault: true } }))).toEqual([]);
    expect(project(resource('Project', { ...base, remoteStorage: { storageRegion: 'eu-west-1' } })).join()).toContain("must have required property 'storageResourceIdentifier'");
    const storage = ((schemaOf('Project')['properties'] as Record<string, { properties: Record<string, Record<string, unknown>> }>)['spec']?.properties['remoteStorage']) as { properties: Record<string, Record<string, unknown>> };
    expect(Object.keys(storage.properties)).toEqual(expect.arrayContaining(['useDefault', 'storageProvider', 'secretKey']));
    expect(storage.properties['storageProvider']?.['default']).toBeUndefined();
  });

  it('describes status as conditions, observedGeneration, externalId and lastAppliedHash', () => {
    const status = (schemaOf('ServicePackage')['properties'] as Record<string, { properties: Record<string, unknown> }>)['status'];
    expect(Object.keys(status?.properties ?? {})).toEqual(['conditions', 'observedGeneration', 'externalId', 'lastAppliedHash']);
    const validate = validatorOf('ServicePackage');
    const cr = { ...(resource('ServicePackage', { packageName: 'p', providers: [{ providerId: 'k3Jx9q', default: true }] }) as object) };
    const condition = { type: 'Ready', status: 'True', reason: 'Applied', message: 'created', lastTransitionTime: '2026-11-22T10:00:00Z', observedGeneration: 1 };
    expect(validate({ ...cr, status: { conditions: [condition], observedGeneration: 1, externalId: 'p9', lastAppliedHash: 'h' } })).toEqual([]);
    expect(validate({ ...cr, status: { conditions: [{ ...condition, status: 'Maybe' }] } })).not.toEqual([]);
  });
});
