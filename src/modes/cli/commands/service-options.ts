/**
 * Options shared by the long-running commands (`watch`, `run`): the health server's port, the log
 * level, and a parser for durations such as `30s` or `10m`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `30s`, `10m`, `1h` or `0` into milliseconds, with a clear error. */
export function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (match === null || (match[2] === undefined && match[1] !== '0')) {
    throw new InvalidArgumentError('expected a duration such as 30s, 10m or 1h (0 turns it off)');
  }
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
}

/** Parses a TCP port (0 picks a free one). */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

/** Adds `--http-port` and `--log-level`. */
export function withServiceOptions(cmd: Command): Command {
  return cmd
    .option('--http-port <port>', 'serve /healthz, /readyz and /metrics on this port', port)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'));
}
