/**
 * Human messages for ajv errors: name the field, say what was expected, and never echo the value
 * (a misplaced secret must not reach a terminal or a CI log). Pure.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { formatPath } from '../core/diagnostics.js';
import type { Problem } from './problem.js';

/** What `describeError` needs besides the error. */
export interface ErrorContext {
  /** the whole document, to name the type of a wrong value */
  readonly data: unknown;
  /** property names of an exclusive choice (`oneOf` of `required` branches), if the error is one */
  readonly choice: readonly string[] | undefined;
}

const SCHEMA = 'CONFIG_SCHEMA';

const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
  '^https?://': 'must be an http:// or https:// URL',
  '^[A-Za-z_][A-Za-z0-9_]*$': "must be an environment variable name: letters, digits and '_', not starting with a digit",
  '^[A-Za-z0-9_-]+$': "must contain only letters, digits, '_' and '-'",
  '^[A-Za-z0-9_.-]+$': "must contain only letters, digits, '_', '.' and '-'",
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Object.getOwnPropertyDescriptor(node, seg)?.value as unknown;
  }
  return node;
}

function orList(items: readonly unknown[]): string {
  const words = items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i)));
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Levenshtein distance, bounded to short words (field names). */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.abs(a.length - b.length) + 64;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function unknownField(e: ErrorObject, path: readonly (string | number)[]): Problem {
  const name = String((e.params as { additionalProperty?: unknown }).additionalProperty);
  const full = [...path, name];
  const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  if (known.length === 0) return { path: full, at: 'key', code: SCHEMA, message: `${formatPath(full)} is not allowed: ${formatPath(path)} must be empty` };
  const hint = closest(name, known);
  const expected = hint !== undefined ? `did you mean ${hint}?` : `expected one of: ${known.join(', ')}`;
  return { path: full, at: 'key', code: SCHEMA, message: `${formatPath(full)} is not a known field (${expected})` };
}

function choiceProblem(e: ErrorObject, path: readonly (string | number)[], names: readonly string[]): Problem {
  const both = (e.params as { passingSchemas?: unknown }).passingSchemas != null;
  const message = both ? `must set only one of ${orList(names)}, not several` : `must set one of ${orList(names)}`;
  return { path, at: 'key', code: SCHEMA, message: `${formatPath(path) || '(document)'} ${message}` };
}

function expectation(e: ErrorObject, ctx: ErrorContext, path: readonly (string | number)[]): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const found = valueAt(ctx.data, path);
      const yaml11 = typeof found === 'string' && /^(yes|no|on|off|y|n)$/i.test(found) ? `; YAML 1.2 reads ${found} as a string, write true or false` : '';
      return `must be ${orList(String(p.type).split(','))} (found ${typeName(found)}${yaml11})`;
    }
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'format':
      return `must be a valid ${p.format === 'uri' ? 'URL' : String(p.format)}`;
    case 'pattern':
      return PATTERN_MESSAGES[String(p.pattern)] ?? `must match the pattern ${String(p.pattern)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'minItems':
      return `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'false schema': {
      const api = valueAt(ctx.data, ['spec', 'api']);
      return typeof api === 'string' ? `is not used with api ${api}` : 'is not allowed here';
    }
    default:
      return e.message ?? 'is invalid';
  }
}

/** Describes one ajv error found at `path` (segments; array indices as numbers). */
export function describeError(e: ErrorObject, path: readonly (string | number)[], ctx: ErrorContext): Problem {
  if (e.keyword === 'additionalProperties') return unknownField(e, path);
  if (ctx.choice !== undefined) return choiceProblem(e, path, ctx.choice);
  if (e.keyword === 'required') {
    const full = [...path, String((e.params as { missingProperty?: unknown }).missingProperty)];
    return { path: full, at: 'key', code: SCHEMA, message: `${formatPath(full)} is required` };
  }
  return { path, at: 'value', code: SCHEMA, message: `${formatPath(path) || '(document)'} ${expectation(e, ctx, path)}` };
}
