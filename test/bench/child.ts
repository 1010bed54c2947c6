/**
 * Runs the real CLI (`node bin/syncwise.js ...`) as a child process and measures it: wall time
 * from spawn to exit, and the CPU time and peak RSS the process reports about itself on exit
 * (through `usage-preload.mjs`, so no platform-specific tool is needed).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/syncwise.js', import.meta.url));
const PRELOAD = new URL('./usage-preload.mjs', import.meta.url).href;

/** What one CLI run cost. */
export interface Measured {
  readonly code: number | null;
  readonly wallMs: number;
  /** User plus system CPU time of the process. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  /** The last 2,000 characters of stdout and stderr, for error reports. */
  readonly tail: string;
  /** When `RunOptions.mark` is given: how many output lines matched it, and when the first and last came. */
  readonly marks?: { readonly count: number; readonly firstMs: number; readonly lastMs: number };
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Extra `node` flags (e.g. `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
  /** @default 600000 */
  readonly timeoutMs?: number;
  /** Output lines to time, e.g. the step lines of an apply (`/ done \[/`). */
  readonly mark?: RegExp;
}

/** Counts the lines of a stream that match `mark`, with the time (since `started`) of the first and last. */
function markTimer(mark: RegExp | undefined, started: number): { feed(text: string): void; result(): Measured['marks'] } {
  let partial = '';
  let count = 0;
  let firstMs = Number.NaN;
  let lastMs = Number.NaN;
  return {
    feed(text) {
      if (mark === undefined) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      const matched = lines.filter((l) => mark.test(l)).length;
      if (matched === 0) return;
      const now = performance.now() - started;
      if (count === 0) firstMs = now;
      lastMs = now;
      count += matched;
    },
    result: () => (mark === undefined ? undefined : { count, firstMs, lastMs }),
  };
}

/** Runs `syncwise <args>` and resolves when it exits, with what it cost. */
export function measureCli(args: readonly string[], o: RunOptions): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'syncwise-usage-'));
  const usageFile = join(dir, 'usage.json');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(o.nodeFlags ?? []), '--import', PRELOAD, BIN, ...args], {
      cwd: o.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...o.env, SYNCWISE_BENCH_USAGE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const marks = markTimer(o.mark, started);
    const keep = (d: Buffer): void => { tail = (tail + d.toString()).slice(-2000); };
    child.stdout.on('data', (d: Buffer) => {
      keep(d);
      marks.feed(d.toString());
    });
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      try {
        const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { userMs: number; systemMs: number; maxRssKb: number };
        const m = marks.result();
        resolve({ code, wallMs, cpuMs: u.userMs + u.systemMs, maxRssMb: u.maxRssKb / 1024, tail, ...(m ? { marks: m } : {}) });
      } catch {
        resolve({ code, wallMs, cpuMs: Number.NaN, maxRssMb: Number.NaN, tail });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** The median of some numbers (the lower middle for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}
