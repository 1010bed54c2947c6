/**
 * `syncwise sandbox`: the composition root of the standalone sandbox. Reads the environment
 * (credentials and the encryption key), starts the server, prints where it listens and how to
 * authenticate, and closes cleanly on SIGTERM or SIGINT. Logs go to stderr, one debug line per
 * request; the credentials are registered as secrets so that no log line can carry them.
 */
import { createLogger, registerSecret } from '../log.js';
import { parseFaults, startSandbox, type FaultOptions, type SandboxHandle } from '../sandbox/server.js';

/** The parsed flags of `syncwise sandbox`. */
export interface SandboxCommandOptions {
  /** @default 8787 */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host: string;
  /** @default '.syncwise/sandbox.db' */
  readonly data: string;
  /** e.g. `error=0.1,429=0.05,latency=20ms`. */
  readonly faults?: string;
  /** @default 'info' */
  readonly logLevel: string;
}

const ENV_TOKEN = 'SYNCWISE_SANDBOX_TOKEN';
const ENV_API_KEY = 'SYNCWISE_SANDBOX_API_KEY';
const ENV_KEY = 'SYNCWISE_SANDBOX_KEY';

function nonEmptyEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The text printed once the server listens. Credentials given through the environment are named, not shown. */
export function banner(handle: SandboxHandle, data: string, fromEnv: { token: boolean; apiKey: boolean }): string {
  const token = fromEnv.token ? `(from ${ENV_TOKEN})` : handle.token;
  const apiKey = fromEnv.apiKey ? `(from ${ENV_API_KEY})` : handle.apiKey;
  return [
    `syncwise sandbox listening on ${handle.url}`,
    `  streamwise  ${handle.url}/service-providers  Authorization: Bearer ${token}`,
    `  bluzone     ${handle.url}/portal/service/${handle.serviceProviderId}  bzspid: ${apiKey}`,
    `  openapi     ${handle.url}/openapi.json`,
    `  data        ${data}`,
    '',
  ].join('\n');
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string): void => {
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      resolve(signal);
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}

/** Runs the sandbox until SIGTERM or SIGINT; resolves with the exit code. */
export async function runSandbox(opts: SandboxCommandOptions): Promise<number> {
  let faults: FaultOptions | undefined;
  try {
    faults = opts.faults === undefined ? undefined : parseFaults(opts.faults);
  } catch (e) {
    process.stderr.write(`syncwise sandbox: ${(e as Error).message}\n`);
    return 1;
  }
  const logger = createLogger({ level: opts.logLevel, destination: 2, pretty: process.stderr.isTTY === true, bindings: { mode: 'sandbox' } });
  const token = nonEmptyEnv(ENV_TOKEN);
  const apiKey = nonEmptyEnv(ENV_API_KEY);
  const key = nonEmptyEnv(ENV_KEY);
  for (const secret of [token, apiKey, key]) if (secret !== undefined) registerSecret(secret);
  const handle = await startSandbox({
    data: opts.data, host: opts.host, port: opts.port, log: logger,
    ...(token === undefined ? {} : { token }), ...(apiKey === undefined ? {} : { apiKey }), ...(key === undefined ? {} : { key }),
    ...(faults === undefined ? {} : { faults }),
  });
  registerSecret(handle.token);
  registerSecret(handle.apiKey);
  const stopped = waitForSignal();
  process.stdout.write(banner(handle, opts.data, { token: token !== undefined, apiKey: apiKey !== undefined }));
  logger.info({ url: handle.url, data: opts.data, faults: faults ?? {} }, 'sandbox listening');
  const signal = await stopped;
  logger.info({ signal }, 'stopping');
  await handle.close();
  logger.info('stopped');
  logger.flush();
  return 0;
}
