import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret } from '../../src/log.js';

describe('logger', () => {
  it('redacts secrets by field path and by registered value', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'syncwise-log-')), 'out.log');
    const log = createLogger({ destination: file });
    registerSecret('s3cr3t-value-42');
    log.info({ token: 'tok-abc-123', nested: { secret: 'nested-secret-9' }, note: 'see s3cr3t-value-42 here' }, 'hello');
    log.flush();
    const line = readFileSync(file, 'utf8');
    expect(line).toContain('"msg":"hello"');
    expect(line).not.toContain('tok-abc-123');
    expect(line).not.toContain('nested-secret-9');
    expect(line).not.toContain('s3cr3t-value-42');
    expect(line).toContain('see [REDACTED] here');
  });
});
