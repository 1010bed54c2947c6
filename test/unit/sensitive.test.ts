import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSensitive, sensitive } from '../../src/core/model.js';

describe('sensitive values', () => {
  it('never serialise their plaintext', () => {
    const s = sensitive('hunter2-secret');
    const holder = { token: s, nested: [s] };
    expect(JSON.stringify(holder)).toBe('{"token":"(sensitive)","nested":["(sensitive)"]}');
    expect(`${s}`).toBe('(sensitive)');
    expect(inspect(holder)).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2-secret');
    expect(isSensitive(s)).toBe(true);
    expect(isSensitive({ sensitive: true })).toBe(false);
  });
});
