/** `syncwise validate -f PATH...`: checks declarations without contacting any platform. */
import { Command, Option } from 'commander';
import type { ValidateOptions } from '../validate.js';
import type { CommandDefinition } from './index.js';

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Registers `validate`; exits 0 when every declaration is valid, 1 otherwise. */
export const validateCommand: CommandDefinition = (program, setExit) => {
  const cmd = new Command('validate')
    .description('check declaration files (schemas and cross-references) without contacting any platform')
    .requiredOption('-f, --filename <path>', 'a declaration file or directory (repeatable; directories are read recursively)', collect)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--allow-outside-root', 'follow symbolic links and valueFrom.file paths that leave the configuration root', false)
    .action(async (opts: ValidateOptions) => {
      const { runValidate } = await import('../validate.js');
      setExit(await runValidate(opts, process.stdout));
    });
  program.addCommand(cmd);
};
