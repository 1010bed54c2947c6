import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { declaredFromCustomResource } from '../../../src/config/from-custom-resource.js';
import { checkDeclarations, loadDeclarations } from '../../../src/config/load-files.js';
import { resolveSecrets } from '../../../src/config/secrets.js';
import { renderDiagnostics } from '../../../src/core/diagnostics.js';
import { EMBEDDED_TARGET } from '../../../src/core/model.js';

const root = 'examples';

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesBelow(join(dir, e.name)) : [join(dir, e.name)]));
}

function yamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as unknown;
  });
}

const checked = new Set<string>();

describe('examples', () => {
  it('quickstart is valid, complete and needs no environment', async () => {
    const r = await loadDeclarations([join(root, 'quickstart')]);
    expect(renderDiagnostics(r.diagnostics)).toBe('');
    const count = (kind: string, type?: string): number => r.declared.filter((d) => d.kind === kind && (type === undefined || (d.kind === 'ServiceProvider' && d.spec.providerType === type))).length;
    expect([count('ServiceProvider', 'bbb'), count('ServiceProvider', 'scalelite'), count('ServicePackage'), count('Subscription'), count('ProjectDefaults'), count('Project')]).toEqual([2, 1, 2, 2, 1, 2]);
    expect(new Set(r.declared.map((d) => d.target))).toEqual(new Set([EMBEDDED_TARGET]));
    const secrets = await resolveSecrets(r.declared, { env: {} });
    expect(secrets.diagnostics).toEqual([]);
    expect(secrets.resources).toHaveLength(r.declared.length);
    for (const f of filesBelow(join(root, 'quickstart'))) checked.add(f);
  });

  it('ci/config is valid and assigns every declaration to its Target', async () => {
    const r = await loadDeclarations([join(root, 'ci', 'config')]);
    expect(renderDiagnostics(r.diagnostics)).toBe('');
    expect(Object.fromEntries(r.declared.map((d) => [d.key, d.target]))).toMatchObject({ 'ServiceProvider/bbb-eu-1': 'streamwise', 'Project/fleet-tracking': 'bluzone' });
    for (const f of r.files) checked.add(f);
  });

  it('the CI workflow validates and plans pull requests and applies main, on a folder that exists', () => {
    const file = join(root, 'ci', 'github-actions.yaml');
    const [workflow] = yamlDocuments(file) as { env: { CONFIG: string }; jobs: Record<string, { steps: { run?: string }[] }> }[];
    const runs = (job: string): string => (workflow?.jobs[job]?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(existsSync(workflow?.env.CONFIG ?? '')).toBe(true);
    expect(runs('plan')).toMatch(/syncwise validate -f "\$CONFIG"[\s\S]*syncwise plan -f "\$CONFIG" --owner "\$SYNCWISE_OWNER" --output markdown --detailed-exitcode/);
    expect(runs('apply')).toMatch(/syncwise apply -f "\$CONFIG" --owner "\$SYNCWISE_OWNER" --yes/);
    checked.add(file);
  });

  it('kubernetes custom resources are valid and every secretKeyRef names a Secret key in their namespace', async () => {
    const dir = join(root, 'kubernetes');
    const objects = readdirSync(dir).flatMap((f) => {
      checked.add(join(dir, f));
      return yamlDocuments(join(dir, f)) as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; stringData?: Record<string, string> }[];
    });
    const crs = objects.filter((o) => o.apiVersion === 'syncwise.io/v1alpha1');
    expect(objects.filter((o) => o.apiVersion !== 'syncwise.io/v1alpha1').map((o) => o.kind).sort()).toEqual(['Namespace', 'Secret', 'Secret', 'Secret']);
    const converted = crs.map((o) => declaredFromCustomResource(o));
    expect(renderDiagnostics(converted.flatMap((c) => c.diagnostics))).toBe('');
    const all = checkDeclarations(converted.flatMap((c) => c.declared));
    expect(renderDiagnostics(all.diagnostics)).toBe('');
    const secretKeyRef = async (ns: string | undefined, name: string, key: string): Promise<string | undefined> =>
      objects.find((o) => o.kind === 'Secret' && o.metadata.namespace === ns && o.metadata.name === name)?.stringData?.[key];
    const secrets = await resolveSecrets(all.declared, { env: {}, secretKeyRef });
    expect(renderDiagnostics(secrets.diagnostics)).toBe('');
    expect(all.declared.map((d) => d.kind).sort()).toEqual(
      ['Project', 'Project', 'ProjectDefaults', 'ServicePackage', 'ServicePackage', 'ServiceProvider', 'ServiceProvider', 'ServiceProvider', 'Subscription', 'Subscription', 'Target', 'Target'],
    );
  });

  it('the README describes each example folder', () => {
    const file = join(root, 'README.md');
    const text = readFileSync(file, 'utf8');
    for (const folder of ['quickstart/', 'kubernetes/', 'ci/']) expect(text).toContain(`\`${folder}\``);
    checked.add(file);
  });

  it('leaves no file of examples/ unchecked', () => {
    expect(filesBelow(root).filter((f) => !checked.has(f))).toEqual([]);
  });
});
