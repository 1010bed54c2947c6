/** `syncwise plan`: shows what apply would change, without changing anything. */
import { Command } from 'commander';
import type { CommandDefinition } from './index.js';
import { withPlanOptions, type PlanCommandOptions } from './plan-options.js';

export const planCommand: CommandDefinition = (program, setExit) => {
  const cmd = withPlanOptions(new Command('plan').description('show the changes apply would make'))
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when there are none', false)
    .action(async (opts: PlanCommandOptions & { detailedExitcode: boolean }) => {
      const { runPlan } = await import('../run-plan.js');
      setExit(await runPlan(opts));
    });
  program.addCommand(cmd);
};
