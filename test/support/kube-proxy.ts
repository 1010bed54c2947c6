/**
 * An HTTP proxy in front of the fake apiserver, for clients that must lose the API server (a
 * network partition: every request then fails at the socket) or race another writer (a hook runs
 * before a request is forwarded). It records each forwarded request with the status it got.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeApiServer } from './kube-api-server.js';

/** A request the proxy forwarded, and the status the apiserver answered. */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

export type ForwardHook = (req: { readonly method: string; readonly url: string }) => Promise<void> | void;

export interface KubeProxy {
  readonly url: string;
  /** A KubeConfig whose cluster is this proxy. */
  kubeconfig(namespace?: string): KubeConfig;
  /** While cut, every connection is destroyed as soon as a request arrives. */
  cut(isCut: boolean): void;
  /** Runs `hook` before each request is forwarded (undefined removes it). */
  beforeForward(hook: ForwardHook | undefined): void;
  forwarded(): readonly ProxiedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function forward(target: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders(); // a watch answers its headers before its first event
        answer.pipe(res);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** Starts a proxy on 127.0.0.1 forwarding to the fake apiserver `upstream`. */
export async function startKubeProxy(upstream: KubeApiServer): Promise<KubeProxy> {
  const target = new URL(upstream.url);
  let isCut = false;
  let hook: ForwardHook | undefined;
  const log: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    if (isCut) {
      req.socket.destroy();
      return;
    }
    void (async () => {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      await hook?.({ method, url });
      const status = await forward(target, req, body, res);
      log.push({ method, url, status });
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    kubeconfig(namespace = 'default') {
      const kc = upstream.kubeconfig(namespace);
      kc.loadFromOptions({ clusters: kc.clusters.map((c) => ({ ...c, server: url })), users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext });
      return kc;
    },
    cut: (value) => { isCut = value; },
    beforeForward: (value) => { hook = value; },
    forwarded: () => [...log],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
