/** `syncwise apply`: makes the platform match the declarations. */
import { Command } from 'commander';
import type { CommandDefinition } from './index.js';
import { withPlanOptions, type PlanCommandOptions } from './plan-options.js';

export const applyCommand: CommandDefinition = (program, setExit) => {
  const cmd = withPlanOptions(new Command('apply').description('apply the changes to the platform'))
    .option('-y, --yes', 'apply without asking (required when stdin is not a terminal)', false)
    .option('--lock-wait <seconds>', 'wait this long for another run holding the state directory', '0')
    .action(async (opts: PlanCommandOptions & { yes: boolean; lockWait: string }) => {
      const { runApply } = await import('../run-apply.js');
      setExit(await runApply(opts));
    });
  program.addCommand(cmd);
};
