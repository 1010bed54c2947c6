/**
 * Secrets: every command and runtime runs with known, distinctive secret values (from the
 * environment, a file, Kubernetes Secrets, Target credentials, values the platform generates), and
 * none appears in stdout, stderr, log lines, plans in any format, error messages, Kubernetes Events
 * or status, or any file written: the sandbox's encrypted store (checked for the declared values
 * anyway) and its 0600 key file are the only files allowed to hold credentials.
 */
import { lstat, readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg, startCli, type CliProcess } from '../support/cli-process.js';
import { runCli } from '../support/cli.js';
import { NS, PROVIDER_SECRET as KUBE_SECRET, condition, providerSpec, startWorld as startKubeWorld, until } from '../integration/operator/harness.js';
import { createWorld, fleetYaml, providerDoc, SECRETS, type World } from './world.js';

const FILE_SECRET = 'file-secret-Wx39vL-unique';
const WRONG_TOKEN = 'wrong-token-Kd20sJ-unique';
const SANDBOX_TOKEN = 'sandbox-token-Mn47tQ-unique';
const SANDBOX_KEY = 'sandbox-apikey-Bv58cE-unique';
const FORMATS = ['text', 'json', 'markdown'] as const;
/** Values declared by the user: never in any file syncwise writes, the sandbox's store included. */
const DECLARED = [SECRETS.provider, SECRETS.owner, SECRETS.consumer, FILE_SECRET, KUBE_SECRET];

/** Every file below `dir` with its content and mode. */
async function walk(dir: string): Promise<{ path: string; content: Buffer; mode: number }[]> {
  const out: { path: string; content: Buffer; mode: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push({ path, content: await readFile(path), mode: (await lstat(path)).mode & 0o777 });
  }
  return out;
}

/** Fails naming the secret and where it showed up. */
function expectClean(where: string, text: string, secrets: readonly string[]): void {
  for (const s of secrets) expect(text.includes(s), `${where} contains a secret value (${s.slice(0, 6)}...)`).toBe(false);
}

/** Checks a state directory: no secret in any file; sandbox stores may hold only their own credentials; key files are 0600. */
async function expectCleanDir(dir: string, secrets: readonly string[]): Promise<number> {
  const files = await walk(dir);
  for (const f of files) {
    const store = /sandbox\.db(-wal|-shm|-journal)?$/.test(f.path);
    if (f.path.endsWith('.key')) expect(f.mode, `${f.path} mode`).toBe(0o600);
    else expectClean(f.path, f.content.toString('latin1'), store ? DECLARED : secrets);
  }
  return files.length;
}

