import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { sensitive } from '../../../src/core/model.js';
import { plan } from '../../../src/core/plan.js';
import { renderPlan } from '../../../src/core/render.js';
import { bluzone, consumer, defaults, entry, input, ledger, livePackage, liveProject, liveProvider, pkg, project, provider, storage, streamwise } from './plan-fixtures.js';

/** One plan with every action: create, update (with a rotated secret), replace, delete, forget, blocked, touches. */
function mixedPlan() {
  const p1 = provider('p1', { userMetadata: { external_billing_id: 123 } });
  const p2 = provider('p2');
  const gone = provider('gone');
  const old = provider('old');
  const renamed = provider('p1', { providerName: 'BBB Europe 1', properties: { url: p1.spec.properties.url, secret: sensitive('rotated-secret') }, userMetadata: { external_billing_id: 124 } });
  const alpha = project('alpha');
  const main = defaults('main', { remoteStorage: storage({ storageRegion: 'us-east-1' }), remoteConsumer: consumer(), propagateToProjects: true });
  const sw = streamwise({
    providers: [liveProvider('k1', p1), liveProvider('k2', p2), liveProvider('k5', old)],
    packages: [livePackage('k3Jx9q', 'Manual', ['k2*'])],
  });
  const bz = bluzone({ reseller: { serviceProviderId: 'sp1', defaultRemoteStorage: storage(), defaultRemoteConsumer: consumer() }, projects: [liveProject('42', alpha)] });
  const l = ledger([entry(p1, 'k1'), entry(p2, 'k2'), entry(gone, 'k4'), entry(old, 'k5'), entry(alpha, '42')]);
  const desired = [renamed, provider('p2', { active: false }), provider('p3'), pkg('gold', ['p3*']), project('alpha', { debugEnabled: true, replacePolicy: 'Allow' }), main];
  return plan(input({ desired, sw, bz, ledger: l, options: { prune: true } }));
}

