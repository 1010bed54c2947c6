/**
 * What a reconcile costs the platform, counted by the sandbox: a no-op plan reads every list once
 * (ceil(objects / 1000) pages per kind) and never an object by id; a 1% change adds exactly one
 * write per changed object. Counts, not times, so the targets cannot regress unnoticed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile, type Outcome } from '../../../src/engine/reconcile.js';
import { loadDesired } from '../../../src/modes/desired.js';
import { createEngineDeps } from '../../../src/modes/engine-deps.js';
import { API_KEY_ENV, kindCounts, onePercentChange, TOKEN_ENV, writeConfiguration } from '../../bench/generate.js';
import { expectedLists } from '../../bench/raw-client.js';
import { providerBody, startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

const counts = kindCounts(400);
let dir: string;
let config: string;
let sb: TestSandbox;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncwise-perf-'));
  config = join(dir, 'config');
  sb = await startTestSandbox({ data: join(dir, 'sandbox.db') });
  writeConfiguration(config, counts, sb.url);
});
afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Loads the configuration and runs the engine as the CLI does; returns the outcome and the requests it made. */
async function run(dryRun: boolean): Promise<{ outcome: Outcome; requests: Record<string, number> }> {
  const desired = await loadDesired({ paths: [config], env: { [TOKEN_ENV]: sb.token, [API_KEY_ENV]: sb.apiKey } });
  expect(desired.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  sb.resetCounts();
  const outcome = await reconcile(createEngineDeps({ stateDir: join(dir, 'state') }), {
    resources: desired.resources, dryRun, parallelism: 8, plan: { prune: false, force: false, allowReplace: false },
  });
  const requests = Object.fromEntries(Object.entries(sb.requestCounts()).filter(([k]) => !k.startsWith('status:')));
  return { outcome, requests };
}

const changedActions = (o: Outcome): string[] => ('plan' in o && o.plan ? o.plan.changes.map((c) => c.action).filter((a) => a !== 'noop') : []);

describe('requests of a reconcile', () => {
  it('applies 400 objects with the lists plus one create per object', async () => {
    const { outcome, requests } = await run(false);
    expect(outcome.kind === 'applied' && outcome.ok).toBe(true);
    expect(requests).toEqual({
      ...expectedLists(counts),
      'POST /service-providers': counts.providers, 'POST /service-packages': counts.packages, 'POST /subscriptions': counts.subscriptions,
      'POST /portal/service/{spId}/projects/_create': counts.projects,
      'PUT /portal/service/{spId}/_updateDefaultRemoteStorage': 1, 'PUT /portal/service/{spId}/_updateDefaultRemoteConsumer': 1,
    });
  });

  it('plans no change with exactly one list request per kind and no GET by id', async () => {
    const { outcome, requests } = await run(true);
    expect(outcome.kind).toBe('planned');
    expect(changedActions(outcome)).toEqual([]);
    expect(requests).toEqual(expectedLists(counts));
  });

  it('plans a 1% change with the lists only, and applies it with the lists plus one write per changed object', async () => {
    const revision = onePercentChange(counts);
    writeConfiguration(config, counts, sb.url, revision);
    const planned = await run(true);
    expect(changedActions(planned.outcome).sort()).toEqual([...Array(revision.addedProjects).fill('create'), ...Array(revision.changed.size).fill('update')]);
    expect(planned.requests).toEqual(expectedLists(counts));
    const applied = await run(false);
    expect(applied.outcome.kind === 'applied' && applied.outcome.ok).toBe(true);
    const patches = (kind: string): number => [...revision.changed].filter((k) => k.startsWith(`${kind}/`)).length;
    expect(applied.requests).toEqual({
      ...expectedLists(counts),
      'PATCH /service-providers/{id}': patches('ServiceProvider'), 'PATCH /service-packages/{id}': patches('ServicePackage'),
      'PATCH /subscriptions/{id}': patches('Subscription'), 'POST /portal/service/{spId}/projects/_create': revision.addedProjects,
    });
  });

  it('reads every page: 1,000 more providers on the platform cost two provider list requests', async () => {
    for (let i = 0; i < 1000; i += 200) {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, j) => sb.sw('POST', '/service-providers', providerBody(`Unmanaged ${i + j}`))));
      expect(answers.every((a) => a.status === 201)).toBe(true);
    }
    const { outcome, requests } = await run(true);
    expect(changedActions(outcome)).toEqual([]);
    expect(requests).toEqual({ ...expectedLists(counts), 'GET /service-providers': 2 });
  });
});
