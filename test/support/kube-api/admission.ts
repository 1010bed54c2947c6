/**
 * What kube-apiserver does with a custom resource before storing it, given its CRD's
 * openAPIV3Schema: prune fields the schema does not declare, apply schema defaults to absent
 * fields, then validate and answer 422 Invalid with one cause per field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { crdValidator } from '../crd-validator.js';
import type { JsonObject } from './patch.js';
import type { ResourceType } from './resources.js';
import { invalid, type StatusCause } from './status.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Admits one object (the stored form) or throws a 422 StatusError. */
export type Admission = (t: ResourceType, object: JsonObject) => JsonObject;

function pruneAndDefault(schema: unknown, value: unknown, isRoot: boolean): unknown {
  if (!isNode(schema) || schema['x-kubernetes-preserve-unknown-fields'] === true) return value;
  if (Array.isArray(value)) return value.map((v) => pruneAndDefault(schema['items'], v, false));
  if (!isNode(value)) return value;
  const props = isNode(schema['properties']) ? schema['properties'] : undefined;
  const extra = isNode(schema['additionalProperties']) ? schema['additionalProperties'] : undefined;
  const out: Node = {};
  for (const [k, v] of Object.entries(value)) {
    if (isRoot && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) out[k] = v;
    else if (props?.[k] !== undefined) out[k] = pruneAndDefault(props[k], v, false);
    else if (extra !== undefined) out[k] = pruneAndDefault(extra, v, false);
  }
  for (const [k, p] of Object.entries(props ?? {})) {
    if (out[k] === undefined && isNode(p) && p['default'] !== undefined) out[k] = pruneAndDefault(p, structuredClone(p['default']), false);
  }
  return out;
}

function causeOf(message: string): StatusCause {
  const [where = '/', ...rest] = message.split(' ');
  const field = where.split('/').filter((s) => s !== '').join('.');
  const required = /^must have required property '(.+)'$/.exec(rest.join(' '));
  if (required !== null) return { reason: 'FieldValueRequired', message: 'Required value', field: [field, required[1]].filter((s) => s !== '').join('.') };
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${field} ${rest.join(' ')}`, field };
}

/** An admission step for the CRDs given (kind -> openAPIV3Schema); other kinds pass unchanged. */
export function crdAdmission(schemas: ReadonlyMap<string, unknown>): Admission {
  const validators = new Map([...schemas].map(([kind, schema]) => [kind, crdValidator(schema)] as const));
  return (t, object) => {
    const schema = schemas.get(t.kind);
    const validate = validators.get(t.kind);
    if (!t.isCustom || schema === undefined || validate === undefined) return object;
    const admitted = pruneAndDefault(schema, object, true) as JsonObject;
    const errors = validate(admitted);
    const name = isNode(admitted['metadata']) ? String(admitted['metadata']['name'] ?? '') : '';
    if (errors.length > 0) throw invalid(t, name, errors.map(causeOf));
    return admitted;
  };
}

/** The openAPIV3Schema of every CRD file in `dir` (the chart's crds/), by kind. */
export function loadCrdSchemas(dir: string): Map<string, unknown> {
  const schemas = new Map<string, unknown>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, file), 'utf8')) as { spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: unknown } }[] } };
    schemas.set(crd.spec.names.kind, crd.spec.versions[0]?.schema.openAPIV3Schema);
  }
  return schemas;
}
