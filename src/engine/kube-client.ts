/**
 * Kubernetes API clients that keep their connections. `KubeConfig.makeApiClient` of
 * @kubernetes/client-node 1.x gives every request a new agent, so every request opens a new
 * connection (and against a real apiserver a new TLS handshake): about 30,000 for an operator's
 * first pass over 10,000 custom resources. These clients authenticate each request the same way
 * and then send it through one keep-alive agent per KubeConfig, made with the TLS options of the
 * agent the KubeConfig made for the first request.
 */
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createConfiguration, ServerConfiguration, type KubeConfig, type RequestContext, type SecurityAuthentication } from '@kubernetes/client-node';

/** Keeps idle connections this long before closing them (the apiserver closes idle ones later). */
const IDLE_MS = 30_000;

/** The keep-alive twin of an agent a KubeConfig made, or undefined for one it cannot copy (a proxy agent). */
function keepAliveTwin(made: HttpAgent | HttpsAgent): HttpAgent | HttpsAgent | undefined {
  // Node keeps an agent's construction options (TLS material included) in `options`
  const options = (made as { options?: AgentOptions }).options ?? {};
  const shared = { ...options, keepAlive: true, timeout: IDLE_MS };
  if (made.constructor === HttpsAgent) return new HttpsAgent(shared);
  if (made.constructor === HttpAgent) return new HttpAgent(shared);
  return undefined;
}

/** Authenticates like `kc` (headers, client certificates), then sends the request through one shared keep-alive agent. */
function sharedAgentAuth(kc: KubeConfig): SecurityAuthentication {
  let shared: HttpAgent | HttpsAgent | undefined;
  let copyable = true;
  return {
    getName: () => 'default',
    async applySecurityAuthentication(context: RequestContext): Promise<void> {
      await kc.applySecurityAuthentication(context);
      const made = context.getAgent();
      if (made === undefined || !copyable) return;
      shared ??= keepAliveTwin(made);
      if (shared === undefined) copyable = false;
      else context.setAgent(shared);
    },
  };
}

const auths = new WeakMap<KubeConfig, SecurityAuthentication>();

/** `kc.makeApiClient(api)`, with connections kept alive and shared by every client of the same `kc`. */
export function apiClient<T>(kc: KubeConfig, api: new (config: ReturnType<typeof createConfiguration>) => T): T {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  let auth = auths.get(kc);
  if (auth === undefined) auths.set(kc, (auth = sharedAgentAuth(kc)));
  return new api(createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: auth } }));
}
