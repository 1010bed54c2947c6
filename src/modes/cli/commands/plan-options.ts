/**
 * Options shared by `plan`, `apply`, `watch` and `run`: where declarations come from, where state
 * lives, and the plan's safety switches.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { LedgerLocation } from '../../engine-deps.js';

export interface PlanCommandOptions {
  readonly file: string[];
  readonly output: 'text' | 'json' | 'markdown';
  readonly stateDir: string;
  /** @default { kind: 'file' } */
  readonly ledger?: LedgerLocation;
  readonly owner?: string;
  readonly prune: boolean;
  readonly maxDelete?: number;
  readonly force: boolean;
  readonly allowReplace: boolean;
  readonly parallelism: number;
  readonly allowOutsideRoot: boolean;
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses a positive integer option, with a clear error. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parses `--ledger`: `file` (in --state-dir) or `kubernetes:NAMESPACE/NAME`, where NAME names the
 * Secret and `NAME-lock` its lock Lease, so both must be valid Kubernetes names.
 */
export function ledgerLocation(value: string): LedgerLocation {
  if (value === 'file') return { kind: 'file' };
  const match = /^kubernetes:([^/]+)\/([^/]+)$/.exec(value);
  if (match === null) throw new InvalidArgumentError('expected "file" or "kubernetes:NAMESPACE/NAME"');
  const namespace = match[1] ?? '';
  const name = match[2] ?? '';
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) throw new InvalidArgumentError(`namespace "${namespace}" is not a valid Kubernetes namespace (lowercase letters, digits and "-", at most 63)`);
  if (name.length > 248 || !DNS_SUBDOMAIN.test(name)) throw new InvalidArgumentError(`"${name}" is not a valid Secret name (lowercase letters, digits, "-" and ".", at most 248 so that "${name}-lock" fits)`);
  return { kind: 'kubernetes', namespace, name };
}

/** Adds the shared options to a command. */
export function withPlanOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-f, --file <path>', 'file or directory of declarations (repeatable)', collect, [])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--state-dir <dir>', 'where the ledger (and the embedded sandbox data) live', '.syncwise')
    .option('--ledger <location>', 'keep the ledger in "file" (in --state-dir) or in a Kubernetes Secret, "kubernetes:NAMESPACE/NAME" (uses KUBECONFIG or the in-cluster account)', ledgerLocation)
    .option('--owner <name>', 'identity of this configuration on the platform (default: kept in the ledger)')
    .option('--prune', 'delete owned objects that are no longer declared', false)
    .option('--max-delete <n>', 'most deletes in one run without --force (default: half of the owned objects, at least 5)', positiveInt)
    .option('--force', 'allow more deletes than --max-delete, or an empty configuration', false)
    .option('--allow-replace', 'allow project replacement even without replacePolicy: Allow', false)
    .option('--parallelism <n>', 'platform calls in flight at once', positiveInt, 8)
    .option('--allow-outside-root', 'follow symlinks and valueFrom.file outside the configuration root', false);
}
