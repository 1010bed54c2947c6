/**
 * Reading request bodies under a size cap and writing JSON answers, for the sandbox server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Bodies above this size are refused with 413. @default 1 MiB */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Past this many bytes a body is no longer drained: the connection is dropped instead. */
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES;

/**
 * Reads the whole body. Beyond `limit` bytes it keeps draining (so the client can read the 413)
 * without buffering, and gives `'too-large'`; beyond 16 × `limit` it destroys the connection.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_DRAIN_BYTES) {
      req.socket.destroy();
      reject(new Error('body far above the size cap'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) req.socket.destroy();
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => { if (!req.complete) reject(new Error('request aborted')); });
  });
}

/** Writes a JSON answer (no body for 204). */
export function sendJson(res: ServerResponse, status: number, json: string | undefined, headers: Record<string, string> = {}): void {
  if (status === 204 || json === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

/** Compares two secrets in constant time (by their digests, so lengths do not leak either). */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
