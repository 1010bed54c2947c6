/**
 * The YAML of the two Targets of a sandbox (`sw` streamwise, `bz` bluzone), with their credentials
 * read from the `SW_TOKEN` and `BZ_KEY` environment variables, for configurations written by tests.
 */
import type { SandboxHandle } from '../../src/sandbox/server.js';

/** Two Target documents joined by `---`, without a trailing separator. */
export function targetsYaml(sb: Pick<SandboxHandle, 'url' | 'serviceProviderId'>): string {
  return `apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: sw }
spec: { api: streamwise, url: "${sb.url}", token: { valueFrom: { env: SW_TOKEN } } }
---
apiVersion: syncwise.io/v1alpha1
kind: Target
metadata: { name: bz }
spec: { api: bluzone, url: "${sb.url}", serviceProviderId: "${sb.serviceProviderId}", apiKey: { valueFrom: { env: BZ_KEY } } }`;
}
