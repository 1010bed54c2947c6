import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { msg, startCli, type CliProcess } from '../../support/cli-process.js';
import { createModeWorld, eventually, providerYaml, TARGET_YAML, type ModeWorld } from './fixtures.js';

describe('syncwise run', () => {
  let world: ModeWorld;
  let cli: CliProcess | undefined;

  beforeEach(async () => {
    world = await createModeWorld();
    await world.write('web.yaml', providerYaml('web', 'Web One'));
  });
  afterEach(async () => {
    cli?.kill();
    await cli?.exited;
    cli = undefined;
    await world.close();
  });

  const run = (...args: string[]): CliProcess => {
    cli = startCli(['run', '-f', world.config, '--state-dir', world.stateDir, ...args], { cwd: world.root, env: world.env });
    return cli;
  };

  it('runs once without --schedule, logging one line per step and a summary with a run id', async () => {
    const proc = run();
    expect((await proc.exited).code).toBe(0);
    const step = proc.lines.find((l) => l.key === 'ServiceProvider/web');
    expect(step).toMatchObject({ mode: 'run', action: 'create' });
    const summary = proc.lines.find((l) => l.msg === 'reconcile complete');
    expect(summary).toMatchObject({ mode: 'run', result: 'success', created: 1, runId: step?.runId });
    expect(proc.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain('provider-secret-value-1');
    expect((await world.providers()).get('web')?.provider_name).toBe('Web One');
  });

  it('refuses an invalid cron expression with a clear error and exit code 1', async () => {
    const proc = run('--schedule', '61 * * * *');
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr()).toContain('invalid --schedule "61 * * * *": minute');
    const tz = run('--schedule', '*/5 * * * *', '--timezone', 'Mars/Olympus');
    expect((await tz.exited).code).toBe(1);
    expect(tz.stderr()).toContain('invalid --timezone "Mars/Olympus"');
  });

  it('corrects a change made on the platform at the next scheduled run', async () => {
    const proc = run('--schedule', '* * * * * *', '--timezone', 'UTC');
    await proc.waitFor(msg('reconcile complete'), { timeoutMs: 10_000 });
    const web = (await world.providers()).get('web');
    await world.sandbox.sw('PATCH', `/service-providers/${web?.id}`, { provider_name: 'Changed By Hand' });
    await eventually(async () => (await world.providers()).get('web')?.provider_name === 'Web One', 5000);
    // The sandbox shows the fix as soon as the PATCH lands; the line saying so may follow a moment later.
    const update = await proc.waitFor((l) => l.key === 'ServiceProvider/web' && l.action === 'update', { timeoutMs: 5000 });
    expect(update.msg).toBe('ServiceProvider/web: update applied');
  });

  it('skips and logs a tick while the previous run is still in flight, then exits 0 on SIGTERM', async () => {
    world.sandbox.setFaults({ latencyMs: 1200 });
    const proc = run('--schedule', '* * * * * *');
    await proc.waitFor(msg('tick skipped: the previous run is still in flight'), { timeoutMs: 10_000 });
    const starts = proc.lines.filter((l) => l.msg === 'reconcile started').length;
    const completes = proc.lines.filter((l) => l.msg === 'reconcile complete' || l.msg === 'reconcile failed').length;
    expect(starts - completes).toBeLessThanOrEqual(1);
    const signalledAt = Date.now();
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
  });

  it('pulls the configuration repository before each run, and keeps the last good state when the pull fails', async () => {
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
    const origin = join(world.root, 'origin.git');
    const author = join(world.root, 'author');
    const checkout = join(world.root, 'checkout');
    git(world.root, 'init', '-q', '--bare', '-b', 'main', origin);
    git(world.root, 'clone', '-q', origin, author);
    await writeFile(join(author, 'target.yaml'), TARGET_YAML.replace('URL', world.sandbox.url));
    await writeFile(join(author, 'web.yaml'), providerYaml('web', 'Web One'));
    git(author, 'add', '.');
    git(author, 'commit', '-q', '-m', 'first');
    git(author, 'push', '-q', 'origin', 'HEAD:main');
    git(world.root, 'clone', '-q', '-b', 'main', origin, checkout);

    cli = startCli(['run', '--schedule', '*/2 * * * * *', '--git-pull', '-f', checkout, '--state-dir', world.stateDir], { cwd: world.root, env: world.env });
    const proc = cli;
    await proc.waitFor(msg('reconcile complete'), { timeoutMs: 10_000 });
    await writeFile(join(author, 'web.yaml'), providerYaml('web', 'Web Pulled'));
    git(author, 'commit', '-q', '-am', 'rename');
    git(author, 'push', '-q', 'origin', 'HEAD:main');
    await eventually(async () => (await world.providers()).get('web')?.provider_name === 'Web Pulled', 8000);

    await mkdir(join(world.root, 'gone'));
    git(checkout, 'remote', 'set-url', 'origin', join(world.root, 'gone', 'missing.git'));
    const from = proc.lines.length;
    await proc.waitFor(msg('git pull failed: reconciling the files as they were'), { from, timeoutMs: 8000 });
    await proc.waitFor(msg('reconcile complete'), { from, timeoutMs: 8000 });
    expect((await world.providers()).get('web')?.provider_name).toBe('Web Pulled');
  });
});
