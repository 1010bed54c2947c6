import { describe, expect, it } from 'vitest';
import { declarationsFromChunks, splitChunks } from '../../../src/config/chunks.js';
import { declarationsFromText } from '../../../src/config/from-text.js';

const FILE = 'conf/providers.yaml';

function provider(name: string, providerName = `Provider ${name}`): string {
  return `apiVersion: syncwise.io/v1alpha1
kind: ServiceProvider
metadata:
  name: ${name}
spec:
  providerName: ${providerName}
  providerType: bbb
  properties:
    url: https://${name}.example.com/
    secret: { valueFrom: { env: SECRET } }
`;
}

const THREE = `# three providers\n${provider('p1')}---\n${provider('p2')}--- # the last one\n${provider('p3')}`;

describe('splitChunks', () => {
  it('splits at lines that start a document and counts their lines', () => {
    const chunks = splitChunks('a: 1\n---\nb: 2\n--- # c\nc: 3\n---\td: 4\n---\r\ne: 5\n');
    expect(chunks).toEqual([
      { text: 'a: 1\n', line: 1 },
      { text: '---\nb: 2\n', line: 2 },
      { text: '--- # c\nc: 3\n', line: 4 },
      { text: '---\td: 4\n', line: 6 },
      { text: '---\r\ne: 5\n', line: 7 },
    ]);
  });

  it('starts the first document at a leading marker and splits nowhere else', () => {
    expect(splitChunks('---\na: "x\n ---"\n----\n ---\n---x: 1\nb: |\n  ---\n')).toEqual([{ text: '---\na: "x\n ---"\n----\n ---\n---x: 1\nb: |\n  ---\n', line: 1 }]);
    expect(splitChunks('')).toEqual([]);
  });

  it('refuses text with directives, end markers, a byte order mark or a lone carriage return', () => {
    expect(splitChunks('%YAML 1.2\n---\na: 1\n---\nb: 2\n')).toBeUndefined();
    expect(splitChunks('a: 1\n...\n---\nb: 2\n')).toBeUndefined();
    expect(splitChunks('\uFEFFa: 1\n---\nb: 2\n')).toBeUndefined();
    expect(splitChunks('a: 1\r---\nb: 2\n')).toBeUndefined();
  });
});

describe('declarationsFromChunks', () => {
  it('gives the whole-file result, positions included', () => {
    const chunked = declarationsFromChunks(THREE, FILE);
    expect(chunked.result).toEqual(declarationsFromText(THREE, FILE));
    expect(chunked).toMatchObject({ parsedChunks: 3, parsedWhole: false });
    expect(chunked.result.declared.map((d) => d.origin)).toMatchObject([{ line: 2 }, { line: 13 }, { line: 24 }]);
  });

  it('parses only the edited document and gives back the same objects for the others', () => {
    const first = declarationsFromChunks(THREE, FILE);
    const edited = THREE.replace('Provider p2', 'Provider two');
    const second = declarationsFromChunks(edited, FILE, {}, first.memo);
    expect(second.result).toEqual(declarationsFromText(edited, FILE));
    expect(second).toMatchObject({ parsedChunks: 1, parsedWhole: false });
    const [a, b, c] = second.result.declared;
    expect(a).toBe(first.result.declared[0]);
    expect(b).not.toBe(first.result.declared[1]);
    expect(c).toBe(first.result.declared[2]);
  });

  it('shifts the documents after an edit that adds lines to the positions a whole-file parse gives', () => {
    const first = declarationsFromChunks(THREE, FILE);
    const edited = THREE.replace('  providerType: bbb\n  properties:\n    url: https://p1', '  # two more\n  # lines\n  providerType: bbb\n  properties:\n    url: https://p1');
    const second = declarationsFromChunks(edited, FILE, {}, first.memo);
    expect(second.result).toEqual(declarationsFromText(edited, FILE));
    expect(second.parsedChunks).toBe(1);
    expect(second.result.declared.map((d) => d.origin)).toMatchObject([{ line: 2 }, { line: 15 }, { line: 26 }]);
    const third = declarationsFromChunks(edited, FILE, {}, second.memo);
    expect(third.parsedChunks).toBe(0);
    expect(third.result.declared).toEqual(second.result.declared);
    third.result.declared.forEach((d, i) => expect(d).toBe(second.result.declared[i]));
  });

  it('re-uses a document that moved, with positions of its new place', () => {
    const first = declarationsFromChunks(THREE, FILE);
    const inserted = THREE.replace('---\n', `---\n${provider('p9')}---\n`);
    const second = declarationsFromChunks(inserted, FILE, {}, first.memo);
    expect(second.result).toEqual(declarationsFromText(inserted, FILE));
    expect(second.parsedChunks).toBe(1);
  });

  it('reports an invalid document exactly as a whole-file parse does, then re-parses only the fixed document', () => {
    const first = declarationsFromChunks(THREE, FILE);
    const broken = THREE.replace('Provider p2', 'Provider p2\n  active: maybe').replace('  name: p3', '  name: p3\n  name: again');
    const second = declarationsFromChunks(broken, FILE, {}, first.memo);
    expect(second.result).toEqual(declarationsFromText(broken, FILE));
    expect(second.result.diagnostics.map((d) => [d.code, d.origin?.line])).toEqual([
      ['CONFIG_DUPLICATE_KEY', 29],
      ['CONFIG_SCHEMA', 19],
    ]);
    expect(second.parsedWhole).toBe(true);
    const fixed = declarationsFromChunks(THREE, FILE, {}, second.memo);
    expect(fixed.result).toEqual(declarationsFromText(THREE, FILE));
    expect(fixed).toMatchObject({ parsedChunks: 2, parsedWhole: false });
    expect(fixed.result.declared[0]).toBe(first.result.declared[0]);
  });

  it('parses the whole file when it has a directive or an end marker', () => {
    for (const text of [`%YAML 1.2\n---\n${provider('p1')}---\n${provider('p2')}`, `${provider('p1')}...\n---\n${provider('p2')}`]) {
      const chunked = declarationsFromChunks(text, FILE);
      expect(chunked).toMatchObject({ parsedChunks: 0, parsedWhole: true });
      expect(chunked.result).toEqual(declarationsFromText(text, FILE));
      expect(chunked.result.declared).toHaveLength(2);
    }
  });

  it('parses the whole file when a document leaves the depth scan inside a quote', () => {
    // valid YAML (a plain scalar), but the depth scan sees a quote open on into the next document
    const text = `${provider('p1', "BBB - 'one")}---\n${provider('p2', "it's - 'x")}`;
    const chunked = declarationsFromChunks(text, FILE);
    expect(chunked.parsedWhole).toBe(true);
    expect(chunked.result).toEqual(declarationsFromText(text, FILE));
    expect(chunked.result.diagnostics).toEqual([]);
  });

  it('reports too deep nesting as a whole-file parse does', () => {
    const deep = `${provider('p1')}---\nspec: ${'['.repeat(80)}${']'.repeat(80)}\n`;
    const chunked = declarationsFromChunks(deep, FILE);
    expect(chunked.result).toEqual(declarationsFromText(deep, FILE));
    expect(chunked.result.diagnostics.map((d) => d.code)).toEqual(['CONFIG_TOO_DEEP']);
  });
});