describe('renderPlan', () => {
  it('renders text like Terraform, grouped by target, with a summary line', () => {
    expect(renderPlan(mixedPlan(), 'text')).toMatchInlineSnapshot(`
      "target bz
        ± replace Project/alpha (id 42)
            debugEnabled: false -> true
            reason: projects cannot be updated: debugEnabled changed; the project gets a new projectId and projectApiKey
        ~ update ProjectDefaults/main (id sp1)
            remoteStorage.storageRegion: "eu-west-1" -> "us-east-1"
            touches projects: alpha

      target sw
        + create ServicePackage/gold
            packageName: "GOLD"
            providers: ["p3 (default)"]
        . forget ServiceProvider/gone
            reason: no longer declared and already gone from the platform
        - delete ServiceProvider/old (id k5)
            reason: no longer declared
        ~ update ServiceProvider/p1 (id k1)
            providerName: "P1" -> "BBB Europe 1"
            properties.secret: (sensitive)
            metadata.external_billing_id: 123 -> 124
        ! blocked ServiceProvider/p2 (id k2)
            active: true -> false
            properties.secret: (sensitive)
            reason: the platform would refuse to disable provider p2 (409 provider_is_default)
            hint: provider p2 is the default of package "Manual" (id k3Jx9q), which this configuration does not manage: make another provider its default there, or keep p2 active
        + create ServiceProvider/p3
            providerName: "P3"
            active: true
            providerType: "bbb"
            properties.url: "https://p3.example.com/"
            properties.secret: (sensitive)

      Plan: 2 to create, 2 to update, 1 to replace, 1 to delete, 1 to forget, 1 blocked."
    `);
  });

  it('says when the plan is for the embedded sandbox, and when nothing changes', () => {
    const p1 = provider('p1');
    const p = plan(input({ desired: [p1], sw: streamwise({ providers: [liveProvider('k1', p1)] }), ledger: ledger([entry(p1, 'k1')]) }));
    expect(renderPlan(p, 'text', { embedded: true })).toMatchInlineSnapshot(`
      "Note: no Target is declared, so this plan is for the embedded sandbox.

      No changes. The platform matches the configuration."
    `);
  });

  it('renders Markdown for a pull-request comment', () => {
    const p2 = provider('p2');
    const sw = streamwise({ providers: [liveProvider('k2', p2)], packages: [livePackage('k3Jx9q', 'Manual', ['k2*'])] });
    const p = plan(input({ desired: [provider('p2', { active: false }), provider('p3')], sw, ledger: ledger([entry(p2, 'k2')]) }));
    expect(renderPlan(p, 'markdown', { embedded: true })).toMatchInlineSnapshot(`
      "### syncwise plan

      > Note: no Target is declared, so this plan is for the embedded sandbox.

      **Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 1 blocked.**

      | create | update | replace | delete | forget | blocked | unchanged |
      | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
      | 1 | 0 | 0 | 0 | 0 | 1 | 0 |

      #### Blocked

      - **ServiceProvider/p2** on \`sw\`: the platform would refuse to disable provider p2 (409 provider\\_is\\_default). Fix: provider p2 is the default of package "Manual" (id k3Jx9q), which this configuration does not manage: make another provider its default there, or keep p2 active

      #### Target \`sw\`

      \`\`\`diff
      ! blocked ServiceProvider/p2 (id k2)
          active: true -> false
          properties.secret: (sensitive)
          reason: the platform would refuse to disable provider p2 (409 provider_is_default)
          hint: provider p2 is the default of package "Manual" (id k3Jx9q), which this configuration does not manage: make another provider its default there, or keep p2 active
      + create ServiceProvider/p3
          providerName: "P3"
          active: true
          providerType: "bbb"
          properties.url: "https://p3.example.com/"
          properties.secret: (sensitive)
      \`\`\`"
    `);
  });

  it('renders JSON that the plan-output schema accepts', () => {
    const text = renderPlan(mixedPlan(), 'json');
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/plan-output.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true }).compile(schema);
    const doc: unknown = JSON.parse(text);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect((doc as { summary: unknown }).summary).toMatchInlineSnapshot(`
      {
        "blocked": 1,
        "create": 2,
        "delete": 1,
        "forget": 1,
        "noop": 0,
        "replace": 1,
        "update": 2,
      }
    `);
    expect((doc as { actions: unknown[] }).actions.slice(0, 3)).toMatchInlineSnapshot(`
      [
        {
          "action": "replace",
          "changes": [
            {
              "after": true,
              "before": false,
              "path": "debugEnabled",
            },
          ],
          "externalId": "42",
          "kind": "Project",
          "name": "alpha",
          "reason": "projects cannot be updated: debugEnabled changed; the project gets a new projectId and projectApiKey",
          "target": "bz",
        },
        {
          "action": "update",
          "changes": [
            {
              "after": "us-east-1",
              "before": "eu-west-1",
              "path": "remoteStorage.storageRegion",
            },
          ],
          "externalId": "sp1",
          "kind": "ProjectDefaults",
          "name": "main",
          "target": "bz",
          "touches": [
            "alpha",
          ],
        },
        {
          "action": "create",
          "changes": [
            {
              "after": "GOLD",
              "path": "packageName",
            },
            {
              "after": [
                "p3 (default)",
              ],
              "path": "providers",
            },
          ],
          "kind": "ServicePackage",
          "name": "gold",
          "target": "sw",
        },
      ]
    `);
  });

  it('never renders a secret value in any format', () => {
    const p = mixedPlan();
    const secrets = ['rotated-secret', 'secret-of-p3', 'storage-secret', 'consumer-secret', 'pw-alpha'];
    for (const format of ['text', 'json', 'markdown'] as const) {
      const out = renderPlan(p, format);
      for (const s of secrets) expect(out).not.toContain(s);
    }
    expect(JSON.stringify(p)).not.toMatch(/rotated-secret|storage-secret|pw-alpha/);
  });

  it('escapes control characters and Markdown from names it did not write', () => {
    const p1 = provider('p1', { providerName: 'evil\u001b[2J</details>`|' });
    const p = plan(input({ desired: [p1] }));
    expect(renderPlan(p, 'text')).not.toContain('\u001b');
    const md = renderPlan(p, 'markdown');
    expect(md).toContain('```diff');
    expect(md).not.toContain('\u001b');
  });

  it('renders the same bytes for the same plan', () => {
    expect(renderPlan(mixedPlan(), 'markdown')).toBe(renderPlan(mixedPlan(), 'markdown'));
  });
});

