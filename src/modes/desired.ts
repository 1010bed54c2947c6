/**
 * Desired state from files: load and validate declarations, then resolve their secrets. Shared by
 * the CLI, watch and schedule runtimes.
 */
import { loadDeclarations } from '../config/load-files.js';
import { resolveSecrets } from '../config/secrets.js';
import { isSensitive, type Diagnostic, type Resource, type Sensitive } from '../core/model.js';
import { registerSecret } from '../log.js';

export interface LoadDesiredOptions {
  readonly paths: readonly string[];
  /** Follow symlinks and `valueFrom.file` outside the configuration root. @default false */
  readonly allowOutsideRoot?: boolean;
  /** Resolve secret values (not needed to validate). @default true */
  readonly resolve?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface DesiredFromFiles {
  readonly resources: readonly Resource<Sensitive>[];
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly string[];
}

/** Registers every secret value of the resources with the log redactor. */
export function registerSecrets(value: unknown): void {
  if (isSensitive(value)) return registerSecret(value.reveal());
  if (Array.isArray(value)) for (const v of value) registerSecrets(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) registerSecrets(v);
}

/** Loads, validates and resolves; `resources` is empty whenever any diagnostic is an error. */
export async function loadDesired(options: LoadDesiredOptions): Promise<DesiredFromFiles> {
  const loaded = await loadDeclarations(options.paths, { allowOutsideRoot: options.allowOutsideRoot ?? false });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) return { resources: [], diagnostics: loaded.diagnostics, files: loaded.files };
  const resolved = await resolveSecrets(loaded.declared, { env: options.env ?? process.env });
  registerSecrets(resolved.resources);
  const diagnostics = [...loaded.diagnostics, ...resolved.diagnostics];
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { resources: failed ? [] : resolved.resources, diagnostics, files: loaded.files };
}
