/**
 * Shared set-up of the watch and run tests: a temp configuration directory declaring a Target on an
 * in-test sandbox, its own state directory, and reads of what the platform holds.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSandbox, type Page, type ProviderWire, type TestSandbox } from '../../support/sandbox.js';

export interface ModeWorld {
  readonly root: string;
  readonly config: string;
  readonly stateDir: string;
  readonly sandbox: TestSandbox;
  /** Environment of the CLI: the Target's token and the providers' secrets. */
  readonly env: Readonly<Record<string, string>>;
  write(file: string, text: string): Promise<string>;
  /** Provider names on the platform, by `syncwise.io/name`. */
  providers(): Promise<Map<string, ProviderWire>>;
  close(): Promise<void>;
}

/** The Target declaration every test uses. */
export const TARGET_YAML = `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: platform }
spec:
  api: streamwise
  url: URL
  token: { valueFrom: { env: PLATFORM_TOKEN } }
`;

/** A provider declaration named `name` showing `providerName`. */
export function providerYaml(name: string, providerName: string): string {
  return `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: ${name} }
spec:
  providerName: ${providerName}
  active: true
  providerType: bbb
  properties:
    url: https://${name}.example.com/bigbluebutton/
    secret: { valueFrom: { env: PROVIDER_SECRET } }
`;
}

/** Creates the directories, a sandbox, and `config/target.yaml`. */
export async function createModeWorld(): Promise<ModeWorld> {
  const root = await mkdtemp(join(tmpdir(), 'syncwise-modes-'));
  const config = join(root, 'config');
  const stateDir = join(root, 'state');
  await mkdir(config);
  const sandbox = await startTestSandbox();
  const write = async (file: string, text: string): Promise<string> => {
    const path = join(config, file);
    await writeFile(path, text);
    return path;
  };
  await write('target.yaml', TARGET_YAML.replace('URL', sandbox.url));
  const providers = async (): Promise<Map<string, ProviderWire>> => {
    const page = await sandbox.sw<Page<ProviderWire>>('GET', '/service-providers?per_page=100');
    return new Map(page.body.data.map((p) => [String(p.metadata['syncwise.io/name'] ?? p.provider_name), p]));
  };
  return {
    root,
    config,
    stateDir,
    sandbox,
    env: { PLATFORM_TOKEN: sandbox.token, PROVIDER_SECRET: 'provider-secret-value-1' },
    write,
    providers,
    close: async () => {
      await sandbox.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every 50 ms until it returns true; rejects after `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
