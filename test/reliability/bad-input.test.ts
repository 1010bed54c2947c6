/**
 * Bad input: more than 50 hostile or broken inputs, generated on disk (corpus.ts). Each is refused
 * with a clear error naming its file, by the loader of plan/apply and by the cache of watch/run,
 * and through the real CLI: exit code 1, no crash, no hang, and not one request to the platform
 * declared as the Target.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/model.js';
import { loadDesired } from '../../src/modes/desired.js';
import { createFileCache } from '../../src/modes/file-cache.js';
import { startCli } from '../support/cli-process.js';
import { badCases, writeCases, type BadCase } from './corpus.js';
import { createWorld, requestTotal, type World } from './world.js';

const CASES = badCases();

function expectNamed(c: BadCase, dir: string, diagnostics: readonly Diagnostic[]): void {
  const file = join(dir, c.names);
  const found = diagnostics.filter((d) => d.severity === 'error' && d.origin?.file === file).map((d) => d.code);
  expect(found, `${c.id}: ${JSON.stringify(diagnostics.slice(0, 3))}`).toContain(c.code);
}

/** No stack trace, no uncaught error: a crash shows up as either. */
function expectNoCrash(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
  expect(output).not.toMatch(/Uncaught|FATAL ERROR|RangeError|TypeError|Maximum call stack/);
}

describe(`${CASES.length} hostile or broken inputs`, () => {
  let w: World;
  let dirs: Map<string, string>;
  const targets = (): string => join(w.config, 'targets.yaml');
  const dirsOf = (phase: 'load' | 'resolve'): string[] => CASES.filter((c) => (c.phase ?? 'load') === phase).map((c) => dirs.get(c.id) ?? '');

  beforeAll(async () => {
    w = await createWorld();
    dirs = await writeCases(w.root, CASES);
  });
  afterAll(async () => {
    await rm(join(w.root, 'cases'), { recursive: true, force: true });
    await w.close();
  });

  it('has at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });

  it('each is refused by the loader of plan and apply with its code, naming its file', async () => {
    for (const c of CASES) {
      const dir = dirs.get(c.id) ?? '';
      const desired = await loadDesired({ paths: [targets(), dir], env: w.env });
      expect(desired.resources, c.id).toEqual([]);
      expectNamed(c, dir, desired.diagnostics);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 30_000);

  it('each is refused by the file cache of watch and run with its code, naming its file', async () => {
    for (const c of CASES) {
      const dir = dirs.get(c.id) ?? '';
      const cache = createFileCache({ paths: [targets(), dir], env: w.env });
      await cache.scan();
      const snapshot = await cache.desired();
      expect(snapshot.valid, c.id).toBe(false);
      expectNamed(c, dir, snapshot.diagnostics);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 30_000);

  it('apply refuses them all with exit code 1, naming every file, without a crash, a hang or a platform call', async () => {
    w.sandbox.resetCounts();
    for (const phase of ['load', 'resolve'] as const) {
      const r = await w.cli(['apply', '--yes', ...dirsOf(phase).flatMap((d) => ['-f', d])], { timeoutMs: 30_000 });
      expect(r.code, r.stderr.slice(0, 2000)).toBe(1);
      expectNoCrash(r.stdout + r.stderr);
      for (const c of CASES.filter((x) => (x.phase ?? 'load') === phase)) expect(r.stderr, c.id).toContain(join(dirs.get(c.id) ?? '', c.names));
    }
    expect(requestTotal(w.sandbox)).toBe(0);
  }, 60_000);

  it('watch logs them all as invalid, naming every file, and calls nothing', async () => {
    w.sandbox.resetCounts();
    const all = [...dirsOf('load'), ...dirsOf('resolve')];
    const watch = startCli(['watch', '--resync', '0', '-f', w.config, ...all.flatMap((d) => ['-f', d]), '--state-dir', w.stateDir], { cwd: w.root, env: w.env });
    try {
      await watch.waitFor((l) => String(l.msg).startsWith('declarations are invalid'), { timeoutMs: 20_000 });
      const logged = watch.lines.map((l) => JSON.stringify(l)).join('\n');
      for (const c of CASES.filter((x) => (x.phase ?? 'load') === 'load')) expect(logged, c.id).toContain(JSON.stringify(join(dirs.get(c.id) ?? '', c.names)).slice(1, -1));
      expectNoCrash(watch.stderr());
      expect(requestTotal(w.sandbox)).toBe(0);
    } finally {
      watch.kill();
      await watch.exited;
    }
  }, 30_000);
});
