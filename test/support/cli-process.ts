/**
 * A long-running CLI (`node bin/syncwise.js watch|run ...`) as a child process: its JSON log lines
 * as they arrive, waiting for a line, signalling, and its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/syncwise.js', import.meta.url));

/** One JSON log line (non-JSON output is kept as `{ text }`). */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly at: number };

export interface CliProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  stderr(): string;
  /** Resolves with the first line (from `from` on) that matches; rejects after `timeoutMs` with the log. */
  waitFor(match: (line: LogLine) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<LogLine>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }>;
  /** SIGKILLs the process if it is still running. */
  kill(): void;
}

/** Splits a stream into lines and parses each as JSON (keeping other text as `{ text }`). */
function collectLines(stream: NodeJS.ReadableStream, lines: LogLine[], onLine: () => void): void {
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts.filter((p) => p.trim() !== '')) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = { text };
      }
      lines.push({ ...parsed, at: Date.now() });
    }
    onLine();
  });
}

function waitForLine(child: ChildProcess, lines: readonly LogLine[], waiters: Set<() => void>, dump: () => string): CliProcess['waitFor'] {
  return (match, o = {}) =>
    new Promise((resolve, reject) => {
      const timeoutMs = o.timeoutMs ?? 10_000;
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      const check = (): void => {
        const found = lines.slice(o.from ?? 0).find(match);
        if (found !== undefined) return finish(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) finish(() => reject(new Error(`process exited before the line came\n${dump()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no matching line within ${timeoutMs} ms\n${dump()}`))), timeoutMs);
      waiters.add(check);
      check();
    });
}

/** Starts `syncwise <args>` with only PATH, HOME and `env` in its environment. */
export function startCli(args: readonly string[], options: { cwd: string; env?: Readonly<Record<string, string>> }): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  let stderr = '';
  if (child.stdout) collectLines(child.stdout, lines, notify);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      notify();
    });
  });
  const dump = (): string => `stdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr}`;
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { child, lines, stderr: () => stderr, waitFor: waitForLine(child, lines, waiters, dump), exited, kill };
}

/** Matches a log line by its message (and optionally more fields). */
export function msg(text: string, fields: Readonly<Record<string, unknown>> = {}): (line: LogLine) => boolean {
  return (line) => line.msg === text && Object.entries(fields).every(([k, v]) => line[k] === v);
}

/** Where a test runs the CLI: its working directory, configuration, state directory and environment. */
export interface CliPlace {
  readonly root: string;
  readonly config: string;
  readonly stateDir: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Starts `syncwise <args> -f config --state-dir stateDir` in a place. */
export type CliStarter = (args: readonly string[]) => CliProcess;

/**
 * The body of a vitest fixture that hands a test a `CliStarter` for `place` and, once the test is
 * over, kills whatever it started that still runs, so that no process outlives its test.
 */
export async function useCliStarter(place: CliPlace, use: (start: CliStarter) => Promise<void>): Promise<void> {
  const started: CliProcess[] = [];
  await use((args) => {
    const cli = startCli([...args, '-f', place.config, '--state-dir', place.stateDir], { cwd: place.root, env: place.env });
    started.push(cli);
    return cli;
  });
  for (const cli of started) {
    cli.kill();
    await cli.exited;
  }
}
