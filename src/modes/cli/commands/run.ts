/** `syncwise run`: reconciles once, or on a cron schedule. */
import { Command } from 'commander';
import type { RunCommandOptions } from '../../schedule.js';
import type { CommandDefinition } from './index.js';
import { withPlanOptions } from './plan-options.js';
import { withServiceOptions } from './service-options.js';

export const runCommand: CommandDefinition = (program, setExit) => {
  const cmd = withServiceOptions(withPlanOptions(new Command('run').description('reconcile once, or on a cron schedule (--schedule), logging JSON lines')))
    .option('--schedule <cron>', 'cron expression, 5 fields or 6 with leading seconds (e.g. "*/5 * * * *")')
    .option('--timezone <tz>', 'IANA time zone of the schedule (default: the system\'s)')
    .option('--git-pull', 'run "git pull --ff-only" in the configuration repository before each run', false)
    .action(async (opts: RunCommandOptions) => {
      const { runScheduled } = await import('../../schedule.js');
      setExit(await runScheduled(opts));
    });
  program.addCommand(cmd);
};
