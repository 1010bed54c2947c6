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
