/**
 * `syncwise watch`: applies the declarations on every valid change of the files, and reconciles in
 * full on a timer so drift made on the platform behind syncwise's back is corrected. Events only
 * mean "look again": the paths they name are re-read, and a save that changes no byte runs nothing.
 */
import { basename, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../log.js';
import { isDeclarationFile } from './file-cache.js';
import { runUntilStopped } from './lifecycle.js';
import { reconcileFromCache } from './reconcile-run.js';
import { createRunner, type RunVerdict } from './runner.js';
import { loggingRunnerHooks, startService, type Service, type ServiceCommandOptions } from './service.js';

export interface WatchCommandOptions extends ServiceCommandOptions {
  /** Full reconcile every this many milliseconds; 0 turns it off. @default 600000 (10 min) */
  readonly resync: number;
}

/** How long a file's size must stay still before its change counts (editors and `git pull` write in pieces). */
const WRITE_SETTLE_MS = 200;
/** Quiet time after the last event before a run, and the longest a stream of events may delay it. */
const DEBOUNCE_MS = 250;
const MAX_WAIT_MS = 2000;

/** Hidden files and directories (`.git`, editor swap files), backups (`x.yaml~`) and files of other types are not watched. */
export function isIgnoredPath(path: string, isFile: boolean | undefined, roots: ReadonlySet<string>): boolean {
  if (roots.has(path)) return false;
  const name = basename(path);
  if (name.startsWith('.') || name.endsWith('~')) return true;
  return isFile === true && !isDeclarationFile(path);
}

/** Watches the roots; every add, change, unlink or rename reports its path. Resolves once the initial scan is done. */
export async function watchFiles(roots: readonly string[], onPath: (path: string) => void, log: Logger): Promise<FSWatcher> {
  const rootSet = new Set(roots);
  const watcher = watch([...roots], {
    ignoreInitial: true,
    followSymlinks: false,
    atomic: true,
    awaitWriteFinish: { stabilityThreshold: WRITE_SETTLE_MS, pollInterval: 50 },
    ignored: (path, stats) => isIgnoredPath(path, stats?.isFile(), rootSet),
  });
  watcher.on('all', (event, path) => {
    log.debug({ event, path }, 'file event');
    onPath(path);
  });
  watcher.on('error', (error) => log.error({ error: error instanceof Error ? error.message : String(error) }, 'file watcher error'));
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  return watcher;
}

interface WatchState {
  readonly pending: Set<string>;
  /** The next run re-reads every file: at start, on resync, and after a failed run. */
  full: boolean;
  reason: string;
}

function watchRun(service: Service, state: WatchState): (signal: AbortSignal) => Promise<RunVerdict> {
  return async (signal) => {
    const full = state.full;
    const paths = [...state.pending];
    const reason = full ? state.reason : 'change';
    state.pending.clear();
    state.full = false;
    const { verdict } = await reconcileFromCache(service.context, { cache: service.cache, reason, signal, full, paths });
    service.markReady();
    if (verdict === 'backoff') Object.assign(state, { full: true, reason: 'retry' });
    return verdict;
  };
}

/** Runs `syncwise watch` until SIGTERM or SIGINT; resolves with the exit code. */
export async function runWatch(opts: WatchCommandOptions): Promise<number> {
  const roots = opts.file.map((f) => resolve(f));
  const service = await startService('watch', { ...opts, file: roots });
  const { logger } = service;
  const state: WatchState = { pending: new Set(), full: true, reason: 'start' };
  const runner = createRunner(watchRun(service, state), {
    debounceMs: DEBOUNCE_MS,
    maxWaitMs: MAX_WAIT_MS,
    ...loggingRunnerHooks(logger),
  });
  const watcher = await watchFiles(roots, (path) => {
    state.pending.add(path);
    runner.trigger();
  }, logger);
  const resync = opts.resync > 0 ? setInterval(() => {
    Object.assign(state, { full: true, reason: 'resync' });
    runner.trigger();
  }, opts.resync) : undefined;
  logger.info({ paths: roots, resyncMs: opts.resync }, 'watching');
  runner.runNow();
  return runUntilStopped({
    logger,
    runner,
    ...(service.health ? { health: service.health } : {}),
    stopTriggers: async () => {
      clearInterval(resync);
      await watcher.close();
    },
  });
}
