/**
 * The patch formats kube-apiserver accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902)
 * and a simplified server-side apply. Pure functions over JSON values; the input is never mutated.
 */
import { parse as parseYaml } from 'yaml';
import { badRequest, unprocessable, unsupportedMediaType } from './status.js';

/** A JSON object as stored by the fake server. */
export type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: objects merge key by key, `null` deletes, anything else (arrays included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchOp {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch path "${path}" must start with /`);
  return path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: unknown, tokens: readonly string[], path: string): { parent: JsonObject | unknown[]; key: string } {
  let node: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(t)] : isObject(node) ? node[t] : undefined;
    if (node === undefined) throw unprocessable(`doc is missing path: ${path}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw unprocessable(`doc is missing path: ${path}`);
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const t of pointer(path)) node = Array.isArray(node) ? node[Number(t)] : isObject(node) ? node[t] : undefined;
  if (node === undefined) throw unprocessable(`doc is missing path: ${path}`);
  return node;
}

function removeAt(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, pointer(path), path);
  const old = getAt(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return old;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens, path);
  if (!Array.isArray(parent)) parent[key] = structuredClone(value);
  else if (key === '-') parent.push(structuredClone(value));
  else parent.splice(Number(key), 0, structuredClone(value));
  return doc;
}

function applyOp(doc: unknown, op: JsonPatchOp): unknown {
  switch (op.op) {
    case 'add': return addAt(doc, op.path, op.value);
    case 'remove': removeAt(doc, op.path); return doc;
    case 'replace': getAt(doc, op.path); removeAt(doc, op.path); return addAt(doc, op.path, op.value);
    case 'move': return addAt(doc, op.path, removeAt(doc, op.from ?? ''));
    case 'copy': return addAt(doc, op.path, getAt(doc, op.from ?? ''));
    case 'test':
      if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw unprocessable(`testing value ${op.path} failed`);
      return doc;
    default: throw badRequest(`unexpected json patch operation "${op.op}"`);
  }
}

/** RFC 6902: applies the operations in order; a failed `test` or a missing path answers 422. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch body must be an array of operations');
  let doc = structuredClone(target);
  for (const op of ops as JsonPatchOp[]) doc = applyOp(doc, op);
  return doc;
}

/** The patch kinds the server distinguishes by Content-Type. */
export type PatchKind = 'merge' | 'json' | 'apply' | 'strategic';

/** Maps a request Content-Type to a patch kind; strategic merge is refused for custom resources as in Kubernetes. */
export function patchKind(contentType: string | undefined, isCustom: boolean): PatchKind {
  const ct = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/json-patch+json') return 'json';
  if (ct === 'application/apply-patch+yaml') return 'apply';
  if (ct === 'application/strategic-merge-patch+json' && !isCustom) return 'strategic';
  throw unsupportedMediaType(ct);
}

/** Parses a patch body: JSON for every kind, YAML (a superset) for apply. */
export function parsePatchBody(kind: PatchKind, body: string): unknown {
  try {
    return kind === 'apply' ? parseYaml(body) : JSON.parse(body);
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Applies a parsed patch. Strategic merge and apply are approximated by a merge patch: lists are
 * replaced whole and field ownership is not tracked (enough for the objects syncwise writes).
 */
export function applyPatch(kind: PatchKind, target: unknown, patch: unknown): unknown {
  return kind === 'json' ? jsonPatch(target, patch) : mergePatch(target, patch);
}
