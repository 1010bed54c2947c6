/**
 * Test helpers over the real sandbox: start one (in memory unless told otherwise) and call its
 * two APIs with the right credentials through real HTTP.
 */
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/server.js';

/** `{id, name}` of an object named in error details. */
export interface RefWire { readonly id: string; readonly name: string }
/** A provider reference in a package or subscription. */
export interface LinkWire { readonly provider_id: string; readonly default: boolean }
/** streamwise objects as returned. */
export interface ProviderWire {
  readonly id: string; readonly uuid: string; readonly ulid: string; readonly provider_name: string; readonly active: boolean;
  readonly provider_type: string; readonly service_type: string; readonly properties: Readonly<Record<string, unknown>>;
  readonly settings: Readonly<Record<string, unknown>>; readonly metadata: Readonly<Record<string, unknown>>;
  readonly created_at: string; readonly updated_at: string;
}
export interface PackageWire {
  readonly id: string; readonly uuid: string; readonly ulid: string; readonly package_name: string; readonly providers: readonly LinkWire[];
  readonly metadata: Readonly<Record<string, unknown>>; readonly created_at: string; readonly updated_at: string;
}
export interface SubscriptionWire {
  readonly id: string; readonly uuid: string; readonly ulid: string; readonly subscription_name: string; readonly package_id: string;
  readonly providers: readonly LinkWire[]; readonly metadata: Readonly<Record<string, unknown>>; readonly created_at: string; readonly updated_at: string;
}
/** `{data}` of a single object. */
export interface One<T> { readonly data: T }
/** One page of a list. */
export interface Page<T> { readonly data: readonly T[]; readonly meta: { readonly page: number; readonly per_page: number; readonly total: number; readonly last_page: number } }
/** The streamwise error body. */
export interface SwError {
  readonly error: {
    readonly code: string; readonly message: string;
    readonly details: { readonly fields?: Readonly<Record<string, string>>; readonly packages?: readonly RefWire[]; readonly subscriptions?: readonly RefWire[]; readonly provider_ids?: readonly string[] };
  };
}
/** The bluzone error body. */
export interface BzError { readonly status: number; readonly error: string; readonly message: string }

/** A parsed answer: status, headers and the JSON body (undefined for an empty one). */
export interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A started sandbox with authenticated callers for each API. */
export interface TestSandbox extends SandboxHandle {
  /** Calls streamwise with the bearer token. */
  sw<T>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  /** Calls bluzone with reseller 1's bzspid key. */
  bz<T>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
}

/** Sends one request and parses the JSON answer. `body` is sent as JSON unless it is a string. */
export async function call<T>(url: string, init: { method: string; headers?: Record<string, string>; body?: unknown }): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...init.headers };
  let payload: string | undefined;
  if (init.body !== undefined) {
    payload = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(url, { method: init.method, headers, ...(payload === undefined ? {} : { body: payload }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** Starts a sandbox (`:memory:` by default) and wraps it with `sw` and `bz` callers. */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const handle = await startSandbox({ data: ':memory:', ...options });
  return {
    ...handle,
    sw: (method, path, body) => call(`${handle.url}${path}`, { method, headers: { authorization: `Bearer ${handle.token}` }, body }),
    bz: (method, path, body) => call(`${handle.url}/portal/service/${handle.serviceProviderId}${path}`, { method, headers: { bzspid: handle.apiKey }, body }),
  };
}

/** A valid provider create body; `overrides` replace top-level fields. */
export function providerBody(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provider_name: name, provider_type: 'bbb',
    properties: { url: `https://${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com/bigbluebutton/`, secret: `secret-of-${name}` },
    ...overrides,
  };
}
