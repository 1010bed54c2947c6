import { describe, expect, it } from 'vitest';
import { createDeclarationChecker } from '../../../src/config/check-declarations.js';
import { checkDeclarations, declarationsFromText } from '../../../src/config/load-files.js';
import { renderDiagnostics } from '../../../src/core/diagnostics.js';
import { EMBEDDED_TARGET, type Declared } from '../../../src/core/model.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: syncwise.io/v1alpha1\nkind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec}`;
const provider = (name: string, extra = ''): string => doc('ServiceProvider', name, `  providerName: ${name}\n  providerType: bbb\n  properties: { url: https://${name}.example.com/, secret: s }\n${extra}`);
const pkg = (name: string, providers: string, extra = ''): string => doc('ServicePackage', name, `  packageName: ${name}\n  providers: ${providers}\n${extra}`);
const sub = (name: string, pkgName: string, providers: string): string => doc('Subscription', name, `  subscriptionName: ${name}\n  packageRef: ${pkgName}\n  providers: ${providers}\n`);
const project = (name: string, projectName: string, extra = ''): string => doc('Project', name, `  projectName: ${projectName}\n  defaultOwnerEmail: o@example.com\n  defaultOwnerPassword: pw\n${extra}`);
const target = (name: string, api: 'streamwise' | 'bluzone'): string =>
  doc('Target', name, api === 'streamwise' ? '  api: streamwise\n  url: https://sw.example.com\n  token: t\n' : '  api: bluzone\n  url: https://bz.example.com\n  serviceProviderId: sp\n  apiKey: k\n');

/** Loads each text as its own file (`f0.yaml`, `f1.yaml`...) and checks them together. */
function check(...files: string[]): { declared: Declared[]; text: string } {
  const loaded = files.map((t, i) => declarationsFromText(t, `f${i}.yaml`));
  for (const l of loaded) expect(l.diagnostics).toEqual([]);
  const r = checkDeclarations(loaded.flatMap((l) => l.declared));
  return { declared: r.declared, text: renderDiagnostics(r.diagnostics) };
}

const targets = (r: { declared: Declared[] }): Record<string, string> => Object.fromEntries(r.declared.map((d) => [d.key, d.target]));

describe('checkDeclarations: targets', () => {
  it('puts everything on the embedded sandbox when no Target is declared', () => {
    const r = check(provider('p1'), project('pr', 'P'));
    expect(r.text).toBe('');
    expect(targets(r)).toEqual({ 'ServiceProvider/p1': EMBEDDED_TARGET, 'Project/pr': EMBEDDED_TARGET });
  });

  it('uses the only Target of the matching api when targetRef is omitted', () => {
    const r = check(target('sw', 'streamwise'), target('bz', 'bluzone'), provider('p1'), project('pr', 'P'));
    expect(r.text).toBe('');
    expect(targets(r)).toMatchObject({ 'Target/sw': 'sw', 'Target/bz': 'bz', 'ServiceProvider/p1': 'sw', 'Project/pr': 'bz' });
  });

  it('follows an explicit targetRef among several Targets of one api', () => {
    const r = check(target('sw-a', 'streamwise'), target('sw-b', 'streamwise'), provider('p1', '  targetRef: sw-b\n'));
    expect(r.text).toBe('');
    expect(targets(r)['ServiceProvider/p1']).toBe('sw-b');
  });

  it('requires targetRef when the api has several Targets or none', () => {
    expect(check(target('a', 'streamwise'), target('b', 'streamwise'), provider('p1')).text).toBe(
      'f2.yaml:4:1 error CONFIG_TARGET_REQUIRED spec.targetRef is required: several streamwise Targets are declared (a, b)',
    );
    expect(check(target('a', 'streamwise'), project('pr', 'P')).text).toBe(
      'f1.yaml:4:1 error CONFIG_TARGET_REQUIRED spec.targetRef is required: a Project lives on a bluzone Target, and none is declared (declared Targets: a)',
    );
  });

  it('rejects a targetRef to a missing Target or to a Target of the other api', () => {
    expect(check(provider('p1', '  targetRef: nowhere\n')).text).toBe('f0.yaml:8:14 error CONFIG_DANGLING_REF spec.targetRef: no Target named "nowhere" (no Target is declared)');
    expect(check(target('bz', 'bluzone'), provider('p1', '  targetRef: bz\n')).text).toBe(
      'f1.yaml:8:14 error CONFIG_TARGET_API spec.targetRef: Target/bz speaks bluzone, but a ServiceProvider lives on a streamwise Target',
    );
  });

  it('gives the same result when re-checked, and in any input order', () => {
    const texts = [target('sw', 'streamwise'), provider('p1'), pkg('k', '[{ providerRef: p1, default: true }]')];
    const once = check(...texts);
    expect(targets(checkDeclarations(once.declared))).toEqual(targets(once));
    expect(check(...[...texts].reverse()).text).toBe('');
  });
});

