import { describe, expect, it } from 'vitest';
import { redactKnownSecrets, registerSecret } from '../../src/log.js';

describe('redactKnownSecrets', () => {
  it('replaces the longest registered value first, so no tail of a longer secret is left', () => {
    registerSecret('abcd-short');
    registerSecret('abcd-short-and-longer');
    expect(redactKnownSecrets('x abcd-short-and-longer y abcd-short z')).toBe('x [REDACTED] y [REDACTED] z');
  });

  it('redacts the JSON-escaped form and values holding regular expression characters', () => {
    registerSecret('quote"and\\slash');
    registerSecret('a.b*c+(d)|[e]$^');
    const json = JSON.stringify({ v: 'quote"and\\slash' });
    expect(redactKnownSecrets(json)).toBe('{"v":"[REDACTED]"}');
    expect(redactKnownSecrets('p a.b*c+(d)|[e]$^ q aXb')).toBe('p [REDACTED] q aXb');
  });

  it('stays linear with thousands of registered values', () => {
    const secrets = Array.from({ length: 5000 }, (_, i) => `bench-secret-${String(i).padStart(5, '0')}-${(i * 7919) % 100_003}`);
    for (const s of secrets) registerSecret(s);
    const lines = Array.from({ length: 5000 }, (_, i) => `Subscription/sub-${i}: create done [id=k${i}, 5ms]\n`);
    const text = `${lines.join('')}leak ${secrets[4321] ?? ''} end`;
    const out = redactKnownSecrets(text);
    expect(out.endsWith('leak [REDACTED] end')).toBe(true);
    expect(out.length).toBe(text.length - (secrets[4321] ?? '').length + '[REDACTED]'.length);
  });
});
