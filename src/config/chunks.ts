/**
 * Incremental parsing of one file for watch mode. A file is split into its documents at the lines
 * that always start one (`---` at column 0), and each document's declarations are kept with its
 * text and first line: an edit of one document of a 100-document file parses that document alone,
 * and every other document gives back the very same `Declared` objects (watch mode then resolves
 * secrets and hashes only the changed declarations). A document moved by an edit above it keeps its
 * parse with its positions shifted. The result is always the one `declarationsFromText` gives for
 * the whole text: a file that may not split cleanly, or whose documents report any problem, is
 * parsed whole. Pure.
 */
import type { Declared } from '../core/model.js';
import { declarationsFromText, type TextOptions, type TextResult } from './from-text.js';
import type { Position } from './locate.js';
import { DEFAULT_MAX_DEPTH } from './parse.js';
import type { SourceOrigin } from './problem.js';
import { scanDepth } from './scan-depth.js';

/** One document of a file, as text. */
export interface Chunk {
  readonly text: string;
  /** 1-based line of its first character in the file */
  readonly line: number;
}

/**
 * Anything that could make a split change meaning: a directive or a `...` end marker at column 0
 * (a directive applies to the documents after it), a byte order mark, or a carriage return that
 * does not end a line (a line break to YAML, not to the split).
 */
const UNSAFE = /^(?:%|\.\.\.)|\uFEFF|\r(?!\n)/m;

/** Whether a line starting at `at` is a document start marker: `---` alone or followed by a space or tab. */
function isMarker(text: string, at: number): boolean {
  if (!text.startsWith('---', at)) return false;
  const next = text[at + 3];
  return next === undefined || next === '\n' || next === '\r' || next === ' ' || next === '\t';
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Splits a YAML stream into its documents, each starting at a `---` line (the first one may start
 * without one). Returns undefined when the text holds anything that could make a split change
 * meaning (see `UNSAFE`); the caller then parses the text whole. Empty chunks are left out.
 */
export function splitChunks(text: string): Chunk[] | undefined {
  if (UNSAFE.test(text)) return undefined;
  const chunks: Chunk[] = [];
  let start = 0;
  let line = 1;
  const close = (end: number): void => {
    if (end > start) chunks.push({ text: text.slice(start, end), line });
    line += countLines(text, start, end);
    start = end;
  };
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) if (isMarker(text, nl + 1)) close(nl + 1);
  close(text.length);
  return chunks;
}

/** One document's declarations, at the line the document started on when they were made. */
interface Parsed {
  readonly line: number;
  readonly declared: readonly Declared[];
}

/** What `declarationsFromChunks` keeps of a file for the next call: each clean document's declarations, by text. */
export interface ChunkMemo {
  readonly byText: ReadonlyMap<string, Parsed>;
}

/** The result of `declarationsFromChunks`. */
export interface ChunkedResult {
  /** Equal to `declarationsFromText` of the whole text, positions included. */
  readonly result: TextResult;
  /** Pass it to the next call for the same file. */
  readonly memo: ChunkMemo;
  /** Documents parsed one by one in this call. */
  readonly parsedChunks: number;
  /** Whether the whole text was parsed (it could not be split, or a document had problems). */
  readonly parsedWhole: boolean;
}

const EMPTY_MEMO: ChunkMemo = { byText: new Map() };

function shiftPosition(p: Position, delta: number): Position {
  return { line: p.line + delta, col: p.col };
}

/** The declaration as a parse of its document `delta` lines further down the file gives it. */
function shifted(d: Declared, delta: number): Declared {
  const o: SourceOrigin = d.origin;
  const line = o.line !== undefined ? { line: o.line + delta } : {};
  const fields = o.fields !== undefined ? { fields: Object.fromEntries(Object.entries(o.fields).map(([k, p]) => [k, shiftPosition(p, delta)])) } : {};
  return { ...d, origin: { ...o, ...line, ...fields } };
}

function at(parsed: Parsed, line: number): Parsed {
  return parsed.line === line ? parsed : { line, declared: parsed.declared.map((d) => shifted(d, line - parsed.line)) };
}

/**
 * Parses one document on its own; undefined when it must be parsed with the whole file: it reports
 * a problem, or its depth scan ends inside a flow collection or quote (the next document would
 * then be scanned differently as part of the whole file).
 */
function parseChunk(chunk: Chunk, file: string, options: TextOptions): Parsed | undefined {
  if (scanDepth(chunk.text, options.maxDepth ?? DEFAULT_MAX_DEPTH).isOpen) return undefined;
  const r = declarationsFromText(chunk.text, file, options);
  if (r.diagnostics.length > 0 || r.rejected.length > 0) return undefined;
  return at({ line: 1, declared: r.declared }, chunk.line);
}

/**
 * `declarationsFromText(text, file, options)`, re-using the documents of `previous` (the memo of
 * an earlier call for the same file with the same options) whose text is unchanged. A document at
 * the same line gives back the same `Declared` objects.
 */
export function declarationsFromChunks(text: string, file: string, options: TextOptions = {}, previous: ChunkMemo = EMPTY_MEMO): ChunkedResult {
  const chunks = splitChunks(text);
  const whole = (byText: ReadonlyMap<string, Parsed>, parsedChunks: number): ChunkedResult => ({ result: declarationsFromText(text, file, options), memo: { byText }, parsedChunks, parsedWhole: true });
  if (chunks === undefined || chunks.length < 2) return whole(new Map(), 0);
  const byText = new Map<string, Parsed>();
  const declared: Declared[] = [];
  let parsedChunks = 0;
  let clean = true;
  for (const chunk of chunks) {
    const known = previous.byText.get(chunk.text) ?? byText.get(chunk.text);
    let parsed = known !== undefined ? at(known, chunk.line) : undefined;
    if (parsed === undefined && clean) {
      parsedChunks += 1;
      parsed = parseChunk(chunk, file, options);
      clean = parsed !== undefined;
    }
    if (parsed === undefined) continue;
    if (!byText.has(chunk.text)) byText.set(chunk.text, parsed);
    declared.push(...parsed.declared);
  }
  if (!clean) return whole(byText, parsedChunks);
  return { result: { declared, diagnostics: [], rejected: [] }, memo: { byText }, parsedChunks, parsedWhole: false };
}
