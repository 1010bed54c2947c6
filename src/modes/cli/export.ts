/**
 * `syncwise export`: reads the live objects of one or more targets with their drivers (list calls
 * only) and writes them as declarations that `syncwise validate` accepts, with secrets as
 * `valueFrom.env` placeholders. With `--adopt` it also records the objects in the ledger, so the
 * next apply manages them instead of creating copies (like `terraform import`).
 */
import { join } from 'node:path';
import { loadDeclarations } from '../../config/load-files.js';
import { resolveSecrets } from '../../config/secrets.js';
import { renderDiagnostics } from '../../core/diagnostics.js';
import { adoptionEntries, exportBluzoneObjects, exportStreamwiseObjects, ledgerNames, unexportableReason, type KnownNames } from '../../core/export.js';
import { emptyLedger, type LedgerState } from '../../core/ledger.js';
import { keyOf, sensitive } from '../../core/model.js';
import { toEngineError } from '../../engine/errors.js';
import { newSalt } from '../../engine/hash.js';
import { newOwnerId } from '../../engine/ledger/file.js';
import type { LedgerStore, ResolvedTarget } from '../../engine/ports.js';
import { declaredTargets, embeddedTargets, type EmbeddedPlatform } from '../../engine/targets.js';
import { createDriver } from '../../platform/driver.js';
import { redactKnownSecrets } from '../../log.js';
import { registerSecrets } from '../desired.js';
import { createEngineDeps, startEmbeddedSandbox, type LedgerLocation } from '../engine-deps.js';
import { renderExport, writeExports, type TargetExport } from './export-render.js';

/** Options of `syncwise export`. */
export interface ExportCommandOptions {
  /** Files or directories declaring the Targets; none: the embedded sandbox of `stateDir`. @default [] */
  readonly file: readonly string[];
  /** Names of the targets to export. @default every declared target */
  readonly target: readonly string[];
  /** Write `<dir>/<target>.yaml` files; undefined: write to stdout. */
  readonly outputDir?: string;
  /** Replace existing files in `outputDir`. @default false */
  readonly overwrite: boolean;
  /** Record the exported objects in the ledger of `stateDir`. @default false */
  readonly adopt: boolean;
  /** @default '.syncwise' */
  readonly stateDir: string;
  /** Where the ledger lives: its names are kept, and `adopt` writes it. @default { kind: 'file' } (in `stateDir`) */
  readonly ledger?: LedgerLocation;
  /** Identity of the adopting configuration (a new ledger gets a random one when absent). */
  readonly owner?: string;
  /** @default false */
  readonly allowOutsideRoot: boolean;
}

interface Sources {
  readonly targets: readonly ResolvedTarget[];
  readonly embedded?: EmbeddedPlatform;
}

const err = (text: string): void => void process.stderr.write(redactKnownSecrets(text.endsWith('\n') ? text : `${text}\n`));

/** The declared Targets with their credentials, or the embedded sandbox; undefined after printing why not. */
async function openSources(opts: ExportCommandOptions): Promise<Sources | undefined> {
  if (opts.file.length > 0) {
    const loaded = await loadDeclarations(opts.file, { allowOutsideRoot: opts.allowOutsideRoot });
    const targets = loaded.declared.filter((d) => d.kind === 'Target');
    const resolved = await resolveSecrets(targets, { env: process.env });
    const diagnostics = [...loaded.diagnostics, ...resolved.diagnostics];
    if (diagnostics.length > 0) err(renderDiagnostics(diagnostics));
    if (diagnostics.some((d) => d.severity === 'error')) return undefined;
    registerSecrets(resolved.resources);
    if (targets.length > 0) return { targets: declaredTargets(resolved.resources) };
  }
  err(`No Target declared: exporting the embedded sandbox (data in ${join(opts.stateDir, 'sandbox.db')}).`);
  const embedded = await startEmbeddedSandbox(opts.stateDir);
  return { targets: embeddedTargets(embedded, sensitive), embedded };
}

