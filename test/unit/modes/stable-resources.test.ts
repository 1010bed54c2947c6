import { describe, expect, it } from 'vitest';
import { resolveSecrets } from '../../../src/config/secrets.js';
import { declarationsFromText } from '../../../src/config/from-text.js';
import type { Declared } from '../../../src/core/model.js';
import { desiredWithHashes } from '../../../src/engine/reconcile.js';
import { createStableResources } from '../../../src/modes/stable-resources.js';

const yaml = (name: string, secret: string): string => `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata: { name: ${name} }
spec:
  providerName: ${name}
  providerType: bbb
  properties: { url: https://${name}.example.com/b/, secret: ${secret} }
`;

function parse(text: string): Declared[] {
  return declarationsFromText(text, 'providers.yaml').declared.map((d) => ({ ...d, target: 'streamwise' }));
}

describe('stable resources', () => {
  it("gives back last run's object for a declaration whose parsed object and secrets did not change", async () => {
    const sources = parse(`${yaml('a', 'literal-secret-a')}---\n${yaml('b', '{ valueFrom: { env: B_SECRET } }')}`);
    const stable = createStableResources();
    const first = stable.stabilize(sources, (await resolveSecrets(sources, { env: { B_SECRET: 'env-secret-1' } })).resources);
    const same = stable.stabilize(sources, (await resolveSecrets(sources, { env: { B_SECRET: 'env-secret-1' } })).resources);
    expect(same[0]).toBe(first[0]);
    expect(same[1]).toBe(first[1]);
    const rotated = stable.stabilize(sources, (await resolveSecrets(sources, { env: { B_SECRET: 'env-secret-2' } })).resources);
    expect(rotated[0]).toBe(first[0]);
    expect(rotated[1]).not.toBe(first[1]);
  });

  it('does not reuse an object once its file was parsed again', async () => {
    const stable = createStableResources();
    const before = parse(yaml('a', 'literal-secret-a'));
    const first = stable.stabilize(before, (await resolveSecrets(before, { env: {} })).resources);
    const edited = parse(yaml('a', 'literal-secret-a'));
    const second = stable.stabilize(edited, (await resolveSecrets(edited, { env: {} })).resources);
    expect(second[0]).not.toBe(first[0]);
    expect(desiredWithHashes(second, 'salt')[0]?.hash).toBe(desiredWithHashes(first, 'salt')[0]?.hash);
  });

  it('hashes a resource object once per salt, with the same result as a fresh copy', async () => {
    const sources = parse(yaml('a', 'literal-secret-a'));
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
