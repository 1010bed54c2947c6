/**
 * Turns a declaration's JSON Schema (2020-12, as ajv uses it) into a structural OpenAPI v3 schema
 * that kube-apiserver accepts in a CustomResourceDefinition. Pure: schemas in, schema out.
 *
 * The rules follow apiextensions' structural-schema validation: every `$ref` is inlined; every
 * node outside a junctor has one `type`; `const` becomes `enum`; `type: [T, 'null']` becomes
 * `nullable`; a mixed type list becomes `x-kubernetes-preserve-unknown-fields`;
 * `additionalProperties` next to `properties` is dropped (pruning already closes the object) and
 * `additionalProperties: false` alone becomes `maxProperties: 0`; `if/then/else` becomes
 * `anyOf` of `allOf` branches; junctor branches keep only value validations, and every field they
 * mention is also declared outside them (without its `default`, which would otherwise be applied
 * whichever branch matches).
 */

/** A JSON Schema or OpenAPI schema node. */
export type SchemaNode = Readonly<Record<string, unknown>>;

type Mutable = Record<string, unknown>;

/** Where `$ref`s resolve. */
export interface StructuralOptions {
  /** Every schema document by its `$id` (e.g. `common.json`); `$ref`s may point into any of them. */
  readonly documents: Readonly<Record<string, object>>;
  /** Replacement schemas for referenced definitions, by absolute reference (`common.json#/$defs/secretValue`). */
  readonly replacements?: Readonly<Record<string, SchemaNode>>;
}

const VALUE_KEYWORDS = ['enum', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf', 'required'];
const ANNOTATIONS = ['description', 'title', 'default'];
const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

function isNode(v: unknown): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolvePointer(doc: unknown, pointer: string, ref: string): unknown {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isNode(node) ? node[key] : undefined;
  }
  if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

/** Inlines every `$ref` (a `$ref` with siblings keeps the siblings, e.g. its own description). */
export function inlineRefs(node: unknown, base: string, options: StructuralOptions, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, base, options, seen));
  if (!isNode(node)) return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const [file = '', pointer = ''] = ref.split('#');
    const doc = file === '' ? base : file;
    const absolute = `${doc}#${pointer}`;
    if (seen.includes(absolute)) return { 'x-kubernetes-preserve-unknown-fields': true };
    const target = options.replacements?.[absolute] ?? resolvePointer(options.documents[doc], pointer, ref);
    const { $ref: _ref, ...siblings } = node;
    const resolved = inlineRefs(target, doc, options, [...seen, absolute]);
    return { ...(isNode(resolved) ? resolved : {}), ...(inlineRefs(siblings, base, options, seen) as SchemaNode) };
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineRefs(v, base, options, seen)]));
}

function typesOf(s: SchemaNode): string[] {
  const t = s['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (isNode(s['properties']) || s['additionalProperties'] !== undefined) return ['object'];
  if (s['items'] !== undefined) return ['array'];
  const values = Array.isArray(s['enum']) ? s['enum'] : 'const' in s ? [s['const']] : [];
  if (values.length === 0) return [];
  const v: unknown = values[0];
  return [typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v];
}

function copyKeywords(s: SchemaNode, inJunctor: boolean): Mutable {
  const out: Mutable = {};
  for (const k of [...(inJunctor ? [] : ANNOTATIONS), ...VALUE_KEYWORDS]) if (s[k] !== undefined) out[k] = s[k];
  for (const [k, v] of Object.entries(s)) if (k.startsWith('x-kubernetes-')) out[k] = v;
  if ('const' in s) out['enum'] = [s['const']];
  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof s[exclusive] === 'number') Object.assign(out, { [bound]: s[exclusive], [exclusive]: true });
  }
  if (Array.isArray(out['required']) && out['required'].length === 0) delete out['required'];
  return out;
}

function withoutDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDefaults);
  if (!isNode(node)) return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'default').map(([k, v]) => [k, withoutDefaults(v)]));
}

function convertType(s: SchemaNode, out: Mutable): 'any' | undefined {
  const types = typesOf(s);
  const concrete = types.filter((t) => t !== 'null');
  if (concrete.length === 1) {
    out['type'] = concrete[0];
    if (types.includes('null')) out['nullable'] = true;
    return undefined;
  }
  if (concrete.length === 2 && concrete.includes('integer') && concrete.includes('string')) {
    out['x-kubernetes-int-or-string'] = true;
    return undefined;
  }
  return 'any';
}

function convertObject(s: SchemaNode, out: Mutable, inJunctor: boolean): void {
  const properties = s['properties'];
  const extra = s['additionalProperties'];
  if (isNode(properties)) {
    const converted: Mutable = {};
    for (const [k, v] of Object.entries(properties)) if (isNode(v)) converted[k] = convertNode(v, inJunctor);
    out['properties'] = converted;
    return;
  }
  if (inJunctor) return;
  if (extra === false) out['maxProperties'] = 0;
  else if (isNode(extra)) out['additionalProperties'] = convertNode(extra, false);
  else out['x-kubernetes-preserve-unknown-fields'] = true;
}

function convertArray(s: SchemaNode, out: Mutable, inJunctor: boolean): void {
  const items = s['items'];
  if (!isNode(items)) return;
  out['items'] = convertNode(items, inJunctor);
  if (s['uniqueItems'] === true && !inJunctor && typesOf(items).every((t) => SCALARS.has(t))) out['x-kubernetes-list-type'] = 'set';
}

