import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it as base } from 'vitest';
import { msg, useCliStarter, type CliProcess, type CliStarter } from '../../support/cli-process.js';
import { startGate } from '../../support/gate.js';
import { createModeWorld, eventually, providerYaml, TARGET_YAML, type ModeWorld } from './fixtures.js';

interface WatchFixtures {
  /** A configuration, state directory and sandbox of the test's own, so that tests can run side by side. */
  world: ModeWorld;
  /** Starts `syncwise <args> -f config --state-dir stateDir` in the world; it is killed after the test if still running. */
  start: CliStarter;
  /** Declares `web`, starts `syncwise watch --log-level debug <extra>` and waits until its first run applied `web`. */
  startWatch: (...extra: string[]) => Promise<CliProcess>;
}

const it = base.extend<WatchFixtures>({
  world: async ({}, use) => {
    const world = await createModeWorld();
    await use(world);
    await world.close();
  },
  start: async ({ world }, use) => useCliStarter(world, use),
  startWatch: async ({ world, start }, use) => {
    await use(async (...extra) => {
      await world.write('web.yaml', providerYaml('web', 'Web One'));
      const cli = start(['watch', '--log-level', 'debug', ...extra]);
      await cli.waitFor(msg('reconcile complete'), { timeoutMs: 15_000 });
      expect((await world.providers()).get('web')?.provider_name).toBe('Web One');
      return cli;
    });
  },
});

