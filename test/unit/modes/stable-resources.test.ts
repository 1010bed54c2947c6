import { describe, expect, it } from 'vitest';
import { resolveSecrets } from '../../../src/config/secrets.js';
import { declarationsFromText } from '../../../src/config/from-text.js';
import type { Declared } from '../../../src/core/model.js';
import { desiredWithHashes } from '../../../src/engine/reconcile.js';
import { createStableResources, type ResolveSources } from '../../../src/modes/stable-resources.js';

const yaml = (name: string, secret: string): string => `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: ${name} }
spec:
  providerName: ${name}
  providerType: bbb
  properties: { url: https://${name}.example.com/b/, secret: ${secret} }
`;

function parse(text: string): Declared[] {
  return declarationsFromText(text, '/config/providers.yaml', { root: '/config' }).declared;
}

/** Assigns a target the way the cross-file check does: a new object every run. */
const assigned = (sources: readonly Declared[], target = 'streamwise'): Declared[] => sources.map((d) => ({ ...d, target }));

/** Sources whose files hold `files` and whose environment is `env`; a file is known once read, as in a run of `SecretFiles`. */
function from(env: Record<string, string>, files: Record<string, string> = {}): ResolveSources & { readonly reads: string[] } {
  const reads: string[] = [];
  return {
    env,
    reads,
    knownFile: (path) => (reads.includes(path) ? files[path] : undefined),
    readFile: async (path) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
  };
}

describe('stable resources', () => {
  it("gives back last run's object, unresolved, for a declaration whose parsed object, target and secrets did not change", async () => {
    const sources = parse(`${yaml('a', 'literal-secret-a')}---\n${yaml('b', '{ valueFrom: { env: B_SECRET } }')}`);
    const stable = createStableResources();
    const first = await stable.resolve({ sources, declared: assigned(sources) }, from({ B_SECRET: 'env-secret-1' }));
    first.keep();
    expect(first.resolved).toHaveLength(2);
    const same = await stable.resolve({ sources, declared: assigned(sources) }, from({ B_SECRET: 'env-secret-1' }));
    same.keep();
    expect(same.resources[0]).toBe(first.resources[0]);
    expect(same.resources[1]).toBe(first.resources[1]);
    expect(same.resolved).toEqual([]);
    const rotated = await stable.resolve({ sources, declared: assigned(sources) }, from({ B_SECRET: 'env-secret-2' }));
    expect(rotated.resources[0]).toBe(first.resources[0]);
    expect(rotated.resources[1]).not.toBe(first.resources[1]);
    expect(rotated.resolved.map((r) => r.key)).toEqual(['ServiceProvider/b']);
  });

  it('resolves a file secret again only when its text is not known unchanged', async () => {
    const sources = parse(yaml('f', '{ valueFrom: { file: f.secret } }'));
    const stable = createStableResources();
    const reading = from({}, { '/config/f.secret': 'file-secret-1' });
    const first = await stable.resolve({ sources, declared: assigned(sources) }, reading);
    first.keep();
    expect(reading.reads).toEqual(['/config/f.secret']);
    const known = { ...from({}), knownFile: (p: string) => (p === '/config/f.secret' ? 'file-secret-1' : undefined) };
    const unchanged = await stable.resolve({ sources, declared: assigned(sources) }, known);
    expect(known.reads).toEqual([]);
    expect(unchanged.resources[0]).toBe(first.resources[0]);
    const rotated = from({}, { '/config/f.secret': 'file-secret-2' });
    const second = await stable.resolve({ sources, declared: assigned(sources) }, rotated);
    expect(rotated.reads).toEqual(['/config/f.secret']);
    expect(second.resources[0]).not.toBe(first.resources[0]);
  });

  it('does not reuse an object once its file was parsed again, or its target changed', async () => {
    const stable = createStableResources();
    const before = parse(yaml('a', 'literal-secret-a'));
    const first = await stable.resolve({ sources: before, declared: assigned(before) }, from({}));
    first.keep();
    const moved = await stable.resolve({ sources: before, declared: assigned(before, 'other') }, from({}));
    expect(moved.resources[0]).not.toBe(first.resources[0]);
    const edited = parse(yaml('a', 'literal-secret-a'));
    const second = await stable.resolve({ sources: edited, declared: assigned(edited) }, from({}));
    expect(second.resources[0]).not.toBe(first.resources[0]);
    expect(desiredWithHashes(second.resources, 'salt')[0]?.hash).toBe(desiredWithHashes(first.resources, 'salt')[0]?.hash);
  });

  it('remembers nothing from a run that was not kept, and reports what does not resolve', async () => {
    const sources = parse(`${yaml('a', 'literal-secret-a')}---\n${yaml('b', '{ valueFrom: { env: B_SECRET } }')}`);
    const stable = createStableResources();
    const missing = await stable.resolve({ sources, declared: assigned(sources) }, from({}));
    expect(missing.resources.map((r) => r.key)).toEqual(['ServiceProvider/a']);
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['CONFIG_SECRET_MISSING']);
    const next = await stable.resolve({ sources, declared: assigned(sources) }, from({ B_SECRET: 'env-secret-1' }));
    expect(next.resolved).toHaveLength(2);
    expect(next.resources[0]).not.toBe(missing.resources[0]);
  });

  it('hashes a resource object once per salt, with the same result as a fresh copy', async () => {
    const sources = assigned(parse(yaml('a', 'literal-secret-a')));
    const [resource] = (await resolveSecrets(sources, { env: {} })).resources;
    if (resource === undefined) throw new Error('no resource');
    const [once] = desiredWithHashes([resource], 'salt-1');
    const [again] = desiredWithHashes([resource], 'salt-1');
    const [copy] = desiredWithHashes([{ ...resource }], 'salt-1');
    const [salted] = desiredWithHashes([resource], 'salt-2');
    expect(again?.hash).toBe(once?.hash);
    expect(copy?.hash).toBe(once?.hash);
    expect(copy?.secretHashes).toEqual(once?.secretHashes);
    expect(salted?.hash).not.toBe(once?.hash);
  });
});
