import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { preferSmallHeap } from '../../../src/modes/operator/main.js';

describe('operator: heap preference', () => {
  it('leaves the choice to NODE_OPTIONS or the node flags when either names it', () => {
    expect(preferSmallHeap('--max-old-space-size=256 --no-optimize-for-size', [])).toBe(false);
    expect(preferSmallHeap('', ['--optimize_for_size'])).toBe(false);
  });

  it('asks V8 for a small heap otherwise, in a process that then keeps running', () => {
    const script = "const m = await import('./dist/modes/operator/main.js'); const kept = []; for (let i = 0; i < 2e5; i++) kept.push({ i }); console.log(m.preferSmallHeap('', []), kept.length);";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(out.trim()).toBe('true 200000');
  });
});
