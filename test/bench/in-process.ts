/**
 * Measurements that need no platform: the planner's CPU time at N and 2N objects (all creates,
 * and no-op against the live state those creates would leave), and how long watch mode takes to
 * plan a one-file change in an N-object repository (re-parse of that file, cross-file checks,
 * secrets, hashes and the plan, the way `reconcile()` does them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanInput } from '../../src/core/change.js';
import { emptyLedger } from '../../src/core/ledger.js';
import type { Desired, Resource, Sensitive } from '../../src/core/model.js';
import { plan } from '../../src/core/plan.js';
import { desiredWithHashes } from '../../src/engine/reconcile.js';
import { loadDesired } from '../../src/modes/desired.js';
import { createFileCache } from '../../src/modes/file-cache.js';
import { applyToLive } from '../unit/core/fake-apply.js';
import { API_KEY_ENV, DOCS_PER_FILE, kindCounts, TOKEN_ENV, writeConfiguration } from './generate.js';
import { median } from './child.js';

const ENV = { [TOKEN_ENV]: 'bench-token', [API_KEY_ENV]: 'bench-api-key' };
const SALT = 'bench-salt';

/** `global.gc` when node runs with `--expose-gc` (as `npm run bench` does). */
const collect = (globalThis as { gc?: () => void }).gc ?? ((): void => {});

/** CPU of `fn`, started on a freshly collected heap so earlier garbage is not billed to it. */
function cpuMsOf(fn: () => void): number {
  collect();
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** The desired state as `reconcile()` hands it to the planner: spec and secret hashes added. */
function hashed(resources: readonly Resource<Sensitive>[]): Desired[] {
  return desiredWithHashes(resources, SALT);
}

function createInput(desired: readonly Desired[]): PlanInput {
  return {
    desired,
    live: {
      streamwise: { api: 'streamwise', providers: [], packages: [], subscriptions: [] },
      bluzone: { api: 'bluzone', reseller: { serviceProviderId: '1' }, projects: [] },
    },
    ledger: emptyLedger('bench', SALT),
    options: { prune: false, force: false, allowReplace: false },
  };
}

/** Plan inputs of an N-object configuration written to `dir`: nothing applied yet, and all applied. */
async function inputsFor(dir: string, n: number): Promise<{ create: PlanInput; noop: PlanInput }> {
  writeConfiguration(dir, kindCounts(n), 'http://127.0.0.1:9');
  const loaded = await loadDesired({ paths: [dir], env: ENV });
  if (loaded.resources.length === 0) throw new Error(`the generated configuration is invalid: ${loaded.diagnostics[0]?.summary ?? ''}`);
  const create = createInput(hashed(loaded.resources));
  return { create, noop: applyToLive(create, plan(create)) };
}

/** CPU of `plan()` for one size: the lowest of seven runs after a warm-up. */
export interface PlannerCost {
  readonly objects: number;
  readonly createCpuMs: number;
  readonly noopCpuMs: number;
  /** Changes other than no-op in the no-op plan (0 when the fake apply converged). */
  readonly noopChanges: number;
}

const RUNS = 7;

type Inputs = { readonly create: PlanInput; readonly noop: PlanInput };

/**
 * The planner's CPU at `n` and `2n` objects. The runs alternate between the sizes (n, 2n, n, 2n,
 * ...) and each size keeps its lowest: on a shared machine a burst of other work then weighs on
 * both sizes alike, instead of on whichever size was being measured when it came.
 */
export async function plannerLinearity(dir: string, n: number): Promise<{ small: PlannerCost; large: PlannerCost }> {
  const sizes: [number, Inputs][] = [[n, await inputsFor(join(dir, 'n'), n)], [2 * n, await inputsFor(join(dir, '2n'), 2 * n)]];
  const create = sizes.map(() => Number.POSITIVE_INFINITY);
  const noop = sizes.map(() => Number.POSITIVE_INFINITY);
  const noopChanges = sizes.map(() => 0);
  for (const [, inputs] of sizes) {
    plan(inputs.create); // warm-up
    plan(inputs.noop);
  }
  for (let run = 0; run < RUNS; run++) {
    sizes.forEach(([, inputs], k) => {
      create[k] = Math.min(create[k] ?? Number.POSITIVE_INFINITY, cpuMsOf(() => plan(inputs.create)));
      noop[k] = Math.min(noop[k] ?? Number.POSITIVE_INFINITY, cpuMsOf(() => {
        noopChanges[k] = plan(inputs.noop).changes.filter((c) => c.action !== 'noop').length;
      }));
    });
  }
  const [small, large] = sizes.map(([objects], k): PlannerCost => ({ objects, createCpuMs: create[k] ?? 0, noopCpuMs: noop[k] ?? 0, noopChanges: noopChanges[k] ?? 0 }));
  return { small: small as PlannerCost, large: large as PlannerCost };
}

/** One-file change in watch mode: what it cost and what it planned. */
export interface WatchChange {
  readonly objects: number;
  /** Median over the edits of re-parse + checks + secrets + hashes + plan (wall time). */
  readonly medianMs: number;
  readonly maxMs: number;
  /** The same, in CPU time of the process (less moved by other work on a shared machine). */
  readonly medianCpuMs: number;
  /** The first full scan, for comparison. */
  readonly fullScanMs: number;
  readonly parsesPerChange: number;
  /** Changes in the plan of the last edit (1: the edited provider). */
  readonly changesPlanned: number;
}

/** Edits made before the timed ones: a watch process has always run before a change comes. */
const WARM_UP_EDITS = 2;

/**
 * Applies the first revision in memory, then edits one provider file at a time and plans each
 * edit the way watch mode does: the file cache re-reads only the changed file, and unchanged
 * declarations keep their resolved objects and hashes.
 */
export async function watchOneFileChange(dir: string, n: number, edits = 5): Promise<WatchChange> {
  const { noop } = await inputsFor(dir, n);
  const cache = createFileCache({ paths: [dir], env: ENV });
  const t0 = performance.now();
  await cache.scan();
  await cache.desired();
  const fullScanMs = performance.now() - t0;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let changesPlanned = 0;
  const parsesBefore = cache.stats().parses;
  const files = Math.ceil(kindCounts(n).providers / DOCS_PER_FILE);
  for (let k = 0; k < WARM_UP_EDITS + edits; k++) {
    const file = join(dir, 'providers', `providers-${String(k % files).padStart(5, '0')}.yaml`);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('providerName: ', 'providerName: Edited '));
    const started = performance.now();
    const cpu = process.cpuUsage();
    await cache.update([file]);
    const snapshot = await cache.desired();
    if (!snapshot.valid) throw new Error('an edited benchmark file is invalid');
    const p = plan({ ...noop, desired: hashed(snapshot.resources) });
    if (k >= WARM_UP_EDITS) {
      times.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    changesPlanned = p.changes.filter((c) => c.action !== 'noop').length;
    writeFileSync(file, original); // undone untimed, so every edit plans exactly one change
    await cache.update([file]);
  }
  const parsesPerChange = (cache.stats().parses - parsesBefore) / (2 * (WARM_UP_EDITS + edits));
  return { objects: n, medianMs: median(times), maxMs: Math.max(...times), medianCpuMs: median(cpuTimes), fullScanMs, parsesPerChange, changesPlanned };
}
