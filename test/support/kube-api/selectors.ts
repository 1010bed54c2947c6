/**
 * Label and field selectors as list and watch accept them: `a=b`, `a==b`, `a!=b`, `a`, `!a`,
 * `a in (x,y)`, `a notin (x,y)` for labels; `metadata.name`, `metadata.namespace` and (Secrets,
 * Events) `type` for fields.
 */
import { badRequest } from './status.js';

/** Whether an object's labels (or fields) satisfy a selector. */
export type Matcher = (labels: Readonly<Record<string, string>>) => boolean;

const REQUIREMENT = /^\s*(!?)([A-Za-z0-9._/-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*)|\s+(in|notin)\s+\(([^)]*)\))?\s*$/;

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  return [...parts, current].filter((p) => p.trim() !== '');
}

function requirement(text: string): Matcher {
  const m = REQUIREMENT.exec(text);
  if (m === null) throw badRequest(`unable to parse requirement: ${text.trim()}`);
  const [, not, key = '', op, value = '', setOp, set = ''] = m;
  if (not === '!') return (l) => !(key in l);
  if (op === '=' || op === '==') return (l) => l[key] === value;
  if (op === '!=') return (l) => l[key] !== value;
  const values = set.split(',').map((v) => v.trim());
  if (setOp === 'in') return (l) => l[key] !== undefined && values.includes(l[key]);
  if (setOp === 'notin') return (l) => l[key] === undefined || !values.includes(l[key]);
  return (l) => key in l;
}

/** Parses a label selector; an empty or absent selector matches everything. */
export function labelSelector(selector: string | null): Matcher {
  const reqs = splitTopLevel(selector ?? '').map(requirement);
  return (labels) => reqs.every((r) => r(labels));
}

const FIELDS = new Set(['metadata.name', 'metadata.namespace', 'type']);

/** Parses a field selector over `metadata.name` / `metadata.namespace` / `type`; other fields answer 400 as in Kubernetes. */
export function fieldSelector(selector: string | null): Matcher {
  const reqs = splitTopLevel(selector ?? '').map((text) => {
    const m = /^\s*([a-zA-Z.]+)\s*(==|=|!=)\s*(\S*)\s*$/.exec(text);
    if (m === null || !FIELDS.has(m[1] ?? '')) throw badRequest(`"${text.trim()}" is not a known field selector: only "metadata.name", "metadata.namespace", "type"`);
    const [, field = '', op, value] = m;
    return (f: Readonly<Record<string, string>>) => (op === '!=' ? f[field] !== value : f[field] === value);
  });
  return (fields) => reqs.every((r) => r(fields));
}
