/**
 * The sandbox's own admin surface, outside both platform APIs: `GET /_sandbox/requests` answers the
 * request counts (by `METHOD /route/{template}` and `status:NNN`) and `DELETE /_sandbox/requests`
 * resets them. A benchmark or a test in another process reads them to check what a run cost.
 * Both need the streamwise bearer token; admin requests are not counted and never faulted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { secretEquals, sendJson } from './http-io.js';

/** The path of the request counts. */
export const ADMIN_REQUESTS_PATH = '/_sandbox/requests';

/** What the admin surface reads and resets. */
export interface AdminOptions {
  readonly token: string;
  requestCounts(): Record<string, number>;
  resetCounts(): void;
}

function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1] !== undefined && secretEquals(m[1], token);
}

/** Answers an admin request and returns true, or returns false for any other path. */
export function handleAdmin(o: AdminOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (path !== ADMIN_REQUESTS_PATH) return false;
  req.resume();
  if (!authorized(req, o.token)) {
    sendJson(res, 401, '{"error":{"code":"unauthorized","message":"a valid bearer token is required","details":{}}}');
  } else if (req.method === 'GET') {
    sendJson(res, 200, JSON.stringify({ data: o.requestCounts() }));
  } else if (req.method === 'DELETE') {
    o.resetCounts();
    sendJson(res, 204, undefined);
  } else {
    sendJson(res, 405, '{"error":{"code":"method_not_allowed","message":"use GET or DELETE","details":{}}}', { allow: 'GET, DELETE' });
  }
  return true;
}
