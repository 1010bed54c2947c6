/**
 * `syncwise run`: reconciles the files once, or on a cron schedule (`--schedule`). A tick while a
 * run is in flight is skipped and logged, never stacked. With `--git-pull` the configuration
 * repository is fast-forwarded before each run; when the pull fails, the files stay as they were
 * (the last good state) and are reconciled anyway.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createTask, validateDetailed, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import { runUntilStopped } from './lifecycle.js';
import { reconcileFromCache, type RunReport } from './reconcile-run.js';
import { createRunner } from './runner.js';
import { loggingRunnerHooks, startService, type Service, type ServiceCommandOptions } from './service.js';

export interface RunCommandOptions extends ServiceCommandOptions {
  /** Cron expression, 5 fields or 6 with leading seconds; absent: run once. */
  readonly schedule?: string;
  /** IANA time zone of the schedule. @default the system's */
  readonly timezone?: string;
  /** Run `git pull --ff-only` in the configuration repository before each run. @default false */
  readonly gitPull: boolean;
}

/** Explains what is wrong with a schedule or time zone; undefined when both are valid. */
export function scheduleProblem(expression: string, timezone?: string): string | undefined {
  const check = validateDetailed(expression);
  if (!check.valid) {
    const details = check.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return `invalid --schedule "${expression}": ${details || 'not a cron expression'} (expected 5 fields "min hour day month weekday", or 6 with leading seconds)`;
  }
  if (timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      return `invalid --timezone "${timezone}": expected an IANA time zone such as "Europe/Berlin" or "UTC"`;
    }
  }
  return undefined;
}

/** The directory `git pull` runs in: the first path given, or the directory of that file. */
async function repositoryDir(paths: readonly string[]): Promise<string> {
  const first = resolve(paths[0] ?? '.');
  const info = await stat(first).catch(() => undefined);
  return info?.isDirectory() ? first : dirname(first);
}

/** Runs `git pull --ff-only`; reports failure instead of throwing. */
export function gitPull(cwd: string, signal: AbortSignal): Promise<{ readonly ok: boolean; readonly output: string }> {
  return new Promise((done) => {
    execFile('git', ['pull', '--ff-only'], { cwd, signal, timeout: 120_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      done({ ok: error === null, output: error === null ? output : output || error.message });
    });
  });
}

function scheduledRun(service: Service, opts: RunCommandOptions, repoDir: string): (signal: AbortSignal) => Promise<RunReport> {
  return async (signal) => {
    if (opts.gitPull) {
      const pulled = await gitPull(repoDir, signal);
      if (pulled.ok) service.logger.info({ repository: repoDir, output: pulled.output }, 'git pull');
      else service.logger.error({ repository: repoDir, output: pulled.output }, 'git pull failed: reconciling the files as they were');
    }
    return reconcileFromCache(service.context, { cache: service.cache, reason: opts.schedule ? 'schedule' : 'once', signal, full: true });
  };
}

function startCron(expression: string, timezone: string | undefined, onTick: () => void, log: Logger): ScheduledTask {
  const cronLog = {
    info: (m: string) => log.debug({ source: 'node-cron' }, m),
    warn: (m: string) => log.warn({ source: 'node-cron' }, m),
    error: (m: string | Error) => log.error({ source: 'node-cron' }, String(m)),
    debug: (m: string | Error) => log.debug({ source: 'node-cron' }, String(m)),
  };
  const task = createTask(expression, onTick, { name: 'syncwise', logger: cronLog, ...(timezone ? { timezone } : {}) });
  void task.start();
  return task;
}

/**
 * Runs once: exit 0 when the platform matches the files, 1 otherwise. SIGTERM or SIGINT lets the
 * run finish, aborting it after the grace period.
 */
async function runOnce(service: Service, run: (signal: AbortSignal) => Promise<RunReport>): Promise<number> {
  let report: RunReport | undefined;
  const { onError } = loggingRunnerHooks(service.logger);
  const runner = createRunner(async (signal) => {
    // Once means once: an unexpected error is reported, never retried.
    report = await run(signal).catch((e: unknown) => void onError?.(e));
    return 'done';
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    service.logger.info({ signal }, 'stopping after the run in flight');
    void runner.stop();
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  runner.runNow();
  await runner.idle();
  process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  await service.health?.close();
  service.logger.flush();
  return report?.result === 'success' ? 0 : 1;
}

/** Runs `syncwise run`; on a schedule, until SIGTERM or SIGINT. Resolves with the exit code. */
export async function runScheduled(opts: RunCommandOptions): Promise<number> {
  const problem = opts.schedule !== undefined ? scheduleProblem(opts.schedule, opts.timezone) : undefined;
  if (problem !== undefined) {
    process.stderr.write(`syncwise: ${problem}\n`);
    return 1;
  }
  const service = await startService(opts.schedule ? 'schedule' : 'run', opts);
  const repoDir = await repositoryDir(opts.file);
  const run = scheduledRun(service, opts, repoDir);
  if (opts.schedule === undefined) return runOnce(service, run);
  const { logger } = service;
  const runner = createRunner(async (signal) => (await run(signal)).verdict, loggingRunnerHooks(logger));
  const task = startCron(opts.schedule, opts.timezone, () => {
    if (!runner.runNow()) logger.warn({ schedule: opts.schedule }, 'tick skipped: the previous run is still in flight');
  }, logger);
  logger.info({ schedule: opts.schedule, timezone: opts.timezone ?? 'system', next: task.getNextRun()?.toISOString() }, 'scheduled');
  service.markReady();
  return runUntilStopped({ logger, runner, ...(service.health ? { health: service.health } : {}), stopTriggers: async () => { await task.destroy(); } });
}
