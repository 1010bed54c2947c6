/**
 * The sandbox platform in its own process (`syncwise sandbox`), as the benchmark's target: its
 * URL and credentials, its request counts (read over HTTP at `/_sandbox/requests`), and the CPU
 * time it spent (from /proc on Linux), so every phase can say what it cost the platform.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BIN } from './child.js';

export interface SandboxProcess {
  readonly url: string;
  readonly token: string;
  readonly apiKey: string;
  readonly pid: number;
  /** Requests by `METHOD /route/{template}` since the last reset (status counts left out). */
  counts(): Promise<Record<string, number>>;
  resetCounts(): Promise<void>;
  /** CPU milliseconds the sandbox process has used so far (NaN where /proc is unavailable). */
  cpuMs(): number;
  stop(): Promise<void>;
}

function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, in clock ticks (100 per second)
    return ticks * 10;
  } catch {
    return Number.NaN;
  }
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}):\n${out}`)));
  });
}

/** Starts `syncwise sandbox` on a free port with its database at `data`. */
export async function startSandboxProcess(data: string): Promise<SandboxProcess> {
  const token = randomBytes(18).toString('base64url');
  const apiKey = randomBytes(18).toString('base64url');
  const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--data', data, '--log-level', 'warn'], {
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
      SYNCWISE_SANDBOX_TOKEN: token, SYNCWISE_SANDBOX_API_KEY: apiKey, SYNCWISE_SANDBOX_KEY: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child);
  const admin = `${url}/_sandbox/requests`;
  const headers = { authorization: `Bearer ${token}` };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url, token, apiKey, pid: child.pid ?? -1,
    async counts() {
      const res = await fetch(admin, { headers });
      const body = (await res.json()) as { data: Record<string, number> };
      return Object.fromEntries(Object.entries(body.data).filter(([k]) => !k.startsWith('status:')));
    },
    async resetCounts() {
      const res = await fetch(admin, { method: 'DELETE', headers });
      if (res.status !== 204) throw new Error(`resetting the sandbox counts answered ${res.status}`);
    },
    cpuMs: () => procCpuMs(child.pid ?? -1),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
