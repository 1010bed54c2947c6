/** `syncwise crds [--output-dir DIR]`: the CustomResourceDefinitions generated from schemas/. */
import { Command } from 'commander';
import type { CrdsOptions } from '../crds.js';
import type { CommandDefinition } from './index.js';

/** Registers `crds`; exits 0 once the CRDs are printed or written. */
export const crdsCommand: CommandDefinition = (program, setExit) => {
  const cmd = new Command('crds')
    .description('print the CustomResourceDefinitions of every syncwise kind (generated from the JSON Schemas) as multi-document YAML')
    .option('--output-dir <dir>', 'write one file per CRD (<plural>.syncwise.io.yaml) into this directory instead of printing')
    .action(async (opts: CrdsOptions) => {
      const { runCrds } = await import('../crds.js');
      setExit(await runCrds(opts, process.stdout));
    });
  program.addCommand(cmd);
};
