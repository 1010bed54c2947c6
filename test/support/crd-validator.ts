/**
 * Validates custom resources against a CRD's openAPIV3Schema the way the apiserver does, for
 * tests without a cluster: ajv for the value rules (after mapping OpenAPI v3.0's boolean
 * `exclusiveMinimum` and `nullable` to JSON Schema), and a walk that lists the fields structural
 * pruning would silently drop.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI v3.0 (as in a CRD) to the JSON Schema draft ajv validates. */
export function toAjvSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toAjvSchema);
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) if (!k.startsWith('x-kubernetes-') && k !== 'nullable') out[k] = toAjvSchema(v);
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (node[exclusive] === true) {
      out[exclusive] = node[bound];
      delete out[bound];
    }
  }
  if (node['nullable'] === true && typeof node['type'] === 'string') out['type'] = [node['type'], 'null'];
  return out;
}

/** Paths of fields in `value` that the schema does not declare, which the apiserver would prune. */
export function prunedFields(schema: unknown, value: unknown, path = ''): string[] {
  if (!isNode(schema) || schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => prunedFields(schema['items'], v, `${path}[${i}]`));
  if (!isNode(value)) return [];
  const props = isNode(schema['properties']) ? schema['properties'] : undefined;
  const extra = schema['additionalProperties'];
  return Object.entries(value).flatMap(([k, v]) => {
    if (path === '' && k === 'metadata') return []; // ObjectMeta is pruned by its own rules, not the schema
    const child = props?.[k] ?? (isNode(extra) ? extra : undefined);
    return child === undefined ? [`${path}.${k}`] : prunedFields(child, v, `${path}.${k}`);
  });
}

/** A compiled validator of one CRD schema: ajv errors as `path message` strings. */
export function crdValidator(openApiV3Schema: unknown): (resource: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(toAjvSchema(openApiV3Schema) as object);
  const describe = (e: ErrorObject): string => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
  return (resource) => (validate(resource) ? [] : (validate.errors ?? []).map(describe));
}

/** The committed CRD files of the chart, by file name. */
export function chartCrdFiles(root: string): Map<string, string> {
  const dir = join(root, 'charts/syncwise/crds');
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}
