/** `syncwise export`: writes the live objects of a target as declarations (adopting an existing platform). */
import { Command } from 'commander';
import type { ExportCommandOptions } from '../export.js';
import type { CommandDefinition } from './index.js';
import { collect, ledgerLocation } from './plan-options.js';

export const exportCommand: CommandDefinition = (program, setExit) => {
  const cmd = new Command('export')
    .description('write the live objects of a target as declarations that validate, with secrets as valueFrom.env placeholders')
    .option('-f, --file <path>', 'file or directory declaring the Targets (repeatable); none: the embedded sandbox of --state-dir', collect, [])
    .option('--target <name>', 'export only this Target (repeatable; default: every declared Target)', collect, [])
    .option('--output-dir <dir>', 'write one <target>.yaml per target into this directory (default: stdout)')
    .option('--overwrite', 'replace existing files in --output-dir', false)
    .option('--adopt', 'record the exported objects in the ledger, so the next apply manages them instead of creating copies', false)
    .option('--state-dir <dir>', 'where the ledger (and the embedded sandbox data) live', '.syncwise')
    .option('--ledger <location>', 'the ledger whose names are kept (and that --adopt writes): "file" (in --state-dir) or a Kubernetes Secret, "kubernetes:NAMESPACE/NAME"', ledgerLocation)
    .option('--owner <name>', 'identity of the adopting configuration (default: kept in the ledger)')
    .option('--allow-outside-root', 'follow symlinks and valueFrom.file outside the configuration root', false)
    .addHelpText('after', '\nSecrets cannot be read back from the platform: set the environment variables named in the output before plan or apply.')
    .action(async (opts: ExportCommandOptions) => {
      const { runExport } = await import('../export.js');
      setExit(await runExport(opts));
    });
  program.addCommand(cmd);
};
