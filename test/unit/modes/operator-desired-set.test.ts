import { describe, expect, it } from 'vitest';
import { buildDesiredSet, type DesiredSetInput } from '../../../src/modes/operator/desired-set.js';
import type { CustomResource } from '../../../src/modes/operator/kinds.js';
import type { Kind } from '../../../src/core/model.js';

let uid = 0;
function cr(kind: Kind, name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}): { kind: Kind; object: CustomResource } {
  uid += 1;
  const metadata = { name, namespace: 'team', uid: `uid-${uid}`, generation: 1, resourceVersion: '1', creationTimestamp: `2026-01-01T00:00:${String(uid).padStart(2, '0')}Z`, ...meta };
  return { kind, object: { apiVersion: 'syncwise.io/v1alpha1', kind, metadata, spec } as unknown as CustomResource };
}

const secret = (name: string, key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });
const target = cr('Target', 'sw', { api: 'streamwise', url: 'https://api.example.com', token: secret('creds', 'token') });
const provider = (name: string, meta: Record<string, unknown> = {}) =>
  cr('ServiceProvider', name, { providerName: name, providerType: 'bbb', properties: { url: `https://${name}.example.com/b/`, secret: secret('bbb', 'secret') } }, meta);
const pkg = (name: string, providers: string[]) => cr('ServicePackage', name, { packageName: name, providers: providers.map((p, i) => ({ providerRef: p, default: i === 0 })) });
const SECRETS: Record<string, string> = { 'team/creds/token': 'tok-123456', 'team/bbb/secret': 'bbb-123456' };

function input(objects: DesiredSetInput['objects'], ledgerTargets: string[] = []): DesiredSetInput {
  return { objects, secretValue: (ns, name, key) => SECRETS[`${ns}/${name}/${key}`], ledgerTargets: new Set(ledgerTargets) };
}

function standings(set: Awaited<ReturnType<typeof buildDesiredSet>>): Record<string, unknown> {
  return Object.fromEntries(set.entries.map((e) => [e.key, e.standing.state === 'held' ? `held:${e.standing.reason}` : e.standing.state]));
}

describe('operator desired set', () => {
  it('declares valid objects with their secrets resolved from the Secret cache', async () => {
    const set = await buildDesiredSet(input([target, provider('a'), pkg('gold', ['a'])]));
    expect(standings(set)).toEqual({ 'Target/sw': 'desired', 'ServiceProvider/a': 'desired', 'ServicePackage/gold': 'desired' });
    const p = set.resources.find((r) => r.key === 'ServiceProvider/a');
    expect(p?.kind === 'ServiceProvider' && p.spec.properties.secret.reveal()).toBe('bbb-123456');
    expect(p?.target).toBe('sw');
  });

  it('rejects a literal secret in a custom resource with a clear message and holds what depends on it', async () => {
    const literal = cr('ServiceProvider', 'lit', { providerName: 'lit', providerType: 'bbb', properties: { url: 'https://lit.example.com/b/', secret: 'plain-text-secret' } });
    const set = await buildDesiredSet(input([target, literal, pkg('gold', ['lit'])]));
    const held = set.entries.find((e) => e.key === 'ServiceProvider/lit')?.standing;
    expect(held).toEqual({ state: 'held', reason: 'InvalidSpec', message: 'spec.properties.secret: a literal secret is not allowed in a custom resource; use valueFrom.secretKeyRef' });
    expect(set.entries.find((e) => e.key === 'ServicePackage/gold')?.standing).toEqual({ state: 'held', reason: 'Blocked', message: 'depends on ServiceProvider/lit, which is not ready (InvalidSpec)' });
    expect(JSON.stringify([set.diagnostics, set.entries.map((e) => e.standing), set.resources])).not.toContain('plain-text-secret');
    expect(set.resources.map((r) => r.key)).toEqual(['Target/sw']);
  });

  it('holds objects whose Secret is missing, and everything on a Target that is held', async () => {
    const noCreds = cr('Target', 'sw', { api: 'streamwise', url: 'https://api.example.com', token: secret('missing', 'token') });
    const set = await buildDesiredSet(input([noCreds, provider('a')]));
    expect(standings(set)).toEqual({ 'Target/sw': 'held:SecretMissing', 'ServiceProvider/a': 'held:Blocked' });
    expect(set.resources).toEqual([]);
  });

  it('keeps a deleted provider declared while a package still references it, and lets it go otherwise', async () => {
    const deleting = { deletionTimestamp: '2026-01-02T00:00:00Z', finalizers: ['syncwise.io/finalizer'] };
    const referenced = await buildDesiredSet(input([target, provider('a', deleting), provider('b'), pkg('gold', ['b', 'a'])]));
    expect(referenced.entries.find((e) => e.key === 'ServiceProvider/a')?.standing).toEqual({ state: 'retained', by: ['ServicePackage/gold'] });
    expect(referenced.resources.map((r) => r.key)).toContain('ServiceProvider/a');
    const free = await buildDesiredSet(input([target, provider('a', deleting), provider('b'), pkg('gold', ['b'])]));
    expect(standings(free)['ServiceProvider/a']).toBe('deleting');
    expect(free.resources.map((r) => r.key)).not.toContain('ServiceProvider/a');
  });

  it('keeps a deleted Target while the ledger owns objects on it', async () => {
    const deleting = cr('Target', 'sw', { api: 'streamwise', url: 'https://api.example.com', token: secret('creds', 'token') }, { deletionTimestamp: '2026-01-02T00:00:00Z' });
    expect(standings(await buildDesiredSet(input([deleting], ['sw'])))['Target/sw']).toBe('retained');
    expect(standings(await buildDesiredSet(input([deleting], [])))['Target/sw']).toBe('deleting');
  });

  it('gives a key claimed twice to the older object and reports the newer one', async () => {
    const older = provider('a');
    const newer = { kind: 'ServiceProvider' as const, object: { ...provider('a').object, metadata: { ...provider('a').object.metadata, namespace: 'other', uid: 'uid-newer', creationTimestamp: '2026-02-01T00:00:00Z' } } as unknown as CustomResource };
    const set = await buildDesiredSet(input([newer, target, older]));
    const byUid = Object.fromEntries(set.entries.map((e) => [e.ref.uid, e.standing.state === 'held' ? e.standing.reason : e.standing.state]));
    expect(byUid[older.object.metadata?.uid ?? '']).toBe('desired');
    expect(byUid['uid-newer']).toBe('InvalidSpec');
  });
});
