/** `syncwise sandbox`: runs the embedded platform sandbox as a local server. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { SandboxCommandOptions } from '../../sandbox.js';
import type { CommandDefinition } from './index.js';
import { port } from './service-options.js';

function faultSpec(value: string): string {
  if (!/^[\w.=,\s-]+$/.test(value)) throw new InvalidArgumentError('expected e.g. error=0.1,429=0.05,latency=20ms,reset=0.01');
  return value;
}

export const sandboxCommand: CommandDefinition = (program, setExit) => {
  const cmd = new Command('sandbox')
    .description('run the embedded platform sandbox (streamwise and bluzone APIs) on a local port; prints its URL and credentials')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <path>', 'SQLite database file (secrets sealed with SYNCWISE_SANDBOX_KEY or <path>.key)', '.syncwise/sandbox.db')
    .option('--faults <spec>', 'inject faults: error=0.1,429=0.05,latency=20ms (or 10-50ms),reset=0.01,lost=0.01,retry-after=1,seed=7', faultSpec)
    .addOption(new Option('--log-level <level>', 'log level (debug logs every request)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .addHelpText('after', '\nCredentials come from SYNCWISE_SANDBOX_TOKEN and SYNCWISE_SANDBOX_API_KEY when set; otherwise they are generated once and kept in the database.')
    .action(async (opts: SandboxCommandOptions) => {
      const { runSandbox } = await import('../../sandbox.js');
      setExit(await runSandbox(opts));
    });
  program.addCommand(cmd);
};
