/**
 * The CustomResourceDefinitions of the six syncwise kinds, generated from schemas/ so that the
 * cluster validates custom resources with the same rules as files. Pure: schema documents in,
 * CRD objects and their YAML out.
 *
 * Each CRD is apiextensions.k8s.io/v1, group syncwise.io, version v1alpha1, namespaced, with the
 * status subresource, printer columns Ready/Synced/External ID/Age, a short name and the category
 * `syncwise` (`kubectl get syncwise`). In a custom resource a secret value can only be a
 * `valueFrom.secretKeyRef`: a literal would sit in etcd, and `env`/`file` would read the
 * operator's own environment, so the apiserver refuses them before they are stored.
 */
import { stringify } from 'yaml';
import { toStructuralSchema, type SchemaNode } from './crd-schema.js';

/** The CRD group and version of every syncwise kind. */
export const CRD_GROUP = 'syncwise.io';
export const CRD_VERSION = 'v1alpha1';

/** Naming of one kind in the Kubernetes API. */
export interface CrdKind {
  readonly kind: string;
  readonly plural: string;
  readonly shortName: string;
  /** File in schemas/ (its `$id`). */
  readonly schema: string;
}

/** The six kinds, in dependency order. */
export const CRD_KINDS: readonly CrdKind[] = [
  { kind: 'Target', plural: 'targets', shortName: 'swtarget', schema: 'target.json' },
  { kind: 'ServiceProvider', plural: 'serviceproviders', shortName: 'swsp', schema: 'service-provider.json' },
  { kind: 'ServicePackage', plural: 'servicepackages', shortName: 'swpkg', schema: 'service-package.json' },
  { kind: 'Subscription', plural: 'subscriptions', shortName: 'swsub', schema: 'subscription.json' },
  { kind: 'ProjectDefaults', plural: 'projectdefaults', shortName: 'swpd', schema: 'project-defaults.json' },
  { kind: 'Project', plural: 'projects', shortName: 'swproj', schema: 'project.json' },
];

/** A CustomResourceDefinition as a plain object, ready to serialise. */
export type CustomResourceDefinition = Readonly<Record<string, unknown>> & {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
};

const SECRET_VALUE: SchemaNode = {
  type: 'object',
  description: 'A secret read from a Kubernetes Secret in the namespace of this resource. Literal values, `env` and `file` are accepted in files only.',
  required: ['valueFrom'],
  properties: {
    valueFrom: {
      type: 'object',
      required: ['secretKeyRef'],
      properties: {
        secretKeyRef: {
          type: 'object',
          description: 'A key of a Secret in the namespace of this resource.',
          required: ['name', 'key'],
          properties: {
            name: { type: 'string', description: 'Name of the Secret.', minLength: 1, maxLength: 253 },
            key: { type: 'string', description: 'Key inside the Secret\'s data.', minLength: 1, maxLength: 253, pattern: '^[-._a-zA-Z0-9]+$' },
          },
        },
      },
    },
  },
};

const CONDITION: SchemaNode = {
  type: 'object',
  description: 'One aspect of the resource\'s state (metav1.Condition).',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: { type: 'string', description: '`Ready` or `Synced`.', maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    reason: { type: 'string', description: 'Why, in CamelCase: Applied, Blocked, InvalidSpec, PlatformUnavailable, DeleteBlocked…', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' },
    message: { type: 'string', maxLength: 32768 },
  },
};

const STATUS: SchemaNode = {
  type: 'object',
  description: 'State observed by the syncwise operator.',
  properties: {
    conditions: { type: 'array', items: CONDITION, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
    observedGeneration: { type: 'integer', format: 'int64', description: 'metadata.generation of the spec the conditions describe.' },
    externalId: { type: 'string', description: 'Id of the object on the platform.' },
    lastAppliedHash: { type: 'string', description: 'Salted hash of the spec (secrets included) last applied.' },
  },
};

const condition = (type: string, field: 'status' | 'reason'): string => `.status.conditions[?(@.type=="${type}")].${field}`;

const PRINTER_COLUMNS = [
  { name: 'Ready', type: 'string', jsonPath: condition('Ready', 'status') },
  { name: 'Synced', type: 'string', jsonPath: condition('Synced', 'status') },
  { name: 'External ID', type: 'string', jsonPath: '.status.externalId' },
  { name: 'Reason', type: 'string', jsonPath: condition('Ready', 'reason'), priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

function openApiSchema(k: CrdKind, documents: Readonly<Record<string, object>>): SchemaNode {
  const source = documents[k.schema];
  if (source === undefined) throw new Error(`no schema ${k.schema} for kind ${k.kind}`);
  const converted = toStructuralSchema(source, k.schema, { documents, replacements: { 'common.json#/$defs/secretValue': SECRET_VALUE } });
  const properties = (converted['properties'] ?? {}) as Record<string, unknown>;
  const name = ((properties['metadata'] as SchemaNode | undefined)?.['properties'] as Record<string, SchemaNode> | undefined)?.['name'];
  return {
    type: 'object',
    ...(converted['description'] === undefined ? {} : { description: converted['description'] }),
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      // only metadata.name may be constrained at the root: declarations reference each other by it
      metadata: { type: 'object', ...(name === undefined ? {} : { properties: { name } }) },
      spec: properties['spec'],
      status: STATUS,
    },
  };
}

/** The CRD of one kind, from the schema documents (keyed by `$id`, as in schemas/). */
export function customResourceDefinition(k: CrdKind, documents: Readonly<Record<string, object>>): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${CRD_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'syncwise' } },
    spec: {
      group: CRD_GROUP,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.kind.toLowerCase(), shortNames: [k.shortName], categories: ['syncwise'] },
      scope: 'Namespaced',
      versions: [{
        name: CRD_VERSION, served: true, storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: PRINTER_COLUMNS,
        schema: { openAPIV3Schema: openApiSchema(k, documents) },
      }],
    },
  };
}

/** The CRDs of all six kinds, in the order of {@link CRD_KINDS}. */
export function customResourceDefinitions(documents: Readonly<Record<string, object>>): CustomResourceDefinition[] {
  return CRD_KINDS.map((k) => customResourceDefinition(k, documents));
}

/** One CRD as a YAML document, with a header naming its source. */
export function crdYaml(crd: CustomResourceDefinition): string {
  return `# Generated from schemas/ by \`syncwise crds\`. Do not edit.\n${stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** All CRDs as one multi-document YAML stream. */
export function crdsYaml(crds: readonly CustomResourceDefinition[]): string {
  return crds.map(crdYaml).join('---\n');
}

/** File name of a CRD in a chart's crds/ folder: `<plural>.syncwise.io.yaml`. */
export function crdFileName(crd: CustomResourceDefinition): string {
  return `${crd.metadata.name}.yaml`;
}
