import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeclarations } from '../../../src/config/load-files.js';
import { renderDiagnostic, sortDiagnostics } from '../../../src/core/diagnostics.js';

const dir = 'test/fixtures/invalid';

/**
 * Every invalid fixture and the exact diagnostics it gives, as `line:col severity CODE message`
 * (the file prefix removed). A fixture may give several: all problems are reported in one pass.
 */
const expected: readonly (readonly [string, readonly string[]])[] = [
  ['alias-bomb.yaml', [
    '9:12 error CONFIG_ALIAS YAML aliases are not supported (they could expand without bound); repeat the value instead',
  ]],
  ['attachment-ref-and-id.yaml', [
    '8:7 error CONFIG_SCHEMA spec.providers[0] must set only one of providerRef or providerId, not several',
  ]],
  ['attachment-without-provider.yaml', [
    '8:7 error CONFIG_SCHEMA spec.providers[0] must set one of providerRef or providerId',
  ]],
  ['bad-name.yaml', [
    "4:9 error CONFIG_SCHEMA metadata.name must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
  ]],
  ['dangling-package-ref.yaml', [
    '7:15 error CONFIG_DANGLING_REF spec.packageRef: no ServicePackage named "europa" is declared',
  ]],
  ['dangling-provider-ref.yaml', [
    '22:20 error CONFIG_DANGLING_REF spec.providers[1].providerRef: no ServiceProvider named "bbb-9" is declared',
  ]],
  ['dangling-target-ref.yaml', [
    '15:14 error CONFIG_DANGLING_REF spec.targetRef: no Target named "platfrom" (declared Targets: platform)',
  ]],
  ['deep-block-sequence.yaml', [
    '1:127 error CONFIG_TOO_DEEP nesting deeper than 64 levels; the file is not parsed',
  ]],
  ['deep-flow.yaml', [
    '6:68 error CONFIG_TOO_DEEP nesting deeper than 64 levels; the file is not parsed',
  ]],
  ['deep-indentation.yaml', [
    '67:68 error CONFIG_TOO_DEEP nesting deeper than 64 levels; the file is not parsed',
  ]],
  ['duplicate-attachment.yaml', [
    '10:7 error CONFIG_DUPLICATE_ATTACHMENT spec.providers[1] attaches id k3Jx9q again (already spec.providers[0])',
  ]],
  ['duplicate-key.yaml', [
    '8:3 error CONFIG_DUPLICATE_KEY duplicate key "packageName": keys of a mapping must be unique',
  ]],
  ['duplicate-name.yaml', [
    '16:9 error CONFIG_DUPLICATE_NAME ServiceProvider/bbb-1 is declared more than once (first declared at duplicate-name.yaml:4:9)',
  ]],
  ['duplicate-project-name.yaml', [
    '15:16 error CONFIG_DUPLICATE_PROJECT_NAME projectName "Fleet" is already used by Project/fleet-a on target embedded (first declared at duplicate-project-name.yaml:6:16)',
  ]],
  ['inactive-default.yaml', [
    '20:7 error CONFIG_DEFAULT_INACTIVE the default provider ServiceProvider/bbb-1 has active: false; a disabled provider cannot be a default',
  ]],
  ['metadata-too-nested.yaml', [
    '11:9 error CONFIG_SCHEMA spec.userMetadata.billing.address must be string, number, boolean or null (found object)',
  ]],
  ['missing-field.yaml', [
    '5:1 error CONFIG_SCHEMA spec.providerType is required',
  ]],
  ['missing-nested-field.yaml', [
    '8:3 error CONFIG_SCHEMA spec.properties.secret is required',
  ]],
  ['missing-spec.yaml', [
    '1:1 error CONFIG_SCHEMA spec is required',
  ]],
  ['multiple-bad-documents.yaml', [
    '14:16 error CONFIG_SCHEMA spec.packageName must be string (found integer)',
    '24:3 error CONFIG_SCHEMA spec.color is not a known field (expected one of: packageName, providers, userMetadata, targetRef, deletionPolicy)',
  ]],
  ['no-default-provider.yaml', [
    '20:7 error CONFIG_DEFAULT_COUNT spec.providers has no default provider: set default: true on exactly one',
  ]],
  ['no-providers.yaml', [
    '7:14 error CONFIG_SCHEMA spec.providers must have at least 1 item',
  ]],
  ['proto-key.yaml', [
    '8:3 error CONFIG_SCHEMA spec.__proto__ is not a known field (expected one of: packageName, providers, userMetadata, targetRef, deletionPolicy)',
  ]],
  ['provider-not-in-package.yaml', [
    "45:7 error CONFIG_PROVIDER_NOT_IN_PACKAGE spec.providers[1] (bbb-2) is not a provider of ServicePackage/europe; a subscription can only use its package's providers",
  ]],
  ['rejected-document-not-cascaded.yaml', [
    '11:5 error CONFIG_SCHEMA spec.properties.secrt is not a known field (did you mean secret?)',
  ]],
  ['remote-consumer-invalid.yaml', [
    '9:3 error CONFIG_SCHEMA spec.remoteConsumer.streamName is required',
    '13:17 error CONFIG_SCHEMA spec.remoteConsumer.streamType must be one of: PACKET_DATA, LOCATION_DATA, POLICY_EVENT_DATA',
  ]],
  ['reserved-metadata-key.yaml', [
    '10:5 error CONFIG_RESERVED_KEY spec.userMetadata["syncwise.io/owner"]: keys starting with syncwise.io/ are reserved for syncwise',
  ]],
  ['scalar-document.yaml', [
    '2:1 error CONFIG_NOT_OBJECT a declaration must be a mapping with apiVersion, kind, metadata and spec (found a string)',
  ]],
  ['secret-file-escape.yaml', [
    '12:15 error CONFIG_PATH_ESCAPE spec.properties.secret.valueFrom.file points outside the configuration root (allow it with --allow-outside-root)',
  ]],
  ['secret-two-sources.yaml', [
    '9:5 error CONFIG_SCHEMA spec.defaultOwnerPassword.valueFrom must set only one of env, file or secretKeyRef, not several',
  ]],
  ['secret-wrong-type.yaml', [
    '10:13 error CONFIG_SCHEMA spec.properties.secret must be string or object (found integer)',
  ]],
  ['sequence-document.yaml', [
    '1:1 error CONFIG_NOT_OBJECT a declaration must be a mapping with apiVersion, kind, metadata and spec (found a sequence)',
  ]],
  ['settings-not-empty.yaml', [
    '12:5 error CONFIG_SCHEMA spec.settings.maxParticipants is not allowed: spec.settings must be empty',
  ]],
  ['spec-not-a-mapping.yaml', [
    '5:7 error CONFIG_SCHEMA spec must be object (found string)',
  ]],
  ['subscription-without-package.yaml', [
    '5:1 error CONFIG_SCHEMA spec must set one of packageRef or packageId',
  ]],
  ['tab-indentation.yaml', [
    '4:1 error CONFIG_YAML YAML syntax: Tabs are not allowed as indentation',
  ]],
  ['target-ambiguous.yaml', [
    '23:1 error CONFIG_TARGET_REQUIRED spec.targetRef is required: several streamwise Targets are declared (platform-a, platform-b)',
  ]],
  ['target-missing-credentials.yaml', [
    '5:1 error CONFIG_SCHEMA spec.apiKey is required',
    '5:1 error CONFIG_SCHEMA spec.serviceProviderId is required',
    '8:10 error CONFIG_SCHEMA spec.token is not used with api bluzone',
  ]],
  ['target-none-of-api.yaml', [
    '14:1 error CONFIG_TARGET_REQUIRED spec.targetRef is required: a Project lives on a bluzone Target, and none is declared (declared Targets: platform)',
  ]],
  ['target-reserved-name.yaml', [
    '4:9 error CONFIG_RESERVED_NAME metadata.name "embedded" is reserved for the embedded sandbox; choose another Target name',
  ]],
  ['target-wrong-api.yaml', [
    '16:14 error CONFIG_TARGET_API spec.targetRef: Target/reseller speaks bluzone, but a ServiceProvider lives on a streamwise Target',
  ]],
  ['two-default-providers.yaml', [
    '34:7 error CONFIG_DEFAULT_COUNT spec.providers[1] is a second default provider (spec.providers[0] is already the default)',
  ]],
  ['two-project-defaults.yaml', [
    '11:9 error CONFIG_DUPLICATE_DEFAULTS target embedded already has ProjectDefaults defaults (first declared at two-project-defaults.yaml:4:9); declare one per target',
  ]],
  ['unknown-api-version.yaml', [
    '1:13 error CONFIG_API_VERSION apiVersion "syncwise.io/v1" is not supported (expected syncwise.io/v1alpha1)',
  ]],
  ['unknown-field.yaml', [
    '5:1 error CONFIG_SCHEMA spec.providerName is required',
    '6:3 error CONFIG_SCHEMA spec.providrName is not a known field (did you mean providerName?)',
  ]],
  ['unknown-kind.yaml', [
    '2:7 error CONFIG_UNKNOWN_KIND kind "ServiceProviders" is not a syncwise kind (did you mean ServiceProvider?)',
  ]],
  ['unknown-nested-field.yaml', [
    '11:5 error CONFIG_SCHEMA spec.properties.token is not a known field (expected one of: url, secret)',
  ]],
  ['unknown-tag.yaml', [
    '10:13 error CONFIG_TAG unsupported YAML tag !vault: write the value without a tag',
  ]],
  ['use-default-false.yaml', [
    '10:17 error CONFIG_SCHEMA spec.remoteStorage.useDefault must be true',
  ]],
  ['wrong-email.yaml', [
    '7:22 error CONFIG_SCHEMA spec.defaultOwnerEmail must be a valid email',
  ]],
  ['wrong-enum.yaml', [
    '7:17 error CONFIG_SCHEMA spec.providerType must be one of: bbb, scalelite',
  ]],
  ['wrong-type-boolean.yaml', [
    '7:11 error CONFIG_SCHEMA spec.active must be boolean (found string)',
  ]],
  ['wrong-url.yaml', [
    '9:10 error CONFIG_SCHEMA spec.properties.url must be an http:// or https:// URL',
  ]],
  ['yaml-syntax.yaml', [
    '8:1 error CONFIG_YAML YAML syntax: Missing closing "quote',
  ]],
  ['yaml11-boolean.yaml', [
    '9:16 error CONFIG_SCHEMA spec.providers[0].default must be boolean (found string; YAML 1.2 reads yes as a string, write true or false)',
  ]],
];

async function rendered(fixture: string): Promise<string[]> {
  const result = await loadDeclarations([join(dir, fixture)]);
  return sortDiagnostics(result.diagnostics).map((d) => renderDiagnostic(d).replaceAll(`${dir}/`, '').replace(`${fixture}:`, ''));
}

describe('invalid fixtures', () => {
  it.each(expected)('%s is reported at the exact line and column', async (fixture, lines) => {
    expect(await rendered(fixture)).toEqual(lines);
  });

  it('covers every fixture of the folder, at least 30', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
    expect(expected.map(([f]) => f).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it('never echoes a secret value of a fixture in a diagnostic', async () => {
    for (const [fixture] of expected) {
      for (const line of await rendered(fixture)) expect(line).not.toMatch(/s3cr3t|123456/);
    }
  });
});