describe('syncwise watch', () => {
  // Alone: it times the run after a save to the tenth of a second.
  it('applies an editor-style atomic save within two seconds, in one run', async ({ world, startWatch, expect }) => {
    const proc = await startWatch('--resync', '0');
    const from = proc.lines.length;
    const savedAt = Date.now();
    await world.write('.web.yaml.swp', providerYaml('web', 'Web Two'));
    await rename(join(world.config, '.web.yaml.swp'), join(world.config, 'web.yaml'));
    const line = await proc.waitFor(msg('reconcile complete'), { from, timeoutMs: 5000 });
    expect(line.at - savedAt).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 700));
    expect(proc.lines.slice(from).filter((l) => l.msg === 'reconcile started')).toHaveLength(1);
    expect((await world.providers()).get('web')?.provider_name).toBe('Web Two');
    const applied = proc.lines.find((l) => l.key === 'ServiceProvider/web' && l.action === 'update');
    expect(applied).toMatchObject({ mode: 'watch', key: 'ServiceProvider/web', action: 'update' });
    expect(typeof applied?.durationMs).toBe('number');
    expect(typeof applied?.runId).toBe('string');
  });

  // The rest run side by side, each with a world of its own.
  it.concurrent('reports an invalid save with its location, applies nothing, stays alive, and applies the fix', async ({ world, startWatch, expect }) => {
    const proc = await startWatch('--resync', '0', '--http-port', '0');
    const from = proc.lines.length;
    const file = await world.write('web.yaml', providerYaml('web', 'Web Broken').replace('active: true', 'active: maybe'));
    const error = await proc.waitFor((l) => l.level === 50 && typeof l.location === 'string', { from, timeoutMs: 5000 });
    expect(error.location).toMatch(new RegExp(`^${file}:6:\\d+$`));
    expect(String(error.msg)).toContain('CONFIG_');
    await proc.waitFor(msg('declarations are invalid: nothing applied; fix the files to resume'), { from });
    expect(proc.lines.slice(from).some((l) => l.msg === 'reconcile started')).toBe(false);
    expect((await world.providers()).get('web')?.provider_name).toBe('Web One');
    expect(proc.child.exitCode).toBeNull();
    const url = String(proc.lines.find((l) => l.msg === 'serving /healthz, /readyz and /metrics')?.url);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('syncwise_reconcile_total{result="invalid"} 1');
    expect(metrics).toContain('syncwise_reconcile_total{result="success"} 1');

    const fixedFrom = proc.lines.length;
    await world.write('web.yaml', providerYaml('web', 'Web Fixed'));
    await proc.waitFor(msg('reconcile complete'), { from: fixedFrom, timeoutMs: 5000 });
    expect((await world.providers()).get('web')?.provider_name).toBe('Web Fixed');
  });

  it.concurrent('runs nothing for a save that changes no byte, and re-parses only the edited file', async ({ world, startWatch, expect }) => {
    await world.write('other.yaml', providerYaml('other', 'Other'));
    const proc = await startWatch('--resync', '0');
    const from = proc.lines.length;
    await world.write('web.yaml', providerYaml('web', 'Web One'));
    await proc.waitFor(msg('saved without a content change: nothing to do'), { from, timeoutMs: 5000 });
    expect(proc.lines.slice(from).some((l) => l.msg === 'reconcile started')).toBe(false);

    const editFrom = proc.lines.length;
    await world.write('other.yaml', providerYaml('other', 'Other Renamed'));
    const read = await proc.waitFor(msg('declarations read'), { from: editFrom, timeoutMs: 5000 });
    expect(read).toMatchObject({ parsed: 1, files: 3 });
    await proc.waitFor(msg('reconcile complete'), { from: editFrom, timeoutMs: 5000 });
    expect((await world.providers()).get('other')?.provider_name).toBe('Other Renamed');
  });

  it.concurrent('handles added, renamed and (with --prune) deleted files', async ({ world, startWatch, expect }) => {
    const proc = await startWatch('--resync', '0', '--prune');
    let from = proc.lines.length;
    const added = await world.write('extra.yaml', providerYaml('extra', 'Extra'));
    await proc.waitFor(msg('reconcile complete'), { from, timeoutMs: 5000 });
    expect((await world.providers()).has('extra')).toBe(true);

    from = proc.lines.length;
    await rename(added, added.replace('extra.yaml', 'moved.yaml'));
    await proc.waitFor(msg('declarations read'), { from, timeoutMs: 5000 });
    expect((await world.providers()).has('extra')).toBe(true);

    from = proc.lines.length;
    await rm(added.replace('extra.yaml', 'moved.yaml'));
    await proc.waitFor(msg('reconcile complete'), { from, timeoutMs: 5000 });
    await eventually(async () => !(await world.providers()).has('extra'), 3000);
  });

  it.concurrent('corrects a change made on the platform behind its back at the next resync', async ({ world, startWatch, expect }) => {
    const proc = await startWatch('--resync', '1s');
    const web = (await world.providers()).get('web');
    const patched = await world.sandbox.sw('PATCH', `/service-providers/${web?.id}`, { provider_name: 'Changed By Hand' });
    expect(patched.status).toBe(200);
    await proc.waitFor(msg('reconcile started', { reason: 'resync' }), { from: proc.lines.length, timeoutMs: 5000 });
    await eventually(async () => (await world.providers()).get('web')?.provider_name === 'Web One', 5000);
  });

  it.concurrent('finishes the run in flight on SIGTERM, exits 0 within 10 s, and a later run converges', async ({ world, start, startWatch, expect }) => {
    const gate = await startGate(world.sandbox.url);
    try {
      await world.write('target.yaml', TARGET_YAML.replace('URL', gate.url));
      const proc = await startWatch('--resync', '0');
      // the run the save starts is held at the gate until the watch has taken the signal
      gate.close();
      const from = proc.lines.length;
      await writeFile(`${world.config}/web.yaml`, providerYaml('web', 'Web Slow'));
      await proc.waitFor(msg('reconcile started'), { from, timeoutMs: 5000 });
      const signalledAt = Date.now();
      proc.child.kill('SIGTERM');
      await proc.waitFor(msg('stopping'), { from });
      gate.open();
      const exit = await proc.exited;
      expect(exit.code).toBe(0);
      expect(exit.at - signalledAt).toBeLessThan(10_000);
      expect(proc.lines.some((l) => l.msg === 'stopped')).toBe(true);

      const again = start(['run']);
      expect((await again.exited).code).toBe(0);
      expect((await world.providers()).get('web')?.provider_name).toBe('Web Slow');
    } finally {
      await gate.stop();
    }
  });

});
