import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { declarationsFromChunks, type ChunkMemo } from '../../../src/config/chunks.js';
import { declarationsFromText } from '../../../src/config/from-text.js';

const FILE = '/conf/team/file.yaml';
const OPTIONS = { root: '/conf' };

/** Scalar styles a value can take; block scalars are written for a key indented by 2. */
const arbScalar = fc.constantFrom(
  'BBB one',
  '"BBB: two"',
  "'it''s three'",
  'plain # with a comment',
  'first\n    second',
  '|+\n    kept\n\n',
  '>-\n    folded\n    text',
  '|\n    literal\n',
);

const arbName = fc.constantFrom('p1', 'p2', 'p3', 'eu', 'us');

const arbProvider = fc.record({ name: arbName, title: arbScalar, note: fc.option(arbScalar), secret: fc.constantFrom('{ valueFrom: { env: S } }', '{ valueFrom: { file: s.txt } }') }).map(
  ({ name, title, note, secret }) =>
    `apiVersion: syncwise.io/v1alpha1\nkind: ServiceProvider\nmetadata:\n  name: ${name}\nspec:\n  providerName: ${title}\n  providerType: bbb\n  properties:\n    url: https://${name}.example.com/\n    secret: ${secret}\n${note !== null ? `  userMetadata:\n    note: ${note.replaceAll('\n    ', '\n      ')}\n` : ''}`,
);

const arbPackage = fc.record({ name: arbName, refs: fc.uniqueArray(arbName, { minLength: 1, maxLength: 3 }) }).map(
  ({ name, refs }) => `apiVersion: syncwise.io/v1alpha1\nkind: ServicePackage\nmetadata: { name: ${name} }\nspec:\n  packageName: Package ${name}\n  providers:\n${refs.map((r, i) => `    - providerRef: ${r}\n${i === 0 ? '      default: true\n' : ''}`).join('')}`,
);

const arbProject = arbName.map(
  (name) => `kind: Project\napiVersion: syncwise.io/v1alpha1\nmetadata:\n  name: ${name}\nspec:\n  projectName: Project ${name}\n  defaultOwnerEmail: owner@example.com\n  defaultOwnerPassword: { valueFrom: { env: PASSWORD } }\n`,
);

/** Mostly valid declarations, sometimes an invalid one or none at all. */
const arbDocument = fc.oneof(
  { weight: 4, arbitrary: arbProvider },
  { weight: 2, arbitrary: arbPackage },
  { weight: 2, arbitrary: arbProject },
  { weight: 1, arbitrary: fc.constantFrom('', '# only a comment\n', 'kind: Nothing\n', 'a: 1\n  b: 2\n') },
);

const arbMarker = fc.constantFrom('---\n', '--- # next\n', '---  \n', '---\r\n');

/** Lines an edit inserts: blank, comments, and text that breaks YAML or splitting. */
const arbLine = fc.constantFrom('', '# note', '   ', '  # indented', 'junk: [', '...', '%YAML 1.2', 'extra: 1', '  extra: 1', '---', '--- # new', 'key: "open', "'", '\t# tab', '- item');

type Edit =
  | { readonly op: 'replace' | 'insert'; readonly at: number; readonly doc: string; readonly marker: string }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'line'; readonly at: number; readonly line: number; readonly text: string };

const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('replace' as const, 'insert' as const), at: fc.nat(), doc: arbDocument, marker: arbMarker }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('line' as const), at: fc.nat(), line: fc.nat(), text: arbLine }) },
);

/** Documents of a file, each after the first starting with its marker. */
const arbFile = fc.record({ lead: fc.constantFrom('', '# lead\n', '---\n'), first: arbDocument, rest: fc.array(fc.tuple(arbMarker, arbDocument), { minLength: 1, maxLength: 6 }) }).map(({ lead, first, rest }) => [
  lead + first,
  ...rest.map(([marker, doc]) => marker + doc),
]);

function applyEdit(docs: readonly string[], e: Edit): string[] {
  const out = [...docs];
  const i = e.at % (out.length + (e.op === 'insert' ? 1 : 0));
  if (e.op === 'replace') out[i] = i === 0 ? e.doc : e.marker + e.doc;
  else if (e.op === 'insert') out.splice(Math.max(i, 1), 0, e.marker + e.doc);
  else if (e.op === 'delete' && out.length > 1) out.splice(i, 1);
  else if (e.op === 'line') {
    const lines = (out[i] ?? '').split('\n');
    lines.splice(e.line % lines.length, 0, e.text);
    out[i] = lines.join('\n');
  }
  return out;
}

describe('declarationsFromChunks (property)', () => {
  test.prop([arbFile, fc.array(arbEdit, { minLength: 1, maxLength: 5 })], { numRuns: 300 })('equals a whole-file parse after any sequence of edits', (docs, edits) => {
    let text = docs.join('');
    let memo: ChunkMemo = declarationsFromChunks(text, FILE, OPTIONS).memo;
    let current = docs;
    for (const e of edits) {
      current = applyEdit(current, e);
      text = current.join('');
      const chunked = declarationsFromChunks(text, FILE, OPTIONS, memo);
      expect(chunked.result).toEqual(declarationsFromText(text, FILE, OPTIONS));
      memo = chunked.memo;
    }
  });
});
