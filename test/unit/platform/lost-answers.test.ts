import { describe, expect, it } from 'vitest';
import { errorFromAnswer, timeoutError, toPlatformError, type ErrorContext } from '../../../src/platform/errors.js';
import { createWithoutDuplicates } from '../../../src/platform/lost-answers.js';
import { fakeClock } from './fake-clock.js';

const ctx: ErrorContext = { api: 'bluzone', target: 't', method: 'POST', route: 'POST /x', path: '/x' };
const dropped = () => toPlatformError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), ctx);
const answer = (status: number, code?: string) => errorFromAnswer(ctx, { status, body: code ? { status, error: code, message: code } : undefined }, (t) => t);

/** A platform stand-in of plain functions: answers from a script, counts sends and lookups. */
function script(sends: (() => string)[], finds: (() => string | undefined)[]) {
  const calls = { sends: 0, finds: 0 };
  return {
    calls,
    send: async () => (sends[calls.sends++] ?? (() => 'unexpected'))(),
    find: async () => (finds[calls.finds++] ?? (() => undefined))(),
  };
}

describe('createWithoutDuplicates', () => {
  it('returns the id of an answered create without any lookup', async () => {
    const s = script([() => 'id1'], []);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: false, clock: fakeClock() })).resolves.toEqual({ id: 'id1' });
    expect(s.calls).toEqual({ sends: 1, finds: 0 });
  });

  it('finds the object of a lost answer instead of sending again', async () => {
    const s = script([() => { throw dropped(); }], [() => 'found1']);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: false, clock: fakeClock() })).resolves.toEqual({ id: 'found1', recovered: true });
    expect(s.calls).toEqual({ sends: 1, finds: 1 });
  });

  it('sends again only after the lookup proved the object absent', async () => {
    const s = script([() => { throw answer(502); }, () => 'id2'], [() => undefined]);
    const clock = fakeClock();
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: false, clock })).resolves.toEqual({ id: 'id2' });
    expect(s.calls).toEqual({ sends: 2, finds: 1 });
    expect(clock.sleeps).toHaveLength(1);
  });

  it('never sends again when the lookup itself fails', async () => {
    const lookupFailure = answer(503);
    const s = script([() => { throw dropped(); }], [() => { throw lookupFailure; }]);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: false, clock: fakeClock() })).rejects.toBe(lookupFailure);
    expect(s.calls.sends).toBe(1);
  });

  it('does not send again after a timeout when the platform allows duplicates', async () => {
    const timedOut = timeoutError(ctx, 1000);
    const s = script([() => { throw timedOut; }], [() => undefined]);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: false, clock: fakeClock() })).rejects.toBe(timedOut);
    expect(s.calls).toEqual({ sends: 1, finds: 1 });
  });

  it('reads a 409 on a re-send of a unique name as "already there" and finds it', async () => {
    const s = script([() => { throw timeoutError(ctx, 1000); }, () => { throw answer(409, 'conflict'); }], [() => undefined, () => 'late1']);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: true, clock: fakeClock() })).resolves.toEqual({ id: 'late1', recovered: true });
    expect(s.calls).toEqual({ sends: 2, finds: 2 });
  });

  it('passes a refusal on the first send through untouched', async () => {
    const refusal = answer(409, 'conflict');
    const s = script([() => { throw refusal; }], []);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: true, clock: fakeClock() })).rejects.toBe(refusal);
    expect(s.calls.finds).toBe(0);
  });

  it('gives up after the bounded number of sends', async () => {
    const s = script([() => { throw dropped(); }, () => { throw dropped(); }], [() => undefined, () => undefined]);
    await expect(createWithoutDuplicates({ ...s, identityIsUnique: false, clock: fakeClock(), maxSends: 2 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(s.calls).toEqual({ sends: 2, finds: 2 });
  });

  it('never sends again without an identity to look for', async () => {
    const lost = dropped();
    const s = script([() => { throw lost; }], []);
    await expect(createWithoutDuplicates({ send: s.send, identityIsUnique: false, clock: fakeClock() })).rejects.toBe(lost);
    expect(s.calls.sends).toBe(1);
  });
});
