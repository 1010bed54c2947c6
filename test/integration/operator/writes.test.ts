import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { condition, providerSpec, startWorld, until, type World } from './harness.js';

const N = 24;
const names = Array.from({ length: N }, (_, i) => `bbb-${String(i).padStart(2, '0')}`);

let world: World;
beforeEach(async () => {
  world = await startWorld({ writeDelayMs: 25 }); // each write takes a remote apiserver's round trip
});
afterEach(async () => world.close());

describe('operator: writes to Kubernetes', () => {
  it('adds finalizers and writes statuses several at a time, each object once', async () => {
    for (const name of names) await world.apply('ServiceProvider', name, providerSpec(name));
    const before = world.kube.peakWritesInFlight(); // the creates above, one at a time
    await world.operator();
    const crs = await until('every provider Ready', async () => {
      const all = await Promise.all(names.map((n) => world.get('ServiceProvider', n)));
      return all.every((cr) => condition(cr, 'Ready')?.status === 'True') ? all : undefined;
    }, 20_000);
    for (const cr of crs) expect(cr?.metadata?.finalizers).toEqual(['syncwise.io/finalizer']);
    const patches = world.kube.requests().filter((r) => r.method === 'PATCH' && r.url.includes('/serviceproviders/'));
    const finalizerPatches = patches.filter((r) => !r.url.includes('/status'));
    const statusPatches = patches.filter((r) => r.url.includes('/status'));
    expect(finalizerPatches).toHaveLength(N);
    expect(new Set(statusPatches.map((r) => r.url)).size).toBe(N);
    expect(before).toBe(1);
    expect(world.kube.peakWritesInFlight()).toBeGreaterThanOrEqual(4);
  });
});
