/**
 * The measured phases of the benchmark, each against the sandbox process with its request counts
 * reset first: full apply, validate (the parse floor) and no-op plan, plan and apply after a 1%
 * change, the list transfer and per-object GET baseline of a plain client, and `--help`.
 */
import { join } from 'node:path';
import { measureCli, median, type Measured } from './child.js';
import { API_KEY_ENV, onePercentChange, TOKEN_ENV, writeConfiguration, type KindCounts } from './generate.js';
import { listTransfer, perObjectBaseline, type RawRun } from './raw-client.js';
import type { Phase } from './report.js';
import type { SandboxProcess } from './sandbox-process.js';

/** Where and how the phases run. */
export interface BenchContext {
  readonly work: string;
  readonly config: string;
  readonly stateDir: string;
  readonly counts: KindCounts;
  readonly parallelism: number;
  /** Runs of validate and no-op plan; the median is reported. */
  readonly repeat: number;
  readonly sandbox: SandboxProcess;
}

type Run = () => Promise<Measured | RawRun>;

/** Runs `run` with the sandbox's counts reset, and records what it cost. */
async function measure(b: BenchContext, name: string, run: Run): Promise<Phase> {
  await b.sandbox.resetCounts();
  const sandbox0 = b.sandbox.cpuMs();
  const m = await run();
  const sandboxCpuMs = b.sandbox.cpuMs() - sandbox0;
  const requests = await b.sandbox.counts();
  if ('code' in m) {
    const writing = m.marks && m.marks.count > 1 ? { writePhaseMs: ((m.marks.lastMs - m.marks.firstMs) * m.marks.count) / (m.marks.count - 1) } : {};
    return { name, wallMs: m.wallMs, cpuMs: m.cpuMs, maxRssMb: m.maxRssMb, sandboxCpuMs, requests, exitCode: m.code, ...writing };
  }
  return { name, wallMs: m.wallMs, sandboxCpuMs, requests, exitCode: m.failures === 0 ? 0 : 1 };
}

/**
 * Runs two CLI phases alternately `repeat` times (a, b, a, b, ...) and keeps the run of median wall
 * time of each: on a shared machine both then see the same background load.
 */
async function interleaved(b: BenchContext, runs: readonly (readonly [string, Run])[]): Promise<Phase[]> {
  const results: Phase[][] = runs.map(() => []);
  for (let i = 0; i < b.repeat; i++) {
    for (const [k, [name, run]] of runs.entries()) results[k]?.push(await measure(b, name, run));
  }
  return results.map((rs) => {
    const mid = median(rs.map((r) => r.wallMs));
    return rs.find((r) => r.wallMs === mid) ?? (rs[0] as Phase);
  });
}

/** The line apply prints for every finished step: `ServiceProvider/bbb-1: create done [id=k3Jx9q, 5ms]`. */
const STEP_LINE = /^\S+\/\S+: .* done \[/;

function cli(b: BenchContext, args: readonly string[], expectCode: number): Run {
  return async () => {
    const env = { [TOKEN_ENV]: b.sandbox.token, [API_KEY_ENV]: b.sandbox.apiKey };
    const m = await measureCli(args, { cwd: b.work, env, ...(args[0] === 'apply' ? { mark: STEP_LINE } : {}) });
    if (m.code !== expectCode) throw new Error(`syncwise ${args[0] ?? ''} exited ${m.code}, expected ${expectCode}:\n${m.tail}`);
    return m;
  };
}

const planArgs = (b: BenchContext): string[] => ['-f', b.config, '--state-dir', b.stateDir, '--parallelism', String(b.parallelism)];

/**
 * Every CLI and plain-client phase, in order; the configuration is left at its second revision.
 * `replay` runs right after the full apply, so both rates are measured under the same load.
 */
export async function runPhases(b: BenchContext, replay: () => Promise<Phase>, log: (line: string) => void): Promise<Phase[]> {
  const phases: Phase[] = [];
  const step = async (p: Promise<Phase | Phase[]>): Promise<void> => {
    for (const done of [await p].flat()) {
      phases.push(done);
      log(`  ${done.name}: ${(done.wallMs / 1000).toFixed(2)} s`);
    }
  };
  await step(measure(b, 'apply (full)', cli(b, ['apply', ...planArgs(b), '--yes'], 0)));
  await step(replay());
  await step(interleaved(b, [
    ['validate', cli(b, ['validate', '-f', b.config], 0)],
    ['plan (no-op)', cli(b, ['plan', ...planArgs(b), '--detailed-exitcode'], 0)],
  ]));
  await step(measure(b, 'list transfer (plain client)', () => listTransfer(b.sandbox, b.counts, b.parallelism)));
  await step(measure(b, 'baseline: GET each object', () => perObjectBaseline(b.sandbox, b.stateDir, b.parallelism)));
  writeConfiguration(b.config, b.counts, b.sandbox.url, onePercentChange(b.counts));
  await step(measure(b, 'plan (1% change)', cli(b, ['plan', ...planArgs(b), '--detailed-exitcode'], 2)));
  await step(measure(b, 'apply (1% change)', cli(b, ['apply', ...planArgs(b), '--yes'], 0)));
  return phases;
}

/** Wall time of `syncwise --help`: the median of five runs. */
export async function helpStartup(work: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const m = await measureCli(['--help'], { cwd: work, env: {} });
    if (m.code !== 0) throw new Error(`syncwise --help exited ${m.code}:\n${m.tail}`);
    times.push(m.wallMs);
  }
  return median(times);
}

/** The state directory of a benchmark under `work`. */
export const stateDirOf = (work: string): string => join(work, 'state');
