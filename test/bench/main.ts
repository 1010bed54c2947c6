/**
 * `npm run bench -- [--resources N] [--parallelism N] [--repeat N] [--json FILE] [--keep] [--skip-in-process] [--skip-operator] [--only operator]`
 *
 * Generates a configuration of N objects, starts the sandbox platform in its own process and
 * measures the real CLI as child processes (validate, full apply, no-op plan, plan and apply after
 * a 1% change), a plain client's list transfer, per-object GET baseline and create replay, the
 * planner at N and 2N objects, a one-file change in watch mode, and the operator's steady-state RSS
 * with N custom resources (fake Kubernetes API server). Prints tables and the targets;
 * exits 1 when a target is missed. `--only operator` measures the operator alone.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTargets, operatorCheck, type Results } from './checks.js';
import { kindCounts, onePercentChange, writeConfiguration, type KindCounts } from './generate.js';
import { plannerLinearity, watchOneFileChange } from './in-process.js';
import { measureOperator, type OperatorMeasure } from './operator.js';
import { helpStartup, runPhases, stateDirOf, type BenchContext } from './phases.js';
import { replayCreates } from './raw-client.js';
import { renderChecks, renderPhases, renderRoutes, type Phase } from './report.js';
import { startSandboxProcess } from './sandbox-process.js';

interface BenchOptions {
  readonly resources: number;
  readonly parallelism: number;
  readonly repeat: number;
  readonly json?: string;
  readonly keep: boolean;
  readonly inProcess: boolean;
  readonly operator: boolean;
  /** Run only this phase (`operator`): its target alone is checked. */
  readonly only?: 'operator';
}

function options(): BenchOptions {
  const { values } = parseArgs({
    options: {
      resources: { type: 'string', default: '10000' }, parallelism: { type: 'string', default: '8' }, repeat: { type: 'string', default: '3' },
      json: { type: 'string' }, keep: { type: 'boolean', default: false },
      'skip-in-process': { type: 'boolean', default: false }, 'skip-operator': { type: 'boolean', default: false }, only: { type: 'string' },
    },
  });
  if (values.only !== undefined && values.only !== 'operator') throw new Error('--only takes one phase: operator');
  const whole = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  return {
    resources: whole('resources', values.resources, 10), parallelism: whole('parallelism', values.parallelism, 1), repeat: whole('repeat', values.repeat, 1),
    keep: values.keep, inProcess: !values['skip-in-process'], operator: !values['skip-operator'], ...(values.json !== undefined ? { json: values.json } : {}),
    ...(values.only === 'operator' ? { only: 'operator' as const } : {}),
  };
}

const REPLAY = 'sandbox: replay of the creates';
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

function machine(): Record<string, unknown> {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, loadavg: loadavg().map((l) => Number(l.toFixed(2))) };
}

/** The rate the sandbox sustains: the apply's creates replayed on a fresh sandbox by a plain client. */
async function replayPhase(work: string, counts: KindCounts, parallelism: number): Promise<Phase> {
  const sandbox = await startSandboxProcess(join(work, 'replay.db'));
  try {
    const cpu0 = sandbox.cpuMs();
    const run = await replayCreates(sandbox, counts, parallelism);
    if (run.failures > 0) throw new Error(`${run.failures} replayed creates failed`);
    return { name: REPLAY, wallMs: run.wallMs, sandboxCpuMs: sandbox.cpuMs() - cpu0, requests: await sandbox.counts(), exitCode: 0 };
  } finally {
    await sandbox.stop();
  }
}

async function cliPhases(o: BenchOptions, work: string, counts: KindCounts): Promise<Phase[]> {
  const sandbox = await startSandboxProcess(join(work, 'sandbox.db'));
  try {
    const b: BenchContext = { work, config: join(work, 'config'), stateDir: stateDirOf(work), counts, parallelism: o.parallelism, repeat: o.repeat, sandbox };
    writeConfiguration(b.config, counts, sandbox.url);
    return await runPhases(b, () => replayPhase(work, counts, o.parallelism), log);
  } finally {
    await sandbox.stop();
  }
}

/** The operator with the same N objects as custom resources, against a fresh sandbox. */
async function operatorPhase(work: string, counts: KindCounts): Promise<OperatorMeasure> {
  const sandbox = await startSandboxProcess(join(work, 'operator.db'));
  try {
    const config = join(work, 'operator-config');
    writeConfiguration(config, counts, sandbox.url);
    return await measureOperator(work, config, sandbox);
  } finally {
    await sandbox.stop();
  }
}

/** `--only operator`: the operator phase and its target, nothing else. */
async function operatorOnly(o: BenchOptions, work: string, counts: KindCounts): Promise<string> {
  const before = machine();
  const operator = await operatorPhase(work, counts);
  const checks = [operatorCheck(operator)];
  if (o.json !== undefined) writeFileSync(o.json, `${JSON.stringify({ machine: { ...before, loadavgAfter: machine().loadavg }, options: o, counts, operator, checks }, null, 2)}\n`);
  const text = [`machine: ${JSON.stringify(before)}`, '', renderChecks(checks), ''].join('\n');
  return checks.every((c) => c.ok) ? text : `${text}some targets were missed\n`;
}

async function bench(o: BenchOptions, work: string): Promise<string> {
  const counts = kindCounts(o.resources);
  log(`syncwise bench: ${o.resources} objects (${JSON.stringify(counts)}), parallelism ${o.parallelism}, in ${work}`);
  if (o.only === 'operator') return operatorOnly(o, work, counts);
  const before = machine();
  const all = await cliPhases(o, work, counts);
  const phases = all.filter((p) => p.name !== REPLAY);
  const replay = all.find((p) => p.name === REPLAY) as Phase;
  const helpMs = await helpStartup(work);
  let extra: Pick<Results, 'planner' | 'watch' | 'operator'> = {};
  if (o.inProcess) {
    log('  planner at N and 2N objects; one-file change in watch mode');
    mkdirSync(join(work, 'in-process'), { recursive: true });
    const watch = await watchOneFileChange(join(work, 'watch'), o.resources); // first, while the heap holds only its own objects
    extra = { watch, planner: await plannerLinearity(join(work, 'in-process'), o.resources) };
  }
  if (o.operator) {
    log('  operator with the objects as custom resources');
    extra = { ...extra, operator: await operatorPhase(work, counts) };
  }
  const results: Results = { counts, revision: onePercentChange(counts), phases, replay, helpMs, ...extra };
  const checks = checkTargets(results);
  const text = [
    `machine: ${JSON.stringify(before)}`, '', renderPhases(all), '', renderRoutes(all), '',
    `syncwise --help: ${helpMs.toFixed(0)} ms`, '', renderChecks(checks), '',
  ].join('\n');
  if (o.json !== undefined) {
    const json = { machine: { ...before, loadavgAfter: machine().loadavg }, options: o, counts, phases, replay, helpMs, ...extra, checks };
    writeFileSync(o.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  return checks.every((c) => c.ok) ? text : `${text}some targets were missed\n`;
}

const o = options();
const work = mkdtempSync(join(tmpdir(), 'syncwise-bench-'));
try {
  const text = await bench(o, work);
  process.stdout.write(text);
  if (text.endsWith('missed\n')) process.exitCode = 1;
} finally {
  if (o.keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
