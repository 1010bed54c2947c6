/**
 * Options shared by `plan`, `apply`, `watch` and `run`: where declarations come from, where state
 * lives, and the plan's safety switches.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';

export interface PlanCommandOptions {
  readonly file: string[];
  readonly output: 'text' | 'json' | 'markdown';
  readonly stateDir: string;
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

/** Adds the shared options to a command. */
export function withPlanOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-f, --file <path>', 'file or directory of declarations (repeatable)', collect, [])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--state-dir <dir>', 'where the ledger (and the embedded sandbox data) live', '.syncwise')
    .option('--owner <name>', 'identity of this configuration on the platform (default: kept in the ledger)')
    .option('--prune', 'delete owned objects that are no longer declared', false)
    .option('--max-delete <n>', 'most deletes in one run without --force (default: half of the owned objects, at least 5)', positiveInt)
    .option('--force', 'allow more deletes than --max-delete, or an empty configuration', false)
    .option('--allow-replace', 'allow project replacement even without replacePolicy: Allow', false)
    .option('--parallelism <n>', 'platform calls in flight at once', positiveInt, 8)
    .option('--allow-outside-root', 'follow symlinks and valueFrom.file outside the configuration root', false);
}
