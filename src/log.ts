/**
 * The pino logger factory. Imported only by runtimes (src/modes/) and the sandbox server's shell:
 * the core and the engine return data and never log.
 *
 * Secrets are redacted twice: by path (fields that hold credentials by name) and by value (every
 * secret value syncwise resolved is registered, and any line containing one has it replaced).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/** Field paths whose values are always censored, wherever they appear in a log object. */
export const REDACT_PATHS: readonly string[] = [
  'token', '*.token', 'apiKey', '*.apiKey', 'secret', '*.secret', '*.*.secret',
  'password', '*.password', 'defaultOwnerPassword', '*.defaultOwnerPassword',
  'secretKey', '*.secretKey', '*.*.secretKey', 'awsSecretKey', '*.awsSecretKey', '*.*.awsSecretKey',
  'projectApiKey', '*.projectApiKey', 'authorization', '*.authorization', 'headers.authorization',
  'headers.bzspid', '*.bzspid', 'bzspid',
];

const CENSOR = '[REDACTED]';
const knownSecrets = new Set<string>();
/** One pattern matching every registered value (and its JSON-escaped form), longest first; rebuilt when a value is added. */
let secretPattern: RegExp | undefined;

/** Registers a secret value so that no log line ever prints it. Values shorter than 4 characters are ignored. */
export function registerSecret(value: string): void {
  if (value.length < 4 || knownSecrets.has(value)) return;
  knownSecrets.add(value);
  secretPattern = undefined;
}

function patternOf(secrets: ReadonlySet<string>): RegExp {
  const forms = new Set<string>();
  for (const s of secrets) forms.add(s).add(JSON.stringify(s).slice(1, -1));
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(alternatives.join('|'), 'g');
}

/**
 * Replaces every registered secret value in `text`; also used for stderr messages outside pino.
 * One regular expression over all values keeps this linear in the text: with 10,000 registered
 * secrets, a value-by-value search made printing an apply of 10,000 objects cost seconds of CPU.
 */
export function redactKnownSecrets(text: string): string {
  if (knownSecrets.size === 0) return text;
  secretPattern ??= patternOf(knownSecrets);
  return text.replace(secretPattern, CENSOR);
}

export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: string;
  /** Human-readable lines (pino-pretty) instead of JSON. @default false */
  readonly pretty?: boolean;
  /** File descriptor or path to write to. @default 1 (stdout) */
  readonly destination?: number | string;
  /** Fields bound to every line, e.g. `{ mode: 'watch' }`. */
  readonly bindings?: Readonly<Record<string, unknown>>;
}

/**
 * Creates the root logger. Writes synchronously so that no line is lost when the process is
 * signalled (an async destination drops buffered lines on SIGTERM).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = { redact: { paths: [...REDACT_PATHS], censor: CENSOR }, level: options.level ?? 'info', base: options.bindings ?? {} };
  const hooks = { streamWrite: (line: string) => redactKnownSecrets(line) };
  if (options.pretty) {
    return pino({ ...base, hooks, transport: { target: 'pino-pretty', options: { destination: options.destination ?? 1, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true } } });
  }
  return pino({ ...base, hooks, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: options.destination ?? 1, sync: true }));
}