/** Branch of a junctor: `properties: {x: false}` (x must be absent) becomes `not: {required: [x]}`. */
function junctorBranch(branch: unknown): SchemaNode {
  if (!isNode(branch)) return branch === false ? { not: {} } : {};
  const properties = isNode(branch['properties']) ? branch['properties'] : {};
  const forbidden = Object.entries(properties).filter(([, v]) => v === false).map(([k]) => k);
  const kept = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== false));
  const { properties: _all, ...others } = branch;
  const rest = convertNode(Object.keys(kept).length > 0 ? { ...others, properties: kept } : others, true);
  if (forbidden.length === 0) return rest;
  const absent = forbidden.map((k) => ({ not: { required: [k] } }));
  return Object.keys(rest).length === 0 ? { allOf: absent } : { allOf: [rest, ...absent] };
}

/** Branches of an allOf, with a branch that is itself only an allOf spliced in (it adds nothing). */
function flatAllOf(branches: readonly SchemaNode[]): SchemaNode[] {
  return branches.flatMap((b) => (Object.keys(b).length === 1 && Array.isArray(b['allOf']) ? (b['allOf'] as SchemaNode[]) : [b]));
}

function junctors(s: SchemaNode): Mutable {
  const out: Mutable = {};
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[j];
    if (!Array.isArray(branches)) continue;
    const converted = branches.map(junctorBranch);
    out[j] = j === 'allOf' ? flatAllOf(converted) : converted;
  }
  if (s['not'] !== undefined) out['not'] = junctorBranch(s['not']);
  if (s['if'] !== undefined && (s['then'] !== undefined || s['else'] !== undefined)) {
    const when = junctorBranch(s['if']);
    const then = s['then'] === undefined ? [] : [junctorBranch(s['then'])];
    const otherwise = s['else'] === undefined ? [] : [junctorBranch(s['else'])];
    const conditional = [{ allOf: flatAllOf([when, ...then]) }, { allOf: flatAllOf([{ not: when }, ...otherwise]) }];
    if (out['anyOf'] === undefined) out['anyOf'] = conditional;
    else out['allOf'] = [...((out['allOf'] as unknown[] | undefined) ?? []), { anyOf: conditional }];
  }
  return out;
}

/** Only the structure of a node: what the structural rules need declared outside a junctor. */
function shapeOf(node: unknown): unknown {
  if (!isNode(node)) return node;
  const out: Mutable = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'type' || k === 'nullable' || k.startsWith('x-kubernetes-')) out[k] = v;
    if (k === 'items' || k === 'additionalProperties') out[k] = shapeOf(v);
    if (k === 'properties' && isNode(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, shapeOf(p)]));
  }
  return out;
}

/**
 * Fields the junctor branches mention, as declared outside them: with their validations when every
 * branch declares a field alike, only its structure otherwise; never with a default.
 */
function hoisted(s: SchemaNode): Mutable {
  const branches = [...['allOf', 'anyOf', 'oneOf'].flatMap((j) => (Array.isArray(s[j]) ? (s[j] as unknown[]) : [])), s['not'], s['if'], s['then'], s['else']];
  const forms = new Map<string, unknown[]>();
  for (const b of branches.filter(isNode)) {
    const own = isNode(b['properties']) ? Object.entries(b['properties']).filter(([, v]) => isNode(v)) : [];
    const found = [...Object.entries(hoisted(b)), ...own.map(([k, v]) => [k, withoutDefaults(convertNode(v as SchemaNode, false))] as const)];
    for (const [k, v] of found) forms.set(k, [...(forms.get(k) ?? []), v]);
  }
  const fields: Mutable = {};
  for (const [k, vs] of forms) fields[k] = vs.every((v) => JSON.stringify(v) === JSON.stringify(vs[0])) ? vs[0] : shapeOf(vs[0]);
  return fields;
}

function convertNode(s: SchemaNode, inJunctor: boolean): Mutable {
  const out = copyKeywords(s, inJunctor);
  const typed: Mutable = {};
  const isAny = convertType(s, typed) === 'any';
  const hasJunctors = ['allOf', 'anyOf', 'oneOf', 'not', 'if'].some((k) => s[k] !== undefined);
  if (isAny && (typesOf(s).length > 1 || !hasJunctors)) {
    // outside: any value is kept as is; inside a junctor: nothing below it can be declared outside
    if (inJunctor) return out;
    return { ...(s['description'] === undefined ? {} : { description: s['description'] }), 'x-kubernetes-preserve-unknown-fields': true };
  }
  if (!inJunctor) Object.assign(out, isAny ? { 'x-kubernetes-preserve-unknown-fields': true } : typed);
  const types = typesOf(s);
  if (types.includes('object')) convertObject(s, out, inJunctor);
  if (types.includes('array')) convertArray(s, out, inJunctor);
  Object.assign(out, junctors(s));
  if (!inJunctor) {
    const fields = hoisted(s);
    const declared = isNode(out['properties']) ? out['properties'] : {};
    const missing = Object.fromEntries(Object.entries(fields).filter(([k]) => !(k in declared)));
    if (Object.keys(missing).length > 0) {
      out['properties'] = { ...declared, ...missing };
      delete out['x-kubernetes-preserve-unknown-fields'];
      delete out['maxProperties'];
    }
  }
  return ordered(out);
}

/** The node with `type` and `description` first, as people write schemas (the order carries no meaning). */
function ordered(out: Mutable): Mutable {
  const { type, description, ...rest } = out;
  return { ...(type === undefined ? {} : { type }), ...(description === undefined ? {} : { description }), ...rest };
}

/** The structural form of `schema` (a document of `options.documents`, named `base`). */
export function toStructuralSchema(schema: object, base: string, options: StructuralOptions): SchemaNode {
  const inlined = inlineRefs(schema, base, options);
  if (!isNode(inlined)) throw new Error(`schema ${base} is not an object`);
  return convertNode(inlined, false);
}