function selectTargets(all: readonly ResolvedTarget[], names: readonly string[]): ResolvedTarget[] | undefined {
  if (names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((t) => t.name === n));
  if (unknown.length === 0) return all.filter((t) => names.includes(t.name));
  err(`syncwise: no Target named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (declared: ${all.map((t) => t.name).join(', ') || 'none'})`);
  return undefined;
}

async function exportTarget(t: ResolvedTarget, embedded: boolean, known: KnownNames): Promise<TargetExport> {
  const driver = createDriver(t);
  try {
    const live = await driver.observe();
    if (live.api === 'bluzone') {
      for (const p of live.projects) {
        const why = unexportableReason(p);
        if (why !== undefined) err(`warning: project ${JSON.stringify(p.projectName)} (id ${p.projectId}) on target "${t.name}": ${why}`);
      }
    }
    const ref = embedded ? undefined : t.name;
    const objects = live.api === 'streamwise' ? exportStreamwiseObjects(live, ref, known) : exportBluzoneObjects(live, ref, known);
    return { target: t.name, api: t.api, embedded, objects };
  } finally {
    await driver.close();
  }
}

/** Declarations of one kind and name exported from two targets would clash in one configuration. */
function clashes(exports: readonly TargetExport[]): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const t of exports) {
    for (const o of t.objects) {
      const key = keyOf(o.kind, o.name);
      const first = seen.get(key);
      if (first !== undefined && first !== t.target) out.push(`${key} (targets ${first} and ${t.target})`);
      else seen.set(key, t.target);
    }
  }
  return out;
}

function ledgerStore(opts: ExportCommandOptions): LedgerStore {
  return createEngineDeps({ stateDir: opts.stateDir, ...(opts.ledger ? { ledger: opts.ledger } : {}) }).ledger;
}

/** Records the exported objects in the ledger, under its lock. */
async function adopt(opts: ExportCommandOptions, store: LedgerStore, exports: readonly TargetExport[]): Promise<void> {
  const where = opts.ledger?.kind === 'kubernetes' ? `Secret ${opts.ledger.namespace}/${opts.ledger.name}` : join(opts.stateDir, 'ledger.json');
  const unlock = await store.lock();
  try {
    const loaded = await store.load();
    let ledger: LedgerState = loaded ?? emptyLedger(opts.owner ?? newOwnerId(), newSalt());
    if (opts.owner !== undefined) ledger = { ...ledger, owner: opts.owner };
    let adopted = 0;
    for (const t of exports) {
      const result = adoptionEntries(t.objects, t.target, ledger);
      for (const s of result.skipped) err(`warning: ${s.key} not adopted: ${s.reason}`);
      ledger = { ...ledger, entries: { ...ledger.entries, ...Object.fromEntries(result.entries.map((e) => [e.key, e])) } };
      adopted += result.entries.length;
    }
    await store.save(ledger);
    err(`Adopted ${adopted} object(s) into ${where} as configuration "${ledger.owner}".`);
  } finally {
    await unlock();
  }
}

/** Runs the command and resolves to its exit code: 0 exported, 1 error. */
export async function runExport(opts: ExportCommandOptions): Promise<number> {
  let sources: Sources | undefined;
  try {
    sources = await openSources(opts);
    const targets = sources && selectTargets(sources.targets, opts.target);
    if (sources === undefined || targets === undefined) return 1;
    const store = ledgerStore(opts);
    const owned = await store.load(); // names of what this configuration applied are kept
    const exports = await Promise.all(targets.map((t) => exportTarget(t, sources?.embedded !== undefined, ledgerNames(owned, t.name))));
    const clash = clashes(exports);
    if (clash.length > 0) {
      err(`syncwise: the same declaration name comes from several targets: ${clash.join(', ')}; export them one at a time with --target`);
      return 1;
    }
    if (opts.outputDir === undefined) process.stdout.write(redactKnownSecrets(exports.map(renderExport).join('---\n')));
    else for (const file of await writeExports(opts.outputDir, exports, opts.overwrite)) err(`Wrote ${file}`);
    if (opts.adopt) await adopt(opts, store, exports);
    return 0;
  } catch (e) {
    const error = toEngineError(e);
    err(`syncwise: error ${error.code}: ${error.message}`);
    return 1;
  } finally {
    await sources?.embedded?.close();
  }
}
