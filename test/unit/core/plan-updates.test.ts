import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../../src/core/change.js';
import { META_HASH, META_MANAGED_KEYS, META_NAME, META_OWNER, sensitive } from '../../../src/core/model.js';
import { plan } from '../../../src/core/plan.js';
import { entry, input, ledger, livePackage, liveProvider, markers, OWNER, pkg, provider, streamwise } from './plan-fixtures.js';

function only(p: Plan): Change {
  const [c] = p.changes;
  if (c === undefined || p.changes.length !== 1) throw new Error(`expected one change, got ${p.changes.length}`);
  return c;
}

function patchBody(p: Plan): unknown {
  const op = p.steps[0]?.operation;
  return op && 'body' in op ? op.body : undefined;
}

describe('updates', () => {
  it('plans nothing when the live object matches the declaration', () => {
    const p1 = provider('p1', { userMetadata: { tier: 'gold' } });
    const p = plan(input({ desired: [p1], sw: streamwise({ providers: [liveProvider('k1', p1)] }), ledger: ledger([entry(p1, 'k1')]) }));
    expect(only(p)).toMatchObject({ action: 'noop', externalId: 'k1', fields: [] });
    expect(only(p).ledger).toBeUndefined();
    expect(p.steps).toEqual([]);
  });

  it('diffs fields and patches only what changed', () => {
    const before = provider('p1');
    const after = provider('p1', { providerName: 'Renamed', properties: { url: 'https://new/', secret: sensitive('secret-of-p1') } });
    const live = streamwise({ providers: [liveProvider('k1', before, { metadata: markers(after) })] });
    const p = plan(input({ desired: [after], sw: live, ledger: ledger([entry(after, 'k1')]) }));
    expect(only(p).fields).toMatchInlineSnapshot(`
      [
        {
          "after": "Renamed",
          "before": "P1",
          "path": "providerName",
        },
        {
          "after": "https://new/",
          "before": "https://p1.example.com/",
          "path": "properties.url",
        },
      ]
    `);
    expect(patchBody(p)).toEqual({ providerName: 'Renamed', properties: { url: 'https://new/' } });
  });

  it('re-sends a secret whose hash changed and shows it only as (sensitive)', () => {
    const old = provider('p1');
    const rotated = provider('p1', { properties: { url: old.spec.properties.url, secret: sensitive('new-secret') } });
    const live = streamwise({ providers: [liveProvider('k1', old)] });
    const p = plan(input({ desired: [rotated], sw: live, ledger: ledger([entry(old, 'k1')]) }));
    expect(only(p).fields).toEqual([{ path: 'properties.secret', sensitive: true }]);
    const body = patchBody(p) as { properties: { secret: { reveal(): string } }; metadata: Record<string, unknown> };
    expect(body.properties.secret.reveal()).toBe('new-secret');
    expect(body.metadata[META_HASH]).toBe(rotated.hash);
    expect(JSON.stringify(p)).not.toContain('new-secret');
  });

  it('uses the live hash marker when the ledger has no entry', () => {
    const p1 = provider('p1');
    const p = plan(input({ desired: [p1], sw: streamwise({ providers: [liveProvider('k1', p1)] }) }));
    expect(only(p)).toMatchObject({ action: 'noop', ledger: { set: { externalId: { id: 'k1' }, hash: p1.hash } } });
  });
});