describe('checkDeclarations: references and uniqueness', () => {
  it('accepts a consistent streamwise configuration', () => {
    expect(check(provider('p1'), provider('p2'), pkg('k', '[{ providerRef: p1, default: true }, { providerRef: p2 }]'), sub('s', 'k', '[{ providerRef: p2, default: true }]')).text).toBe('');
  });

  it('reports a subscription provider missing from its package, by name or by id', () => {
    const r = check(provider('p1'), provider('p2'), pkg('k', '[{ providerRef: p1, default: true }]'), sub('s', 'k', '[{ providerRef: p1, default: true }, { providerRef: p2 }, { providerId: Zz9 }]'));
    expect(r.text).toBe(
      [
        "f3.yaml:7:51 error CONFIG_PROVIDER_NOT_IN_PACKAGE spec.providers[1] (p2) is not a provider of ServicePackage/k; a subscription can only use its package's providers",
        "f3.yaml:7:72 error CONFIG_PROVIDER_NOT_IN_PACKAGE spec.providers[2] (id Zz9) is not a provider of ServicePackage/k; a subscription can only use its package's providers",
      ].join('\n'),
    );
  });

  it('does not check the providers of a subscription whose package is referenced by id', () => {
    expect(check(doc('Subscription', 's', '  subscriptionName: S\n  packageId: Pk1\n  providers: [{ providerId: a1, default: true }]\n')).text).toBe('');
  });

  it('rejects a reference to a provider on another target', () => {
    const r = check(target('a', 'streamwise'), target('b', 'streamwise'), provider('p1', '  targetRef: a\n'), pkg('k', '[{ providerRef: p1, default: true }]', '  targetRef: b\n'));
    expect(r.text).toBe('f3.yaml:6:30 error CONFIG_CROSS_TARGET_REF spec.providers[0].providerRef: ServiceProvider/p1 lives on target a, but ServicePackage/k lives on target b');
  });

  it('cites the first declaration of a duplicated name', () => {
    expect(check(provider('p1'), provider('p1')).text).toBe('f1.yaml:3:19 error CONFIG_DUPLICATE_NAME ServiceProvider/p1 is declared more than once (first declared at f0.yaml:3:19)');
  });

  it('allows one projectName on two targets but not twice on one', () => {
    expect(check(target('b1', 'bluzone'), target('b2', 'bluzone'), project('x', 'Same', '  targetRef: b1\n'), project('y', 'Same', '  targetRef: b2\n')).text).toBe('');
    expect(check(project('x', 'Same'), project('y', 'Same')).text).toBe(
      'f1.yaml:5:16 error CONFIG_DUPLICATE_PROJECT_NAME projectName "Same" is already used by Project/x on target embedded (first declared at f0.yaml:5:16)',
    );
  });

  it('does not report references to documents that were rejected with their own diagnostics', () => {
    const loaded = declarationsFromText(`${provider('p1', '  bogus: 1\n')}---\n${pkg('k', '[{ providerRef: p1, default: true }]')}`, 'a.yaml');
    expect(loaded.rejected).toEqual(['ServiceProvider/p1']);
    expect(checkDeclarations(loaded.declared, { rejected: loaded.rejected }).diagnostics).toEqual([]);
    expect(checkDeclarations(loaded.declared).diagnostics.map((d) => d.code)).toEqual(['CONFIG_DANGLING_REF']);
  });
});

describe('createDeclarationChecker', () => {
  const load = (...files: string[]): Declared[][] => files.map((t, i) => declarationsFromText(t, `f${i}.yaml`).declared);

  it('gives back the same objects for unchanged declarations and re-checks what a replaced one affects', () => {
    const checker = createDeclarationChecker();
    const files = load(provider('p1'), provider('p2'), pkg('k', '[{ providerRef: p1, default: true }, { providerRef: p2 }]'), sub('s', 'k', '[{ providerRef: p2, default: true }]'));
    const first = checker.check(files.flat());
    expect(first.diagnostics).toEqual([]);
    const renamed = load(provider('p3'))[0] ?? [];
    const second = checker.check([...(files[0] ?? []), ...renamed, ...(files[2] ?? []), ...(files[3] ?? [])]);
    expect(second.declared[0]).toBe(first.declared[0]);
    expect(second.declared[2]).toBe(first.declared[2]);
    expect(renderDiagnostics(second.diagnostics)).toBe(
      [
        'f2.yaml:6:66 error CONFIG_DANGLING_REF spec.providers[1].providerRef: no ServiceProvider named "p2" is declared',
        'f3.yaml:7:30 error CONFIG_DANGLING_REF spec.providers[0].providerRef: no ServiceProvider named "p2" is declared',
      ].join('\n'),
    );
    expect(checker.check(files.flat())).toEqual(first);
  });

  it('drops the duplicate report of a name once its first declaration is renamed', () => {
    const checker = createDeclarationChecker();
    const files = load(provider('p1'), provider('p1'));
    expect(checker.check(files.flat()).diagnostics.map((d) => d.code)).toEqual(['CONFIG_DUPLICATE_NAME']);
    expect(checker.check([...(load(provider('p0'))[0] ?? []), ...(files[1] ?? [])]).diagnostics).toEqual([]);
  });
});
