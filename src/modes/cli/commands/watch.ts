/** `syncwise watch`: applies the declarations on every change of the files. */
import { Command } from 'commander';
import type { WatchCommandOptions } from '../../watch.js';
import type { CommandDefinition } from './index.js';
import { withPlanOptions } from './plan-options.js';
import { durationMs, withServiceOptions } from './service-options.js';

export const watchCommand: CommandDefinition = (program, setExit) => {
  const cmd = withServiceOptions(withPlanOptions(new Command('watch').description('apply the declarations on every change of the files; reconcile in full on a timer')))
    .option('--resync <duration>', 'full reconcile that corrects drift on the platform, every (e.g. 30s, 10m, 1h; 0: never)', durationMs, 600_000)
    .action(async (opts: WatchCommandOptions) => {
      const { runWatch } = await import('../../watch.js');
      setExit(await runWatch(opts));
    });
  program.addCommand(cmd);
};
