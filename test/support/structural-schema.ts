/**
 * An independent check of the rules kube-apiserver applies to a CRD's openAPIV3Schema
 * (apiextensions.k8s.io/v1: allowed JSONSchemaProps fields and the structural-schema rules), for
 * tests on a machine with no apiserver. It shares no code with the generator it checks.
 */

type Node = Record<string, unknown>;

const ALLOWED = new Set([
  'description', 'type', 'format', 'title', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties',
  'externalDocs', 'example', 'nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const NOT_IN_JUNCTORS = ['type', 'description', 'title', 'default', 'additionalProperties', 'nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string'];
const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function valueMatches(type: unknown, v: unknown): boolean {
  switch (type) {
    case 'object': return isNode(v);
    case 'array': return Array.isArray(v);
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'string': case 'boolean': return typeof v === type;
    default: return true;
  }
}

function fieldProblems(s: Node, path: string, inJunctor: boolean): string[] {
  const p: string[] = [];
  for (const k of Object.keys(s)) if (!ALLOWED.has(k)) p.push(`${path}: ${k} is not supported`);
  if (s['type'] !== undefined && !TYPES.has(s['type'] as string)) p.push(`${path}: type ${JSON.stringify(s['type'])} must be one of ${[...TYPES].join(', ')}`);
  const untyped = s['x-kubernetes-int-or-string'] === true || s['x-kubernetes-preserve-unknown-fields'] === true;
  if (!inJunctor && s['type'] === undefined && !untyped) p.push(`${path}: type is required`);
  if (s['properties'] !== undefined && s['additionalProperties'] !== undefined) p.push(`${path}: additionalProperties and properties are mutual exclusive`);
  if (s['additionalProperties'] === false) p.push(`${path}: additionalProperties: false is not allowed`);
  if (s['uniqueItems'] === true) p.push(`${path}: uniqueItems cannot be set to true`);
  if (s['x-kubernetes-preserve-unknown-fields'] === false) p.push(`${path}: x-kubernetes-preserve-unknown-fields must be true or undefined`);
  for (const k of ['exclusiveMinimum', 'exclusiveMaximum']) if (s[k] !== undefined && typeof s[k] !== 'boolean') p.push(`${path}: ${k} must be a boolean`);
  if (s['items'] !== undefined && !isNode(s['items'])) p.push(`${path}: items must be a single schema`);
  if (inJunctor) for (const k of NOT_IN_JUNCTORS) if (k in s) p.push(`${path}: ${k} must not be specified inside a junctor`);
  if (s['default'] !== undefined && !valueMatches(s['type'], s['default'])) p.push(`${path}: default does not match type ${String(s['type'])}`);
  if (Array.isArray(s['enum']) && s['type'] !== undefined) for (const v of s['enum']) if (!valueMatches(s['type'], v)) p.push(`${path}: enum value ${JSON.stringify(v)} does not match type`);
  return p;
}

function listProblems(s: Node, path: string): string[] {
  const items = isNode(s['items']) ? s['items'] : {};
  if (s['x-kubernetes-list-type'] === 'set' && (items['type'] === 'object' || items['type'] === 'array')) return [`${path}: list-type set needs scalar items`];
  if (s['x-kubernetes-list-type'] !== 'map') return [];
  const keys = s['x-kubernetes-list-map-keys'];
  if (!Array.isArray(keys) || keys.length === 0) return [`${path}: list-type map needs x-kubernetes-list-map-keys`];
  const required = Array.isArray(items['required']) ? items['required'] : [];
  return keys.filter((k) => !required.includes(k)).map((k) => `${path}: map key ${String(k)} must be required in items`);
}

/** Every field a junctor branch mentions must be declared at the same place outside the junctor. */
function coverageProblems(branch: Node, outside: Node, path: string): string[] {
  const p: string[] = [];
  const declared = isNode(outside['properties']) ? outside['properties'] : {};
  for (const [k, v] of Object.entries(isNode(branch['properties']) ? branch['properties'] : {})) {
    const counterpart = declared[k];
    if (!isNode(counterpart)) p.push(`${path}.${k}: mentioned in a junctor but not declared outside it`);
    else if (isNode(v)) p.push(...coverageProblems(v, counterpart, `${path}.${k}`));
  }
  if (isNode(branch['items'])) p.push(...(isNode(outside['items']) ? coverageProblems(branch['items'], outside['items'], `${path}[]`) : [`${path}[]: items inside a junctor but not outside`]));
  for (const j of JUNCTORS) for (const b of Array.isArray(branch[j]) ? branch[j] : []) if (isNode(b)) p.push(...coverageProblems(b, outside, path));
  if (isNode(branch['not'])) p.push(...coverageProblems(branch['not'], outside, path));
  return p;
}

/** Problems of one schema node and everything below it (`inJunctor` inside allOf/anyOf/oneOf/not). */
export function structuralProblems(s: Node, path = '', inJunctor = false): string[] {
  const p = [...fieldProblems(s, path || '(root)', inJunctor), ...listProblems(s, path)];
  for (const [k, v] of Object.entries(isNode(s['properties']) ? s['properties'] : {})) {
    p.push(...(isNode(v) ? structuralProblems(v, `${path}.${k}`, inJunctor) : [`${path}.${k}: must be a schema object`]));
  }
  if (isNode(s['items'])) p.push(...structuralProblems(s['items'], `${path}[]`, inJunctor));
  if (isNode(s['additionalProperties'])) p.push(...structuralProblems(s['additionalProperties'], `${path}{}`, inJunctor));
  const branches = [...JUNCTORS.flatMap((j) => (Array.isArray(s[j]) ? (s[j] as unknown[]) : [])), ...(s['not'] === undefined ? [] : [s['not']])];
  for (const b of branches) {
    if (!isNode(b)) { p.push(`${path}: junctor branch must be a schema object`); continue; }
    p.push(...structuralProblems(b, `${path}<junctor>`, true));
    if (!inJunctor) p.push(...coverageProblems(b, s, path));
  }
  return p;
}

/** Problems of a CRD's root openAPIV3Schema, including the rules for apiVersion, kind and metadata. */
export function rootSchemaProblems(root: Node): string[] {
  const p = structuralProblems(root);
  if (root['type'] !== 'object') p.push('(root): type must be object');
  const props = isNode(root['properties']) ? root['properties'] : {};
  for (const k of ['apiVersion', 'kind']) if (props[k] !== undefined && (props[k] as Node)['type'] !== 'string') p.push(`.${k}: must be type string`);
  const meta = props['metadata'];
  if (isNode(meta)) {
    const extra = Object.keys(isNode(meta['properties']) ? meta['properties'] : {}).filter((k) => k !== 'name' && k !== 'generateName');
    if (meta['type'] !== 'object' || extra.length > 0 || meta['default'] !== undefined) p.push('.metadata: only type object and name/generateName may be specified');
  }
  return p;
}
