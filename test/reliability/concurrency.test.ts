/**
 * Concurrency: two runs on one state directory never interleave (the second fails with "locked by
 * pid N since T", or waits with --lock-wait), a dead holder's lock is taken over, a long-running
 * mode that finds the directory locked retries with backoff, and two configurations that declare
 * one platform object do not fight over it.
 */
import { spawnSync } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it as base } from 'vitest';
import { msg, startCli, type CliProcess } from '../support/cli-process.js';
import { runCli } from '../support/cli.js';
import type { Page, ProviderWire } from '../support/sandbox.js';
import { createWorld, fleetYaml, platformView, providerDoc, targetsYaml, type World } from './world.js';

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const start = Date.now(); !(await probe()); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

interface Fixtures {
  /** A world of its own for each test, so that tests can run side by side. */
  w: World;
  /** Starts `syncwise <args> -f config --state-dir stateDir` in the world; it is killed after the test if still running. */
  start: (args: readonly string[]) => CliProcess;
}

const it = base.extend<Fixtures>({
  w: async ({}, use) => {
    const w = await createWorld();
    await use(w);
    await w.close();
  },
  start: async ({ w }, use) => {
    const started: CliProcess[] = [];
    await use((args) => {
      const cli = startCli([...args, '-f', w.config, '--state-dir', w.stateDir], { cwd: w.root, env: w.env });
      started.push(cli);
      return cli;
    });
    for (const cli of started) {
      cli.kill();
      await cli.exited;
    }
  },
});

describe('one state directory', () => {
  it.beforeEach(async ({ w }) => {
    await w.write('fleet.yaml', fleetYaml({ providers: 6 }));
  });

  // Alone: the second apply must reach the lock while the first still holds it.
  it('refuses a second apply with "locked by pid N since T", and --lock-wait waits for the first', async ({ w, start }) => {
    w.sandbox.setFaults({ latencyMs: 150 });
    const first = start(['apply', '--yes', '--parallelism', '1']);
    await until(() => exists(join(w.stateDir, 'lock')), 10_000);
    const second = await w.cli(['apply', '--yes']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`error STATE_LOCKED: state directory is locked by pid ${first.child.pid} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z`));
    const waiting = await w.cli(['apply', '--yes', '--lock-wait', '30']);
    expect((await first.exited).code).toBe(0);
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stdout).toContain('0 created');
    expect((await platformView(w.sandbox)).duplicates).toEqual([]);
  });

  // The next two run side by side: neither races another process for its lock.
  it.concurrent('takes over the lock of a process that no longer exists', async ({ w, expect }) => {
    await mkdir(w.stateDir, { recursive: true });
    await writeFile(join(w.stateDir, 'lock'), JSON.stringify({ pid: deadPid(), since: '2020-01-01T00:00:00.000Z' }));
    const r = await w.cli(['apply', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('6 created');
    expect(await exists(join(w.stateDir, 'lock'))).toBe(false);
  });

  it.concurrent('lets a watch that finds the directory locked retry with backoff, without a new trigger', async ({ w, start, expect }) => {
    await mkdir(w.stateDir, { recursive: true });
    await writeFile(join(w.stateDir, 'lock'), JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
    const watch = start(['watch', '--resync', '0']);
    const failed = await watch.waitFor(msg('reconcile failed'), { timeoutMs: 15_000 });
    expect(failed).toMatchObject({ error: { code: 'STATE_LOCKED' }, retry: 'backoff' });
    expect(String((failed.error as { message: string }).message)).toContain(`locked by pid ${process.pid}`);
    await rm(join(w.stateDir, 'lock'));
    await watch.waitFor(msg('reconcile complete'), { timeoutMs: 10_000 });
    expect((await platformView(w.sandbox)).total).toBe(6);
  }, 30_000);
});

describe('two configurations declaring one platform object', () => {
  it('blocks the second instead of letting them overwrite each other', async ({ w }) => {
    await w.write('shared.yaml', providerDoc('shared', 'Team A'));
    const other = join(w.root, 'other');
    await mkdir(other);
    await writeFile(join(other, 'targets.yaml'), targetsYaml(w.sandbox));
    await writeFile(join(other, 'shared.yaml'), providerDoc('shared', 'Team B'));
    const applyA = () => w.cli(['apply', '--yes', '--owner', 'team-a']);
    const applyB = () => runCli(['apply', '--yes', '--owner', 'team-b', '-f', other, '--state-dir', join(w.root, 'state-b')], { cwd: w.root, env: w.env });
    const shared = async (): Promise<ProviderWire[]> =>
      (await w.sandbox.sw<Page<ProviderWire>>('GET', '/service-providers')).body.data.filter((p) => p.metadata['syncwise.io/name'] === 'shared');

    expect((await applyA()).code).toBe(0);
    const [created] = await shared();
    for (let round = 0; round < 2; round++) {
      const b = await applyB();
      expect(b.code).toBe(1);
      expect(b.stdout).toContain('blocked ServiceProvider/shared');
      expect(b.stdout).toContain('is owned by configuration "team-a"');
      expect((await applyA()).stdout).toContain('0 updated');
    }
    const after = await shared();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: created?.id, provider_name: 'Team A', updated_at: created?.updated_at });
  });
});
