import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/syncwise.js', import.meta.url));
const cwd = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the built CLI (`npm test` builds dist/ first) with an empty environment. */
function syncwise(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const fixture = (name: string): string => `test/fixtures/invalid/${name}`;

describe('syncwise validate', () => {
  it('accepts the quick start with no environment and exits 0', async () => {
    const r = await syncwise('validate', '-f', 'examples/quickstart');
    expect(r).toEqual({ code: 0, stdout: '10 declarations valid\n', stderr: '' });
  });

  it('checks the files of several -f paths together', async () => {
    const r = await syncwise('validate', '-f', 'examples/ci/config', '-f', 'examples/quickstart/providers.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^examples\/quickstart\/providers.yaml:9:9 error CONFIG_DUPLICATE_NAME ServiceProvider\/bbb-eu-1 is declared more than once/m);
    expect(r.stdout.split('\n').at(-2)).toBe('invalid: 2 errors in 4 files');
  });

  it('prints every problem of every file with its position and exits 1', async () => {
    const r = await syncwise('validate', '-f', fixture('unknown-field.yaml'), '-f', fixture('wrong-enum.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'test/fixtures/invalid/unknown-field.yaml:5:1 error CONFIG_SCHEMA spec.providerName is required',
        'test/fixtures/invalid/unknown-field.yaml:6:3 error CONFIG_SCHEMA spec.providrName is not a known field (did you mean providerName?)',
        'test/fixtures/invalid/wrong-enum.yaml:7:17 error CONFIG_SCHEMA spec.providerType must be one of: bbb, scalelite',
        'invalid: 3 errors in 2 files',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('s3cr3t');
  });

  it('gives the diagnostics as data with --output json', async () => {
    const r = await syncwise('validate', '-f', fixture('wrong-enum.yaml'), '--output', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      declarations: 0,
      files: ['test/fixtures/invalid/wrong-enum.yaml'],
      diagnostics: [
        {
          severity: 'error',
          code: 'CONFIG_SCHEMA',
          summary: 'spec.providerType must be one of: bbb, scalelite',
          origin: { file: 'test/fixtures/invalid/wrong-enum.yaml', line: 7, col: 17, path: 'spec.providerType' },
        },
      ],
    });
  });

  it('survives input that aborts the YAML parser, with a located error', async () => {
    const r = await syncwise('validate', '-f', fixture('deep-block-sequence.yaml'), '-f', fixture('alias-bomb.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('deep-block-sequence.yaml:1:127 error CONFIG_TOO_DEEP');
    expect(r.stdout).toContain('alias-bomb.yaml:9:12 error CONFIG_ALIAS');
    expect(r.stderr).toBe('');
  });

  it('requires -f', async () => {
    const r = await syncwise('validate');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("required option '-f, --filename <path>' not specified");
  });
});
