/**
 * The sandbox's routing vocabulary: routes with `{param}` path templates, the replies handlers
 * return, and `ApiError`, which each API renders in its own error shape.
 */

/** A refused request: status, a stable code, a message, and details for the client. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a handler sees of a request: path parameters, the query and the parsed JSON body. */
export interface RequestContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed body; `undefined` when the request had none. */
  readonly body: unknown;
}

/** A successful answer. `json` is a pre-serialized body, used by lists to skip a parse/stringify round. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly json?: string;
}

/** One endpoint. Handlers are synchronous: every store call is, so a request is atomic. */
export interface Route {
  readonly method: string;
  readonly template: string;
  handle(ctx: RequestContext): Reply;
}

/** The route a request matched, with its path parameters. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

/** Matches requests against a fixed table of routes; the first matching template wins. */
export interface Router {
  match(method: string, path: string): RouteMatch | undefined;
}

/** Compiles a route table. Parameters match one non-empty path segment. */
export function createRouter(routes: readonly Route[]): Router {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: route.template.split('/') }));
  return {
    match(method, path) {
      const parts = path.split('/');
      for (const c of compiled) {
        if (c.route.method !== method || c.segments.length !== parts.length) continue;
        const params = matchSegments(c.segments, parts);
        if (params) return { route: c.route, params };
      }
      return undefined;
    },
  };
}

function matchSegments(template: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] ?? '';
    const p = parts[i] ?? '';
    if (t.startsWith('{') && t.endsWith('}')) {
      if (p === '') return undefined;
      const value = decodeSegment(p);
      if (value === undefined) return undefined;
      params[t.slice(1, -1)] = value;
    } else if (t !== p) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // malformed percent-encoding: no such path
  }
}