describe('secret values never leak', () => {
  let w: World;
  const outputs: { where: string; text: string }[] = [];
  let secrets: string[] = [];
  const record = (where: string, text: string): void => { outputs.push({ where, text }); };
  const cli = async (args: string[], env: Record<string, string> = {}): Promise<number | null> => {
    const r = await w.cli(args, { env });
    record(args.join(' '), r.stdout + r.stderr);
    return r.code;
  };
  const recordProcess = (where: string, p: CliProcess): void => record(where, `${JSON.stringify(p.lines)}\n${p.stderr()}`);

  beforeAll(async () => {
    w = await createWorld();
    await mkdir(join(w.config, 'secrets'));
    await writeFile(join(w.config, 'secrets', 'provider.txt'), `${FILE_SECRET}\n`);
    await w.write('fleet.yaml', fleetYaml({ providers: 2, packages: 1, subscriptions: 1, projects: 2 }));
    await w.write('file-secret.yaml', providerDoc('from-file', 'From file').replace('{ valueFrom: { env: PROVIDER_SECRET } }', '{ valueFrom: { file: secrets/provider.txt } }'));
    secrets = [...DECLARED, w.sandbox.token, w.sandbox.apiKey, WRONG_TOKEN, SANDBOX_TOKEN, SANDBOX_KEY];
  });
  afterAll(async () => { await w.close(); });

  it('in validate, plan (text, json, markdown), apply (text, json, markdown), run, failures and the state directory', async () => {
    // validate and plan only read, so they run together; the applies and the run take the state lock in turn
    const [validate, ...plans] = await Promise.all([
      runCli(['validate', '-f', w.config], { cwd: w.root, env: w.env }),
      ...FORMATS.map((output) => cli(['plan', '--output', output])),
    ]);
    record('validate', validate.stdout + validate.stderr);
    expect(validate.code, validate.stderr).toBe(0);
    expect(plans).toEqual([0, 0, 0]);
    expect(await cli(['apply', '--yes', '--output', 'json'])).toBe(0);
    const projects = await w.sandbox.bz<{ projectApiKey?: string }[]>('GET', '/projects');
    const generated = projects.body.map((p) => p.projectApiKey ?? '').filter((k) => k.length >= 8);
    expect(generated).toHaveLength(2);
    secrets.push(...generated);
    // a rotated secret is a change, shown as (sensitive) in every format
    const rotated = { PROVIDER_SECRET: `${SECRETS.provider}-rotated` };
    secrets.push(rotated.PROVIDER_SECRET);
    // a failure: a wrong credential, refused at the first list before anything is written, so it runs beside the read-only plans
    const rotatedPlans = FORMATS.map((output) => cli(['plan', '--output', output, '--detailed-exitcode'], rotated));
    const wrongCredential = cli(['apply', '--yes'], { ...rotated, SW_TOKEN: WRONG_TOKEN });
    expect(await Promise.all([...rotatedPlans, wrongCredential])).toEqual([2, 2, 2, 1]);
    expect(await cli(['apply', '--yes', '--output', 'markdown'], rotated)).toBe(0);
    expect(await cli(['apply', '--yes'], rotated)).toBe(0);
    expect(await cli(['run', '--log-level', 'debug'], rotated)).toBe(0);
    // a failure: a project whose replacement is refused
    const fleet = await readFile(join(w.config, 'fleet.yaml'), 'utf8');
    await w.write('fleet.yaml', fleet.replace('owner@proj-000', 'new-owner@proj-000'));
    expect(await cli(['plan', '--output', 'json'], rotated)).toBe(1);
    await w.write('fleet.yaml', fleet);
    expect(outputs.some((o) => o.text.includes('(sensitive)'))).toBe(true);
    for (const o of outputs) expectClean(o.where, o.text, secrets);
    expect(await expectCleanDir(w.stateDir, secrets)).toBeGreaterThan(0);
  }, 60_000);

  // The tests below run side by side once the first has filled the state directory and the list of
  // secrets: each works in a directory (or a cluster) of its own.
  it.concurrent('in the log lines of watch and run --schedule', async ({ expect }) => {
    const env = { ...w.env, PROVIDER_SECRET: `${SECRETS.provider}-rotated` };
    const args = ['-f', w.config, '--state-dir', w.stateDir, '--log-level', 'debug'];
    const watch = startCli(['watch', '--resync', '0', ...args], { cwd: w.root, env: { ...env, PROVIDER_SECRET: SECRETS.provider } });
    try {
      await watch.waitFor(msg('reconcile complete'), { timeoutMs: 15_000 });
      await w.write('fleet.yaml', fleetYaml({ providers: 2, packages: 1, subscriptions: 1, projects: 2, suffix: ' renamed' }));
      await watch.waitFor(msg('reconcile complete'), { timeoutMs: 15_000, from: watch.lines.findIndex(msg('reconcile complete')) + 1 });
    } finally {
      watch.child.kill('SIGTERM');
      await watch.exited;
    }
    recordProcess('watch', watch);
    const scheduled = startCli(['run', '--schedule', '* * * * * *', ...args], { cwd: w.root, env });
    try {
      await scheduled.waitFor(msg('reconcile complete'), { timeoutMs: 15_000 });
    } finally {
      scheduled.child.kill('SIGTERM');
      await scheduled.exited;
    }
    recordProcess('run --schedule', scheduled);
    expect(watch.lines.some((l) => l.action === 'update')).toBe(true);
    for (const o of outputs) expectClean(o.where, o.text, secrets);
    await expectCleanDir(w.stateDir, secrets);
  }, 45_000);

  it.concurrent('with the embedded sandbox: its store holds no declared value in the clear, and its key file is 0600', async ({ expect }) => {
    const embedded = join(w.root, 'embedded');
    await mkdir(join(embedded, 'config'), { recursive: true });
    await writeFile(join(embedded, 'config', 'fleet.yaml'), fleetYaml({ providers: 2, projects: 1 }).replace(/proj-000/g, 'proj-embedded'));
    const r = await runCli(['apply', '--yes', '-f', 'config', '--state-dir', 'state'], { cwd: embedded, env: w.env });
    record('embedded apply', r.stdout + r.stderr);
    expect(r.code, r.stderr).toBe(0);
    const files = await walk(join(embedded, 'state'));
    expect(files.map((f) => f.path.slice(embedded.length)).sort()).toEqual(expect.arrayContaining(['/state/ledger.json', '/state/sandbox.db', '/state/sandbox.db.key']));
    await expectCleanDir(join(embedded, 'state'), secrets);
    for (const o of outputs) expectClean(o.where, o.text, secrets);
  });

  it.concurrent('in the sandbox command: credentials from the environment are named, not printed, and its data is sealed', async ({ expect }) => {
    const data = join(w.root, 'sandbox-cmd', 'sandbox.db');
    const env = { SYNCWISE_SANDBOX_TOKEN: SANDBOX_TOKEN, SYNCWISE_SANDBOX_API_KEY: SANDBOX_KEY };
    const sb = startCli(['sandbox', '--port', '0', '--data', data, '--log-level', 'debug'], { cwd: w.root, env });
    try {
      const banner = await sb.waitFor((l) => typeof l.text === 'string' && l.text.includes('listening on'));
      const url = /listening on (\S+)/.exec(String(banner.text))?.[1] ?? '';
      const created = await fetch(`${url}/service-providers`, {
        method: 'POST', headers: { authorization: `Bearer ${SANDBOX_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ provider_name: 'Direct', provider_type: 'bbb', properties: { url: 'https://direct.example.com/b/', secret: SECRETS.provider } }),
      });
      const body = await created.text();
      expect(created.status).toBe(201);
      expectClean('sandbox answer', body, [SECRETS.provider]);
      const refused = await fetch(`${url}/service-providers`, { headers: { authorization: `Bearer ${WRONG_TOKEN}` } });
      expectClean('sandbox refusal', await refused.text(), secrets);
    } finally {
      sb.child.kill('SIGTERM');
      await sb.exited;
    }
    recordProcess('sandbox', sb);
    expect((await stat(`${data}.key`)).mode & 0o777).toBe(0o600);
    await expectCleanDir(join(w.root, 'sandbox-cmd'), secrets);
    for (const o of outputs) expectClean(o.where, o.text, secrets);
  });

  it.concurrent('in the operator: its logs, Events, status conditions and ledger Secret', async ({ expect }) => {
    const kube = await startKubeWorld();
    try {
      const kubeconfig = join(kube.dir, 'kubeconfig');
      await writeFile(kubeconfig, kube.kube.kubeconfigYaml(NS));
      const op = startCli(['operator', '--namespace', NS, '--metrics-port', '0', '--log-level', 'debug', '--debounce', '50ms', '--resync', '0'], { cwd: kube.dir, env: { KUBECONFIG: kubeconfig } });
      try {
        await kube.apply('ServiceProvider', 'leaky', providerSpec('leaky'));
        await kube.apply('ServiceProvider', 'broken', providerSpec('broken', { properties: { url: 'https://broken.example.com/b/', secret: { valueFrom: { secretKeyRef: { name: 'missing', key: 'secret' } } } } }));
        await until('leaky Ready', async () => condition(await kube.get('ServiceProvider', 'leaky'), 'Ready')?.status === 'True', 20_000);
        await until('broken reported', async () => condition(await kube.get('ServiceProvider', 'broken'), 'Ready')?.status === 'False', 20_000);
      } finally {
        op.child.kill('SIGTERM');
        await op.exited;
      }
      const all = [...secrets, kube.sandbox.token, kube.sandbox.apiKey];
      expectClean('operator output', `${JSON.stringify(op.lines)}\n${op.stderr()}`, all);
      expectClean('events', JSON.stringify(kube.kube.objects('events')), all);
      expectClean('status', JSON.stringify([await kube.get('ServiceProvider', 'leaky'), await kube.get('ServiceProvider', 'broken')]), all);
      const ledgers = kube.kube.objects('secrets', NS).filter((s) => (s['metadata'] as { name?: string }).name === 'syncwise-ledger');
      expect(ledgers).toHaveLength(1);
      const decoded = Object.values((ledgers[0]?.['data'] ?? {}) as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')).join('\n');
      expectClean('ledger Secret', decoded + JSON.stringify(ledgers), all);
    } finally {
      await kube.close();
    }
  }, 60_000);
});
