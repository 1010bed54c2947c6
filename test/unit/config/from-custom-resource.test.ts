import { describe, expect, it } from 'vitest';
import { declaredFromCustomResource } from '../../../src/config/from-custom-resource.js';
import { renderDiagnostics } from '../../../src/core/diagnostics.js';

function providerCr(secret: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'syncwise.io/v1alpha1',
    kind: 'ServiceProvider',
    metadata: { name: 'bbb-eu-1', namespace: 'video', uid: 'u-1', resourceVersion: '42', generation: 3, labels: { team: 'video' }, finalizers: ['syncwise.io/cleanup'] },
    spec: { providerName: 'BBB', providerType: 'bbb', properties: { url: 'https://bbb.example.com/', secret }, ...extra },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const fromSecret = { valueFrom: { secretKeyRef: { name: 'creds', key: 'bbb' } } };

describe('declaredFromCustomResource', () => {
  it('converts a custom resource, ignoring status and server-managed metadata', () => {
    const r = declaredFromCustomResource(providerCr(fromSecret));
    expect(r.diagnostics).toEqual([]);
    expect(r.declared[0]).toMatchObject({
      kind: 'ServiceProvider',
      name: 'bbb-eu-1',
      labels: { team: 'video' },
      origin: { object: 'video/bbb-eu-1' },
      spec: { properties: { secret: { from: 'secretKeyRef', name: 'creds', key: 'bbb', namespace: 'video' } } },
    });
  });

  it('rejects literal, env and file secrets, and Secrets of another namespace', () => {
    const cases = ['literal', { valueFrom: { env: 'BBB' } }, { valueFrom: { file: '/etc/passwd' } }, { valueFrom: { secretKeyRef: { name: 'c', key: 'k', namespace: 'kube-system' } } }];
    const text = cases.map((c) => renderDiagnostics(declaredFromCustomResource(providerCr(c)).diagnostics)).join('\n');
    expect(text).toBe(
      [
        'video/bbb-eu-1#spec.properties.secret error CONFIG_SECRET_SOURCE spec.properties.secret: a literal secret is not allowed in a custom resource; use valueFrom.secretKeyRef',
        'video/bbb-eu-1#spec.properties.secret.valueFrom.env error CONFIG_SECRET_SOURCE spec.properties.secret.valueFrom.env: valueFrom.env is not allowed in a custom resource; use valueFrom.secretKeyRef',
        'video/bbb-eu-1#spec.properties.secret.valueFrom.file error CONFIG_SECRET_SOURCE spec.properties.secret.valueFrom.file: valueFrom.file is not allowed in a custom resource; use valueFrom.secretKeyRef',
        'video/bbb-eu-1#spec.properties.secret.valueFrom.secretKeyRef.namespace error CONFIG_SECRET_SOURCE spec.properties.secret.valueFrom.secretKeyRef.namespace: a custom resource can only read Secrets of its own namespace',
      ].join('\n'),
    );
    expect(text).not.toContain('literal\n');
  });

  it('validates the spec with the same schema as files and cites namespace/name#path', () => {
    const r = declaredFromCustomResource(providerCr(fromSecret, { active: 'yes', colour: 'red' }));
    expect(renderDiagnostics(r.diagnostics)).toBe(
      [
        'video/bbb-eu-1#spec.active error CONFIG_SCHEMA spec.active must be boolean (found string; YAML 1.2 reads yes as a string, write true or false)',
        'video/bbb-eu-1#spec.colour error CONFIG_SCHEMA spec.colour is not a known field (expected one of: providerName, active, providerType, serviceType, properties, settings, userMetadata, targetRef, deletionPolicy)',
      ].join('\n'),
    );
    expect(r.rejected).toEqual(['ServiceProvider/bbb-eu-1']);
  });

  it('reports objects that are not syncwise resources without throwing', () => {
    expect(renderDiagnostics(declaredFromCustomResource(null).diagnostics)).toBe('(unnamed) error CONFIG_NOT_OBJECT a declaration must be a mapping with apiVersion, kind, metadata and spec (found a null)');
    const secret = declaredFromCustomResource({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' } });
    expect(renderDiagnostics(secret.diagnostics)).toBe('ns/s#apiVersion error CONFIG_API_VERSION apiVersion "v1" is not supported (expected syncwise.io/v1alpha1)');
  });
});
