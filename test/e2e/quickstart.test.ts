import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const QUICKSTART = fileURLToPath(new URL('../../examples/quickstart', import.meta.url));

describe('README quick start on the embedded sandbox', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'syncwise-quickstart-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('applies the example with no environment, then plans no changes', async () => {
    const apply = await runCli(['apply', '-f', QUICKSTART, '--yes'], { cwd });
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toContain('embedded sandbox');
    expect(apply.stdout).toMatch(/Apply complete: \d+ created/);
    expect(apply.code).toBe(0);
    // Into a pipe the step lines are written in batches: all of them, each once, before the summary.
    const steps = apply.stdout.split('\n').filter((l) => / done \[/.test(l));
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.length).toBeGreaterThanOrEqual(Number(/Apply complete: (\d+) created/.exec(apply.stdout)?.[1]));
    expect(apply.stdout.lastIndexOf(' done [')).toBeLessThan(apply.stdout.indexOf('Apply complete'));
    const plan = await runCli(['plan', '-f', QUICKSTART, '--detailed-exitcode'], { cwd });
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('renders the plan as JSON for machines', async () => {
    const plan = await runCli(['plan', '-f', QUICKSTART, '--output', 'json'], { cwd });
    expect(plan.code).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { actions: { action: string }[]; summary: Record<string, number> };
    expect(parsed.actions.every((a) => a.action === 'noop')).toBe(true);
  });
});
