import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runCrds } from '../../../src/modes/cli/crds.js';
import { chartCrdFiles } from '../../support/crd-validator.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function collector(): { write: (chunk: string) => void; text: () => string } {
  let text = '';
  return { write: (chunk) => { text += chunk; }, text: () => text };
}

describe('syncwise crds', () => {
  it('prints the same CRDs as the chart ships, as one multi-document YAML stream', async () => {
    const out = collector();
    expect(await runCrds({}, out)).toBe(0);
    const docs = parseAllDocuments(out.text()).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => d.kind)).toEqual(Array(6).fill('CustomResourceDefinition'));
    expect(out.text()).toBe([...chartCrdFiles(ROOT).values()].sort((a, b) => order(a) - order(b)).join('---\n'));
  });

  it('writes one file per CRD with --output-dir and removes CRD files of kinds that no longer exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncwise-crds-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'oldkinds.syncwise.io.yaml'), 'stale');
    writeFileSync(join(dir, 'README.md'), 'kept');
    const out = collector();
    expect(await runCrds({ outputDir: dir }, out)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['README.md', ...[...chartCrdFiles(ROOT).keys()]].sort());
    expect(out.text().trim().split('\n')).toHaveLength(6);
    for (const [file, text] of chartCrdFiles(ROOT)) expect(readFileSync(join(dir, file), 'utf8')).toBe(text);
  });
});

const KIND_ORDER = ['targets', 'serviceproviders', 'servicepackages', 'subscriptions', 'projectdefaults', 'projects'];
function order(yaml: string): number {
  return KIND_ORDER.findIndex((p) => yaml.includes(`name: ${p}.syncwise.io\n`));
}
