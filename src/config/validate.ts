/**
 * JSON Schema validation of one declaration against its kind's schema (schemas/). The validators
 * are compiled ahead of time into generated/validators.ts (`npm run gen:types`), so no command
 * pays for compiling the schemas when it starts. ajv errors become `Problem`s: a field path,
 * whether the key or the value is cited, and a message that says what was expected without
 * echoing the value (it may be a secret). Pure.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Kind } from '../core/model.js';
import * as compiled from './generated/validators.js';
import type { Problem } from './problem.js';
import { describeError } from './schema-messages.js';

/** The schema file (and `$id`) of each kind. */
export const SCHEMA_FILES: Readonly<Record<Kind, string>> = {
  Target: 'target.json',
  ServiceProvider: 'service-provider.json',
  ServicePackage: 'service-package.json',
  Subscription: 'subscription.json',
  ProjectDefaults: 'project-defaults.json',
  Project: 'project.json',
};

/** Most problems reported for one document; beyond it, one summary problem. */
export const MAX_PROBLEMS_PER_DOCUMENT = 50;

/** The compiled validator of each kind, exported under the kind its schema fixes (`kind.const`). */
const validators = compiled as unknown as Readonly<Record<Kind, ValidateFunction>>;

function validatorFor(kind: Kind): ValidateFunction {
  const validate = validators[kind];
  if (validate === undefined) throw new Error(`no schema for kind ${kind}`);
  return validate;
}

/** Converts an ajv instance path to segments, using the data to tell array indices from keys. */
export function toFieldPath(instancePath: string, data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = typeof node === 'object' && node !== null ? (Object.getOwnPropertyDescriptor(node, seg)?.value as unknown) : undefined;
    }
  }
  return out;
}

/** Names of the properties a `oneOf` of `required`-only branches chooses between, else undefined. */
function exclusiveChoice(e: ErrorObject): string[] | undefined {
  if (e.keyword !== 'oneOf' || !Array.isArray(e.schema)) return undefined;
  const names: string[] = [];
  for (const branch of e.schema as unknown[]) {
    const req = (branch as { required?: unknown }).required;
    if (Object.keys(branch as object).length !== 1 || !Array.isArray(req)) return undefined;
    names.push(...(req as string[]));
  }
  return names;
}

/** Drops errors that only explain another: `if` wrappers, and `required` errors of an exclusive choice. */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const choices = errors.map((e) => ({ e, names: exclusiveChoice(e) })).filter((c) => c.names !== undefined);
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if (e.keyword !== 'required') return true;
    const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
    return !choices.some((c) => c.e.instancePath === e.instancePath && c.names?.includes(missing));
  });
}

/**
 * Validates `data` (a whole declaration of kind `kind`) and returns every problem, at most
 * `MAX_PROBLEMS_PER_DOCUMENT` plus one that counts the rest. An empty list means valid.
 */
export function validateDeclaration(kind: Kind, data: unknown): Problem[] {
  const validate = validatorFor(kind);
  if (validate(data)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of relevantErrors(validate.errors ?? [])) {
    const problem = describeError(e, toFieldPath(e.instancePath, data), { data, choice: exclusiveChoice(e) });
    const id = `${problem.path.join('\u0000')}\u0000${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(problem);
  }
  if (problems.length <= MAX_PROBLEMS_PER_DOCUMENT) return problems;
  const rest = problems.length - MAX_PROBLEMS_PER_DOCUMENT;
  return [...problems.slice(0, MAX_PROBLEMS_PER_DOCUMENT), { path: [], at: 'value', code: 'CONFIG_SCHEMA', message: `and ${rest} more problems in this document` }];
}
