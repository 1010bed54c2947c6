import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { sortKeys } from '../../../src/core/diff.js';
import { mergeMetadata, type MergeMetadataInput } from '../../../src/core/metadata.js';
import { META_HASH, META_MANAGED_KEYS, META_NAME, META_OWNER, type Metadata, type MetaValue } from '../../../src/core/model.js';

const MARKERS = [META_NAME, META_OWNER, META_HASH, META_MANAGED_KEYS];

/** The three-way merge spelled out the plain way: the specification the planner's merge must match. */
function referenceMerge(input: MergeMetadataInput): Metadata {
  const live = input.live ?? {};
  const declared = input.declared;
  const declaredKeys = declared === undefined ? [] : Object.keys(declared).filter((k) => !MARKERS.includes(k)).sort();
  const released = declared === undefined ? [] : [...input.previouslyManaged, ...(Array.isArray(live[META_MANAGED_KEYS]) ? (live[META_MANAGED_KEYS] as string[]) : [])];
  const out: Record<string, MetaValue> = {};
  for (const [k, v] of Object.entries(live)) if (!MARKERS.includes(k) && !released.includes(k)) out[k] = v;
  for (const k of declaredKeys) out[k] = (declared as Metadata)[k] as MetaValue;
  Object.assign(out, { [META_NAME]: input.markers.name, [META_OWNER]: input.markers.owner, [META_HASH]: input.markers.hash, [META_MANAGED_KEYS]: declaredKeys });
  return JSON.parse(JSON.stringify(out, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v))) as Metadata;
}

const key = fc.constantFrom('a', 'b', 'region', 'tags', 'x-y', 'Z', '10', '9');
const scalar = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('eu', 'us'), fc.boolean());
const value: fc.Arbitrary<MetaValue> = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), fc.dictionary(key, scalar, { maxKeys: 2 }));
const markers = { name: 'p1', owner: 'me', hash: 'h1' };

/** Live metadata as this configuration left it (markers and managed keys written), then changed by others or not. */
const arbInput: fc.Arbitrary<MergeMetadataInput> = fc
  .record({
    declared: fc.option(fc.dictionary(key, value, { maxKeys: 4 }), { nil: undefined }),
    others: fc.dictionary(key, value, { maxKeys: 3 }),
    previouslyManaged: fc.array(key, { maxLength: 3 }),
    markersWritten: fc.boolean(),
    staleHash: fc.boolean(),
  })
  .map(({ declared, others, previouslyManaged, markersWritten, staleHash }) => {
    const declaredKeys = Object.keys(declared ?? {}).sort();
    const written = markersWritten ? { [META_NAME]: 'p1', [META_OWNER]: 'me', [META_HASH]: staleHash ? 'h0' : 'h1', [META_MANAGED_KEYS]: declaredKeys } : {};
    const live = sortKeys({ ...others, ...(markersWritten ? declared : {}), ...written });
    return { live, previouslyManaged, markers, ...(declared !== undefined ? { declared } : {}) };
  });

describe('metadata merge', () => {
  test.prop([arbInput], { numRuns: 500 })('gives what the plain three-way merge gives, keys in the same order', (input) => {
    const merged = mergeMetadata(input);
    expect(JSON.stringify(merged.metadata)).toBe(JSON.stringify(referenceMerge(input)));
  });

  it('gives the live object itself back when the merge changes nothing', () => {
    const live = { billing: 7, region: 'eu', [META_HASH]: 'h1', [META_MANAGED_KEYS]: ['region'], [META_NAME]: 'p1', [META_OWNER]: 'me' };
    expect(mergeMetadata({ live, declared: { region: 'eu' }, previouslyManaged: ['region'], markers }).metadata).toBe(live);
    expect(mergeMetadata({ live, declared: { region: 'us' }, previouslyManaged: ['region'], markers }).metadata).not.toBe(live);
    expect(mergeMetadata({ live, declared: {}, previouslyManaged: ['region'], markers }).metadata).not.toHaveProperty('region');
    expect(mergeMetadata({ live, declared: { region: 'eu' }, previouslyManaged: ['billing'], markers }).metadata).not.toHaveProperty('billing');
  });
});

describe('sortKeys', () => {
  test.prop([fc.jsonValue()])('sorts every level like a sorted copy, leaves its input as it was, and copies only what was out of order', (v) => {
    const before = JSON.stringify(v);
    const sorted = sortKeys(v);
    expect(JSON.stringify(v)).toBe(before);
    expect(JSON.stringify(sorted)).toBe(JSON.stringify(referenceSorted(v)));
    if (!hasIndexKey(v)) expect(sortKeys(sorted)).toBe(sorted); // an object lists index-like keys ("0") first whatever the order they were set in
  });

  it('drops undefined members', () => {
    expect(Object.keys(sortKeys({ b: 1, a: undefined }))).toEqual(['b']);
  });
});

function referenceSorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(referenceSorted);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = referenceSorted((v as Record<string, unknown>)[k]);
  return out;
}

function hasIndexKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasIndexKey);
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => /^(0|[1-9][0-9]*)$/.test(k) || hasIndexKey(x));
}
