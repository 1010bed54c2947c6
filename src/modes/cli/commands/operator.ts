/** `syncwise operator`: reconciles the syncwise custom resources of a Kubernetes cluster. */
import { Command, Option } from 'commander';
import type { OperatorCommandOptions } from '../../operator/main.js';
import type { CommandDefinition } from './index.js';
import { durationMs, port } from './service-options.js';

export const operatorCommand: CommandDefinition = (program, setExit) => {
  const cmd = new Command('operator')
    .description('reconcile the syncwise custom resources of a Kubernetes cluster (kubeconfig from KUBECONFIG, ~/.kube/config or in-cluster)')
    .option('--namespace <ns>', 'watch only this namespace (default: every namespace)')
    .option('--metrics-port <port>', 'serve /healthz, /readyz and /metrics on this port', port, 8080)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'))
    .option('--leader-elect', 'elect one leader through a coordination.k8s.io Lease; the other replicas stand by', false)
    .option('--lease-name <name>', 'name of the leader-election Lease', 'syncwise-leader')
    .option('--lease-namespace <ns>', 'namespace of the Lease (default: POD_NAMESPACE, else the kubeconfig namespace)')
    .option('--lease-duration <duration>', 'how long a Lease is valid without renewal', durationMs, 15_000)
    .option('--renew-deadline <duration>', 'how long the leader tries to renew before it steps down', durationMs, 10_000)
    .option('--retry-period <duration>', 'pause between attempts to acquire or renew the Lease', durationMs, 2_000)
    .option('--ledger-name <name>', 'Secret holding the ledger (and Lease <name>-lock, its run lock)', 'syncwise-ledger')
    .option('--ledger-namespace <ns>', 'namespace of the ledger Secret (default: as --lease-namespace)')
    .option('--resync <duration>', 'full reconcile that corrects drift on the platform, every (0: never)', durationMs, 600_000)
    .option('--debounce <duration>', 'quiet time after the last change before a reconcile', durationMs, 500)
    .action(async (opts: OperatorCommandOptions) => {
      const { runOperator } = await import('../../operator/main.js');
      setExit(await runOperator(opts));
    });
  program.addCommand(cmd);
};
