/**
 * The CLI's composition root: parses arguments and hands each command's typed options to its
 * implementation. Command modules load their heavy dependencies lazily so `--help` stays fast.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';

function packageVersion(): string {
  const raw = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('syncwise')
    .description('Keep a meeting/streaming platform exactly as declared in YAML or Kubernetes custom resources.')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const define of commands) define(program, (code) => { exitCode = code; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    process.stderr.write(`syncwise: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return exitCode;
}
