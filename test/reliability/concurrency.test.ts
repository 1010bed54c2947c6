/**
 * Concurrency: two runs on one state directory never interleave (the second fails with "locked by
 * pid N since T", or waits with --lock-wait), a dead holder's lock is taken over, a long-running
 * mode that finds the directory locked retries with backoff, and two configurations that declare
 * one platform object do not fight over it.
 */
import { spawnSync } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from 'vitest';
import { msg, useCliStarter, type CliStarter } from '../support/cli-process.js';
import { runCli } from '../support/cli.js';
import { startGate } from '../support/gate.js';
import type { Page, ProviderWire } from '../support/sandbox.js';
import { fleetYaml, itWithWorld, platformView, providerDoc, targetsYaml } from './world.js';

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

/** Each test has a world of its own, and `start` runs `syncwise <args> -f config --state-dir stateDir` in it (killed after the test). */
const it = itWithWorld.extend<{ start: CliStarter }>({
  start: async ({ w }, use) => useCliStarter(w, use),
});

// Every test has a world of its own, so they run side by side.
describe.concurrent('one state directory', () => {
  it.beforeEach(async ({ w }) => {
    await w.write('fleet.yaml', fleetYaml({ providers: 6 }));
  });

  it('refuses a second apply with "locked by pid N since T", and --lock-wait waits for the first', async ({ w, start, expect }) => {
    const gate = await startGate(w.sandbox.url, { closed: true });
    try {
      await w.write('targets.yaml', targetsYaml({ ...w.sandbox, url: gate.url }));
      // the first holds the lock while its requests wait at the gate, which opens once the second is refused
      const first = start(['apply', '--yes']);
      await until(() => exists(join(w.stateDir, 'lock')), 10_000);
      const waiting = w.cli(['apply', '--yes', '--lock-wait', '30']);
      const second = await w.cli(['apply', '--yes']);
      gate.open();
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`error STATE_LOCKED: state directory is locked by pid ${first.child.pid} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z`));
      expect((await first.exited).code).toBe(0);
      const waited = await waiting;
      expect(waited.code, waited.stderr).toBe(0);
      expect(waited.stdout).toContain('0 created');
      expect((await platformView(w.sandbox)).duplicates).toEqual([]);
    } finally {
      await gate.stop();
    }
  });

  it('takes over the lock of a process that no longer exists', async ({ w, expect }) => {
    await mkdir(w.stateDir, { recursive: true });
    await writeFile(join(w.stateDir, 'lock'), JSON.stringify({ pid: deadPid(), since: '2020-01-01T00:00:00.000Z' }));
    const r = await w.cli(['apply', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('6 created');
    expect(await exists(join(w.stateDir, 'lock'))).toBe(false);
  });

  it('lets a watch that finds the directory locked retry with backoff, without a new trigger', async ({ w, start, expect }) => {
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

describe.concurrent('two configurations declaring one platform object', () => {
  it('blocks the second instead of letting them overwrite each other', async ({ w, expect }) => {
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
