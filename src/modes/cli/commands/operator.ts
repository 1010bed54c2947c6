/** `syncwise operator`: reconciles the syncwise custom resources of a Kubernetes cluster. */
import { Command, Option } from 'commander';
import type { OperatorCommandOptions } from '../../operator/main.js';
import type { CommandDefinition } from './index.js';
import { durationMs, port } from './service-options.js';

/** A duration option whose default shows as written (`15s`), not in milliseconds. */
function duration(flags: string, description: string, ms: number, shown: string): Option {
  return new Option(flags, description).argParser(durationMs).default(ms, shown);
}

export const operatorCommand: CommandDefinition = (program, setExit) => {
  const cmd = new Command('operator')
    .description('reconcile the syncwise custom resources of a Kubernetes cluster (kubeconfig from KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('--namespace <ns>', 'watch only this namespace (default: every namespace)')
    .option('--metrics-port <port>', 'serve /healthz, /readyz and /metrics on this port', port, 8080)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .option('--leader-elect', 'elect one leader through a coordination.k8s.io Lease; the other replicas stand by', false)
    .option('--lease-name <name>', 'name of the leader-election Lease', 'syncwise-leader')
    .option('--lease-namespace <ns>', 'namespace of the Lease (default: POD_NAMESPACE, else the kubeconfig namespace)')
    .addOption(duration('--lease-duration <duration>', 'how long a Lease is valid without renewal', 15_000, '15s'))
    .addOption(duration('--renew-deadline <duration>', 'how long the leader tries to renew before it steps down', 10_000, '10s'))
    .addOption(duration('--retry-period <duration>', 'pause between attempts to acquire or renew the Lease', 2_000, '2s'))
    .option('--ledger-name <name>', 'Secret holding the ledger (and Lease <name>-lock, its run lock)', 'syncwise-ledger')
    .option('--ledger-namespace <ns>', 'namespace of the ledger Secret (default: as --lease-namespace)')
    .addOption(duration('--resync <duration>', 'full reconcile that corrects drift on the platform, every (0: never)', 600_000, '10m'))
    .addOption(duration('--debounce <duration>', 'quiet time after the last change before a reconcile', 500, '500ms'))
    .action(async (opts: OperatorCommandOptions) => {
      const { runOperator } = await import('../../operator/main.js');
      setExit(await runOperator(opts));
    });
  program.addCommand(cmd);
};