describe('three-way metadata', () => {
  const declared = provider('p1', { userMetadata: { tier: 'gold', region: 'eu' } });

  it('keeps keys written by others, removes keys no longer declared and sends the whole object', () => {
    const previous = provider('p1', { userMetadata: { tier: 'silver', legacy: 1 } });
    const live = streamwise({ providers: [liveProvider('k1', previous, { metadata: { ...markers(previous, ['legacy', 'tier']), tier: 'silver', legacy: 1, billing: 'ext-7' } })] });
    const p = plan(input({ desired: [declared], sw: live, ledger: ledger([entry(previous, 'k1')]) }));
    expect(only(p).fields).toMatchInlineSnapshot(`
      [
        {
          "path": "properties.secret",
          "sensitive": true,
        },
        {
          "before": 1,
          "path": "metadata.legacy",
        },
        {
          "after": "eu",
          "path": "metadata.region",
        },
        {
          "after": "gold",
          "before": "silver",
          "path": "metadata.tier",
        },
      ]
    `);
    expect((patchBody(p) as { metadata: unknown }).metadata).toEqual({
      billing: 'ext-7',
      region: 'eu',
      tier: 'gold',
      [META_HASH]: declared.hash,
      [META_MANAGED_KEYS]: ['region', 'tier'],
      [META_NAME]: 'p1',
      [META_OWNER]: OWNER,
    });
    expect(only(p).ledger).toMatchObject({ set: { managedMetadataKeys: ['region', 'tier'] } });
  });

  it('learns the managed keys from the live marker when the ledger was lost', () => {
    const live = streamwise({ providers: [liveProvider('k1', declared, { metadata: { ...markers(declared, ['old', 'region', 'tier']), old: true, region: 'eu', tier: 'gold' } })] });
    const p = plan(input({ desired: [declared], sw: live }));
    expect(only(p).fields).toEqual([{ path: 'metadata.old', before: true }]);
  });

  it('leaves user keys alone when userMetadata is omitted, but still maintains the markers', () => {
    const bare = provider('p1');
    const live = streamwise({ providers: [liveProvider('k1', declared, { metadata: { tier: 'gold', region: 'eu', [META_NAME]: 'p1', [META_OWNER]: OWNER } })] });
    const p = plan(input({ desired: [bare], sw: live, ledger: ledger([entry(declared, 'k1', { hash: bare.hash })]) }));
    expect(only(p).fields).toMatchInlineSnapshot(`
      [
        {
          "after": "a67af641",
          "path": "metadata["syncwise.io/hash"]",
        },
        {
          "after": [],
          "path": "metadata["syncwise.io/managed-keys"]",
        },
      ]
    `);
    expect((patchBody(p) as { metadata: Record<string, unknown> }).metadata).toMatchObject({ tier: 'gold', region: 'eu', [META_MANAGED_KEYS]: [] });
  });

  it('removes every managed key when userMetadata is explicitly empty', () => {
    const empty = provider('p1', { userMetadata: {} });
    const live = streamwise({ providers: [liveProvider('k1', declared, { metadata: { ...markers(declared, ['region', 'tier']), tier: 'gold', region: 'eu', other: 'x' } })] });
    const p = plan(input({ desired: [empty], sw: live, ledger: ledger([entry(declared, 'k1', { hash: empty.hash })]) }));
    expect(only(p).fields.map((f) => f.path)).toEqual(['metadata.region', 'metadata.tier']);
    expect((patchBody(p) as { metadata: Record<string, unknown> }).metadata).toHaveProperty('other', 'x');
  });

  it('shows a rewrite of the reserved markers when nothing else changed', () => {
    const gold = pkg('gold', ['p1*']);
    const p1 = provider('p1');
    const live = streamwise({ providers: [liveProvider('k1', p1)], packages: [livePackage('g1', 'GOLD', ['k1*'], { ...markers(gold), [META_HASH]: 'stale' })] });
    const p = plan(input({ desired: [p1, gold], sw: live, ledger: ledger([entry(p1, 'k1'), entry(gold, 'g1')]) }));
    expect(p.changes.find((c) => c.key === 'ServicePackage/gold')?.fields).toEqual([{ path: 'metadata["syncwise.io/hash"]', before: 'stale', after: gold.hash }]);
  });
});

describe('adoption', () => {
  const p1 = provider('p1');

  it('adopts an object carrying our name and owner markers without calling the platform', () => {
    const p = plan(input({ desired: [p1], sw: streamwise({ providers: [liveProvider('z9', p1)] }) }));
    expect(only(p)).toMatchObject({ action: 'noop', externalId: 'z9', ledger: { set: { key: 'ServiceProvider/p1', externalId: { id: 'z9' }, state: 'applied' } } });
  });

  it('finds the object of a pending create by its markers instead of creating it again', () => {
    const live = streamwise({ providers: [liveProvider('z9', p1)] });
    const p = plan(input({ desired: [p1], sw: live, ledger: ledger([entry(p1, '', { state: 'pending' })]) }));
    expect(only(p)).toMatchObject({ action: 'noop', externalId: 'z9', ledger: { set: { state: 'applied' } } });
  });

  it('creates again an object that was deleted behind its back', () => {
    const p = plan(input({ desired: [p1], ledger: ledger([entry(p1, 'gone')]) }));
    expect(only(p).action).toBe('create');
  });

  it('blocks an object with the same name owned by another configuration', () => {
    const theirs = liveProvider('z9', p1, { metadata: markers(p1, [], 'team-b') });
    const p = plan(input({ desired: [p1], sw: streamwise({ providers: [theirs] }) }));
    expect(only(p)).toMatchObject({ action: 'blocked', blocker: { rule: 'PLAN_OWNED_ELSEWHERE', by: { kind: 'ServiceProvider', id: 'z9' } } });
    expect(only(p).blocker?.hint).toContain('team-b');
  });
});
