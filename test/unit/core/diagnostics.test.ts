import { describe, expect, it } from 'vitest';
import { formatPath, hasErrors, renderDiagnostic, renderDiagnostics } from '../../../src/core/diagnostics.js';
import type { Diagnostic } from '../../../src/core/model.js';

const schema = (file: string, line: number, col: number, summary: string): Diagnostic => ({ severity: 'error', code: 'CONFIG_SCHEMA', summary, origin: { file, line, col } });

describe('renderDiagnostic', () => {
  it('renders a file position like a compiler', () => {
    expect(renderDiagnostic(schema('examples/app.yaml', 12, 5, 'spec.providers[0].default must be boolean'))).toBe(
      'examples/app.yaml:12:5 error CONFIG_SCHEMA spec.providers[0].default must be boolean',
    );
  });

  it('cites a custom resource as namespace/name#path', () => {
    const d: Diagnostic = { severity: 'warning', code: 'CONFIG_X', summary: 'is odd', origin: { object: 'video/bbb-eu-1', path: 'spec.active' } };
    expect(renderDiagnostic(d)).toBe('video/bbb-eu-1#spec.active warning CONFIG_X is odd');
  });

  it('renders a file without position, no origin at all, and an indented detail', () => {
    expect(renderDiagnostic({ severity: 'error', code: 'CONFIG_READ', summary: 'cannot read', origin: { file: 'a.yaml' } })).toBe('a.yaml error CONFIG_READ cannot read');
    expect(renderDiagnostic({ severity: 'error', code: 'X', summary: 's', detail: 'one\ntwo' })).toBe('error X s\n  one\n  two');
  });

  it('escapes control characters so a hostile key cannot rewrite the terminal', () => {
    expect(renderDiagnostic(schema('a.yaml', 1, 1, 'spec["\u001b[2Jx"] is not a known field'))).toBe('a.yaml:1:1 error CONFIG_SCHEMA spec["\\u001b[2Jx"] is not a known field');
  });
});

describe('renderDiagnostics', () => {
  it('orders by file, line and column whatever the input order', () => {
    const ds = [schema('b.yaml', 1, 1, 'b'), schema('a.yaml', 10, 2, 'late'), schema('a.yaml', 2, 9, 'early'), schema('a.yaml', 10, 1, 'col')];
    const expected = ['a.yaml:2:9 error CONFIG_SCHEMA early', 'a.yaml:10:1 error CONFIG_SCHEMA col', 'a.yaml:10:2 error CONFIG_SCHEMA late', 'b.yaml:1:1 error CONFIG_SCHEMA b'].join('\n');
    expect(renderDiagnostics(ds)).toBe(expected);
    expect(renderDiagnostics([...ds].reverse())).toBe(expected);
  });

  it('tells errors from warnings', () => {
    expect(hasErrors([{ severity: 'warning', code: 'W', summary: 'w' }])).toBe(false);
    expect(hasErrors([{ severity: 'warning', code: 'W', summary: 'w' }, schema('a', 1, 1, 'e')])).toBe(true);
  });
});

describe('formatPath', () => {
  it('uses dots, indices, and quotes for keys that are not identifiers', () => {
    expect(formatPath(['spec', 'providers', 0, 'providerRef'])).toBe('spec.providers[0].providerRef');
    expect(formatPath(['spec', 'userMetadata', 'syncwise.io/x', 'a b'])).toBe('spec.userMetadata["syncwise.io/x"]["a b"]');
  });
});
