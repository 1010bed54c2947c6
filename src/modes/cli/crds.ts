/**
 * `syncwise crds`: prints the CustomResourceDefinitions of every syncwise kind as one YAML stream,
 * or writes one file per CRD (`<plural>.syncwise.io.yaml`) into a directory such as a chart's
 * crds/ folder, removing CRD files of kinds that no longer exist there.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crdFileName, crdsYaml, crdYaml, customResourceDefinitions, CRD_GROUP, type CustomResourceDefinition } from '../../config/crd.js';
import { schemas } from '../../config/generated/schemas.js';

/** Options of `syncwise crds`. */
export interface CrdsOptions {
  /** Write one file per CRD here instead of printing them. @default undefined (print to stdout) */
  readonly outputDir?: string;
}

/** Where the command prints. */
export interface CrdsOutput {
  write(chunk: string): unknown;
}

/**
 * Writes each CRD to `dir/<plural>.syncwise.io.yaml` and deletes other `*.syncwise.io.yaml` files
 * there (a kind that was removed); returns the paths written, in kind order.
 */
export async function writeCrdFiles(crds: readonly CustomResourceDefinition[], dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const wanted = new Set(crds.map(crdFileName));
  for (const f of await readdir(dir)) if (f.endsWith(`.${CRD_GROUP}.yaml`) && !wanted.has(f)) await rm(join(dir, f));
  const written: string[] = [];
  for (const crd of crds) {
    const path = join(dir, crdFileName(crd));
    await writeFile(path, crdYaml(crd));
    written.push(path);
  }
  return written;
}

/** Runs the command and resolves to its exit code. */
export async function runCrds(opts: CrdsOptions, out: CrdsOutput): Promise<number> {
  const crds = customResourceDefinitions(schemas);
  if (opts.outputDir === undefined) {
    out.write(crdsYaml(crds));
    return 0;
  }
  for (const path of await writeCrdFiles(crds, opts.outputDir)) out.write(`${path}\n`);
  return 0;
}
