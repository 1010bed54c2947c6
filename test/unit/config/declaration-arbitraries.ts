/**
 * Random configurations for the cross-file checks: few names, so duplicates, dangling and
 * cross-target references, second defaults and clashing projectNames are common. Each document is
 * parsed as its own file, so every declaration has a real origin with field positions.
 */
import { fc } from '@fast-check/vitest';
import { declarationsFromText } from '../../../src/config/from-text.js';
import type { Declared } from '../../../src/core/model.js';

const head = (kind: string, name: string): string => `apiVersion: syncwise.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n`;

const arbProviderName = fc.constantFrom('p1', 'p2', 'p3', 'p4');
const arbPackageName = fc.constantFrom('k1', 'k2');
const arbTargetName = fc.constantFrom('sw', 'sw2', 'bz', 'gone');
const arbTargetRef = fc.option(arbTargetName, { freq: 3 }).map((t) => (t === null ? '' : `  targetRef: ${t}\n`));

const arbTarget = fc.record({ name: arbTargetName, api: fc.constantFrom('streamwise', 'bluzone') }).map(({ name, api }) =>
  `${head('Target', name)}  api: ${api}\n  url: https://${name}.example.com\n${api === 'streamwise' ? '  token: t\n' : '  serviceProviderId: sp\n  apiKey: k\n'}`,
);

const arbProvider = fc.record({ name: arbProviderName, active: fc.boolean(), targetRef: arbTargetRef }).map(
  ({ name, active, targetRef }) => `${head('ServiceProvider', name)}  providerName: ${name}\n  active: ${active}\n  providerType: bbb\n  properties: { url: https://${name}.example.com/, secret: s }\n${targetRef}`,
);

const arbAttachments = fc.array(fc.record({ ref: fc.oneof(arbProviderName, fc.constant('id:x1')), isDefault: fc.boolean() }), { minLength: 1, maxLength: 3 }).map(
  (list) => `  providers:\n${list.map((a) => `    - ${a.ref.startsWith('id:') ? `providerId: ${a.ref.slice(3)}` : `providerRef: ${a.ref}`}\n      default: ${a.isDefault}\n`).join('')}`,
);

const arbPackage = fc.record({ name: arbPackageName, providers: arbAttachments, targetRef: arbTargetRef }).map(
  ({ name, providers, targetRef }) => `${head('ServicePackage', name)}  packageName: ${name}\n${providers}${targetRef}`,
);

const arbSubscription = fc.record({ name: fc.constantFrom('s1', 's2'), pkg: fc.oneof(arbPackageName, fc.constant('id:k9')), providers: arbAttachments, targetRef: arbTargetRef }).map(
  ({ name, pkg, providers, targetRef }) => `${head('Subscription', name)}  subscriptionName: ${name}\n  ${pkg.startsWith('id:') ? `packageId: ${pkg.slice(3)}` : `packageRef: ${pkg}`}\n${providers}${targetRef}`,
);

const arbProject = fc.record({ name: fc.constantFrom('j1', 'j2', 'j3'), projectName: fc.constantFrom('Alpha', 'Beta'), targetRef: arbTargetRef }).map(
  ({ name, projectName, targetRef }) => `${head('Project', name)}  projectName: ${projectName}\n  defaultOwnerEmail: o@example.com\n  defaultOwnerPassword: pw\n${targetRef}`,
);

const arbDefaults = fc.record({ name: fc.constantFrom('d1', 'd2'), targetRef: arbTargetRef }).map(({ name, targetRef }) => `${head('ProjectDefaults', name)}  propagateToProjects: true\n${targetRef}`);

/** The text of one declaration document of any kind. */
export const arbDeclarationText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: arbTarget },
  { weight: 4, arbitrary: arbProvider },
  { weight: 3, arbitrary: arbPackage },
  { weight: 3, arbitrary: arbSubscription },
  { weight: 2, arbitrary: arbProject },
  { weight: 1, arbitrary: arbDefaults },
);

/** Parses `text` as the file `file`; its declarations (none when the document was rejected). */
export function declaredOf(text: string, file: string): Declared[] {
  return declarationsFromText(text, file).declared;
}

/** Keys that may be passed as rejected documents. */
export const arbRejected: fc.Arbitrary<string[]> = fc.uniqueArray(fc.constantFrom('ServiceProvider/p1', 'ServicePackage/k2', 'Target/gone', 'Target/sw2'), { maxLength: 2 });
