/**
 * YAML (and JSON, a subset of YAML) text to plain documents with a locator for each. Hostile input
 * becomes located diagnostics: excessive nesting is caught before the parser runs, aliases are
 * rejected without being expanded, unknown tags and duplicate keys are errors. Pure.
 */
import { Composer, isScalar, LineCounter, Parser, visit, type Document, type YAMLError } from 'yaml';
import type { Diagnostic } from '../core/model.js';
import { createLocator, type Locator, type Position } from './locate.js';
import { findExcessiveDepth } from './scan-depth.js';

/** One document of a stream, as plain data. */
export interface ParsedDocument {
  /** 0-based index of the document in its file */
  readonly index: number;
  /** where the document's content starts */
  readonly start: Position;
  /** the document as plain JS data (`__proto__` and similar keys are own data properties) */
  readonly data: unknown;
  readonly locate: Locator;
}

/** Options of `parseDocuments`. */
export interface ParseOptions {
  /** Deepest nesting accepted (block levels, compact indicators and flow brackets). @default 64 */
  readonly maxDepth?: number;
}

/** Deepest nesting accepted by default; real declarations stay under 10. */
export const DEFAULT_MAX_DEPTH = 64;

/** The result of parsing one file: every usable document, and diagnostics for the others. */
export interface ParseResult {
  readonly documents: ParsedDocument[];
  readonly diagnostics: Diagnostic[];
}

const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: true, resolveKnownTags: false } as const;

function located(file: string, pos: Position, code: string, summary: string): Diagnostic {
  return { severity: 'error', code, summary, origin: { file, line: pos.line, col: pos.col } };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function yamlProblem(text: string, file: string, lines: LineCounter, e: YAMLError): Diagnostic {
  const pos = lines.linePos(e.pos[0]);
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^\s*("[^"]*"|'[^']*'|[^:\n]*)/.exec(text.slice(e.pos[0], e.pos[0] + 80))?.[1]?.trim() ?? '';
    return located(file, pos, 'CONFIG_DUPLICATE_KEY', `duplicate key ${JSON.stringify(key)}: keys of a mapping must be unique`);
  }
  if (e.code === 'TAG_RESOLVE_FAILED') {
    const tag = firstLine(e.message).replace(/^Unresolved tag: /, '').replace('tag:yaml.org,2002:', '!!');
    return located(file, pos, 'CONFIG_TAG', `unsupported YAML tag ${tag}: write the value without a tag`);
  }
  return located(file, pos, 'CONFIG_YAML', `YAML syntax: ${firstLine(e.message)}`);
}

/** Finds the first alias (`*name`) of a document; aliases are rejected so bombs are never expanded. */
function firstAlias(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Converts a document to plain data, or to a diagnostic when it uses an alias: `maxAliasCount: 0`
 * makes the conversion refuse aliases before expanding any, and only then is the alias looked up.
 */
function documentOf(doc: Document, index: number, lines: LineCounter, file: string): ParsedDocument | Diagnostic {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    const alias = firstAlias(doc);
    if (alias === undefined) return located(file, lines.linePos((doc.range?.[0] ?? 0)), 'CONFIG_YAML', `YAML: ${e instanceof Error ? e.message : String(e)}`);
    return located(file, lines.linePos(alias), 'CONFIG_ALIAS', 'YAML aliases are not supported (they could expand without bound); repeat the value instead');
  }
  const start = lines.linePos(doc.contents?.range?.[0] ?? (doc.range?.[0] ?? 0));
  return { index, start, data, locate: createLocator(doc, lines) };
}

/**
 * Parses the documents of `text` one at a time and hands each usable one to `visit` before the next
 * is composed, so at most two document trees are alive at once (a file of 100 declarations no
 * longer holds 100 trees until its last document is read). Returns the diagnostics of the
 * documents that could not be used, in document order.
 */
export function forEachDocument(text: string, file: string, options: ParseOptions, visit: (doc: ParsedDocument) => void): Diagnostic[] {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const deep = findExcessiveDepth(text, maxDepth);
  if (deep !== undefined) return [located(file, deep, 'CONFIG_TOO_DEEP', `nesting deeper than ${maxDepth} levels; the file is not parsed`)];
  const lines = new LineCounter();
  const composer = new Composer(PARSE_OPTIONS);
  const diagnostics: Diagnostic[] = [];
  let index = 0;
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text))) {
    const i = index++;
    const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
    if (problems.length > 0) {
      diagnostics.push(...problems.map((e) => yamlProblem(text, file, lines, e)));
      continue;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    const parsed = documentOf(doc, i, lines, file);
    if ('severity' in parsed) diagnostics.push(parsed);
    else visit(parsed);
  }
  return diagnostics;
}

/**
 * Parses every document of `text`. A document with syntax errors, duplicate keys, unknown tags or
 * aliases yields diagnostics instead of data; the other documents of the file are still returned.
 * Empty documents (only comments, or nothing between `---`) are skipped.
 */
export function parseDocuments(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const documents: ParsedDocument[] = [];
  const diagnostics = forEachDocument(text, file, options, (doc) => documents.push(doc));
  return { documents, diagnostics };
}
