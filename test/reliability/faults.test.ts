/**
 * Faults: a 300-object configuration applied through the real CLI while the sandbox answers 5xx,
 * 429 with Retry-After, adds latency, drops connections and loses answers after writes. Apply
 * converges within two runs, creates no duplicate, and the next plan is empty. A platform that
 * never answers makes syncwise fail with a timeout rather than hang.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { createWorld, fleetYaml, pendingChanges, platformView, requestTotal, targetsYaml, type World } from './world.js';

const FLEET = { providers: 150, packages: 60, subscriptions: 40, projects: 50 } as const;
const OBJECTS = FLEET.providers + FLEET.packages + FLEET.subscriptions + FLEET.projects;
const FAULTS = { error: 0.2, rateLimit: 0.1, retryAfterSeconds: 1, latencyMs: [0, 8] as [number, number], reset: 0.03, failAfterWrite: 0.03, seed: 20240607 };

/** The lines of an apply that say what went wrong, for the assertion message. */
function failures(r: CliResult): string {
  return r.stdout.split('\n').filter((l) => /FAILED|skipped|blocked|finished/.test(l)).slice(0, 20).join('\n') + r.stderr;
}

// The two scenarios share nothing (each has its own sandbox and directories), so they run side by
// side: the second one mostly waits for its client timeouts.
describe.concurrent('apply under injected faults', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    await w.write('fleet.yaml', fleetYaml(FLEET));
  });
  afterAll(async () => { await w.close(); });

  it(`converges a ${OBJECTS}-object configuration within two runs, without duplicates, and plans nothing afterwards`, async ({ expect }) => {
    w.sandbox.setFaults(FAULTS);
    const runs = [await w.cli(['apply', '--yes', '--parallelism', '16'], { timeoutMs: 60_000 })];
    if (runs[0]?.code !== 0) runs.push(await w.cli(['apply', '--yes', '--parallelism', '16'], { timeoutMs: 60_000 }));
    const counts = w.sandbox.requestCounts();
    w.sandbox.setFaults({});
    const last = runs[runs.length - 1];
    expect(last?.code, runs.map(failures).join('\n====\n')).toBe(0);
    // every kind of fault was really injected
    expect(counts['status:429']).toBeGreaterThan(10);
    expect((counts['status:500'] ?? 0) + (counts['status:502'] ?? 0) + (counts['status:503'] ?? 0)).toBeGreaterThan(20);
    expect(counts['status:reset']).toBeGreaterThan(5);
    // a create whose answer was dropped after it committed was found again, not sent twice
    expect(runs.map((r) => r.stdout).join('')).toContain('(found after a lost answer, not sent twice)');
    // three read-only checks of the converged state
    const [view, inProcessPlan, plan] = await Promise.all([platformView(w.sandbox), w.plan(), w.cli(['plan', '--detailed-exitcode'])]);
    expect(view.duplicates).toEqual([]);
    expect(view.total).toBe(OBJECTS);
    expect(pendingChanges(inProcessPlan)).toEqual([]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }, 120_000);
});

describe.concurrent('a platform that never answers', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ targets: false });
    await w.write('targets.yaml', targetsYaml(w.sandbox, { timeoutSeconds: 1 }));
    await w.write('p.yaml', fleetYaml({ providers: 1, projects: 1 }));
  });
  afterAll(async () => {
    w.sandbox.setFaults({});
    await w.close();
  });

  it('makes plan and apply fail with TIMEOUT within their bounded retries instead of hanging', async ({ expect }) => {
    w.sandbox.setFaults({ latencyMs: 30_000 });
    const started = Date.now();
    const [plan, apply] = await Promise.all([w.cli(['plan'], { timeoutMs: 25_000 }), w.cli(['apply', '--yes'], { timeoutMs: 25_000 })]);
    const elapsed = Date.now() - started;
    for (const r of [plan, apply]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/error TIMEOUT: .*(timed out|no answer|within)/i);
    }
    expect(elapsed).toBeLessThan(20_000);
    expect(requestTotal(w.sandbox)).toBeGreaterThan(0);
  }, 30_000);
});
