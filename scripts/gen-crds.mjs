// Writes charts/syncwise/crds/<plural>.syncwise.io.yaml from the JSON Schemas in schemas/ (the same
// generator as `syncwise crds`). `node scripts/gen-crds.mjs --check` exits 1 when the committed
// files differ from what it generates.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'charts/syncwise/crds');
const { customResourceDefinitions, crdFileName, crdYaml } = await tsImport('../src/config/crd.ts', import.meta.url);
const { writeCrdFiles } = await tsImport('../src/modes/cli/crds.ts', import.meta.url);

const documents = Object.fromEntries(
  readdirSync(join(root, 'schemas'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(root, 'schemas', f), 'utf8'))]),
);
const crds = customResourceDefinitions(documents);

if (process.argv.includes('--check')) {
  const stale = crds.filter((crd) => {
    try {
      return readFileSync(join(outDir, crdFileName(crd)), 'utf8') !== crdYaml(crd);
    } catch {
      return true;
    }
  });
  const expected = new Set(crds.map(crdFileName));
  const extra = readdirSync(outDir).filter((f) => f.endsWith('.syncwise.io.yaml') && !expected.has(f));
  for (const f of [...stale.map(crdFileName), ...extra]) console.error(`charts/syncwise/crds/${f} is out of date: run npm run gen:crds`);
  process.exit(stale.length + extra.length === 0 ? 0 : 1);
}
for (const path of await writeCrdFiles(crds, outDir)) console.log(path.slice(root.length));
