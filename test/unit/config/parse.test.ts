import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../../src/config/parse.js';
import { findExcessiveDepth } from '../../../src/config/scan-depth.js';

const codes = (text: string): string[] => parseDocuments(text, 'f.yaml').diagnostics.map((d) => `${d.origin?.line}:${d.origin?.col} ${d.code}`);

describe('findExcessiveDepth', () => {
  it('accepts ordinary declarations', () => {
    const text = 'a:\n  b:\n    - c: 1\n      d: [1, {e: 2}]\n';
    expect(findExcessiveDepth(text, 8)).toBeUndefined();
  });

  it('counts compact sequence indicators on one line', () => {
    expect(findExcessiveDepth(`${'- '.repeat(10)}x\n`, 8)).toMatchObject({ line: 1 });
  });

  it('counts indentation levels', () => {
    const text = Array.from({ length: 12 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(findExcessiveDepth(text, 8)).toMatchObject({ line: 8 });
  });

  it('counts flow brackets across lines', () => {
    expect(findExcessiveDepth('a: [\n[\n[\n[\n[\n[\n[\n[\n[\n[]]]]]]]]]\n', 8)).toMatchObject({ line: 8 });
  });

  it('ignores brackets inside quoted scalars and comments', () => {
    expect(findExcessiveDepth(`a: "${'['.repeat(50)}"\nb: '${'{'.repeat(50)}'\n# ${'['.repeat(50)}\n`, 8)).toBeUndefined();
  });

  it('does not take an apostrophe inside plain text for a quote that hides brackets', () => {
    expect(findExcessiveDepth(`a: it's ${'['.repeat(20)}\n`, 8)).toBeDefined();
  });

  it('keeps a quoted scalar open across a line that starts with #', () => {
    expect(findExcessiveDepth(`a: "x\n# not a comment" ${'['.repeat(20)}\n`, 8)).toBeDefined();
  });

  it('skips the content of block scalars', () => {
    const text = `a: |\n  ${'- '.repeat(40)}\n  ${'['.repeat(40)}\nb: 1\n`;
    expect(findExcessiveDepth(text, 8)).toBeUndefined();
  });

  it('still scans lines after a block scalar that belong to the structure', () => {
    const text = `- key: |\n    text\n  ${'- '.repeat(20)}x\n`;
    expect(findExcessiveDepth(text, 8)).toBeDefined();
  });
});

describe('parseDocuments', () => {
  it('survives the input that aborts the yaml parser and reports where', () => {
    const text = `${'- '.repeat(1000)}x\n${'- '.repeat(1000)}y\n`;
    expect(codes(text)).toEqual(['1:127 CONFIG_TOO_DEEP']);
  });

  it('returns each non-empty document with its index and start', () => {
    const r = parseDocuments('a: 1\n---\n# only a comment\n---\n\n  b: 2\n', 'f.yaml');
    expect(r.documents.map((d) => [d.index, d.start, d.data])).toEqual([
      [0, { line: 1, col: 1 }, { a: 1 }],
      [2, { line: 6, col: 3 }, { b: 2 }],
    ]);
  });

  it('keeps __proto__ and constructor keys as own data, never as prototypes', () => {
    const [doc] = parseDocuments('__proto__: {polluted: true}\nconstructor: 1\n', 'f.yaml').documents;
    const data = doc?.data as object;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reports an alias without expanding it, and still returns the other documents', () => {
    const r = parseDocuments('a: 1\n---\nx: &x [1, 2]\ny: *x\n', 'f.yaml');
    expect(r.diagnostics.map((d) => `${d.origin?.line}:${d.origin?.col} ${d.code}`)).toEqual(['4:4 CONFIG_ALIAS']);
    expect(r.documents.map((d) => d.data)).toEqual([{ a: 1 }]);
  });

  it('reads keys as strings, so a numeric key is data like any other', () => {
    expect(parseDocuments('1: one\ntrue: yes\n', 'f.yaml').documents[0]?.data).toEqual({ 1: 'one', true: 'yes' });
  });

  it('parses JSON text with positions', () => {
    const r = parseDocuments('{\n  "a": {"b": [1, 2]}\n}\n', 'f.json');
    expect(r.documents[0]?.data).toEqual({ a: { b: [1, 2] } });
    expect(r.documents[0]?.locate.value(['a', 'b', 1])).toEqual({ line: 2, col: 18 });
  });

  it('rejects the YAML 1.1 tags that would otherwise resolve', () => {
    expect(codes('a: !!binary aGVsbG8=\nb: !!timestamp 2001-12-14\n')).toEqual(['1:4 CONFIG_TAG', '2:4 CONFIG_TAG']);
  });
});
