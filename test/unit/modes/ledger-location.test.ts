import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ledgerLocation } from '../../../src/modes/cli/commands/plan-options.js';

describe('--ledger', () => {
  it('parses the file ledger and a Kubernetes Secret', () => {
    expect(ledgerLocation('file')).toEqual({ kind: 'file' });
    expect(ledgerLocation('kubernetes:ci/syncwise-ledger')).toEqual({ kind: 'kubernetes', namespace: 'ci', name: 'syncwise-ledger' });
    expect(ledgerLocation('kubernetes:team-a/ledger.prod')).toEqual({ kind: 'kubernetes', namespace: 'team-a', name: 'ledger.prod' });
  });

  it.each([
    ['s3:bucket/key', 'expected "file" or "kubernetes:NAMESPACE/NAME"'],
    ['kubernetes:ci', 'expected "file" or "kubernetes:NAMESPACE/NAME"'],
    ['kubernetes:ci/a/b', 'expected "file" or "kubernetes:NAMESPACE/NAME"'],
    ['kubernetes:CI/ledger', 'namespace "CI" is not a valid Kubernetes namespace'],
    ['kubernetes:team.a/ledger', 'namespace "team.a" is not a valid Kubernetes namespace'],
    ['kubernetes:ci/Ledger_1', '"Ledger_1" is not a valid Secret name'],
    [`kubernetes:ci/${'a'.repeat(249)}`, 'is not a valid Secret name'],
  ])('rejects %s', (value, message) => {
    expect(() => ledgerLocation(value)).toThrow(InvalidArgumentError);
    expect(() => ledgerLocation(value)).toThrow(message);
  });
});
