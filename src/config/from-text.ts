/**
 * The per-file step: text of one file to declarations and located diagnostics. Parses once,
 * validates each document, converts it, keeps only the positions later checks cite, and drops
 * the document trees. Pure (no file system access), so watch mode can re-run it for one file.
 */
import { formatPath } from '../core/diagnostics.js';
import type { Declared, Diagnostic } from '../core/model.js';
import { checkDocument, keyOfRejected } from './check-document.js';
import type { FieldPath, Locator, Position } from './locate.js';
import { forEachDocument, type ParsedDocument } from './parse.js';
import { toDiagnostic, type Problem, type SourceOrigin } from './problem.js';
import { fileSecretPolicy } from './secret-policies.js';
import { toDeclared } from './to-declared.js';

/** Options of `declarationsFromText`. */
export interface TextOptions {
  /** The configuration root: `valueFrom.file` must stay inside it. @default the file's directory */
  readonly root?: string;
  /** Accept `valueFrom.file` paths outside the root. @default false */
  readonly allowOutsideRoot?: boolean;
  /** Deepest nesting accepted before parsing. @default 64 */
  readonly maxDepth?: number;
}

/** Declarations of one file and the problems found in it. */
export interface TextResult {
  readonly declared: Declared[];
  readonly diagnostics: Diagnostic[];
  /** keys of documents rejected with diagnostics (pass them to `checkDeclarations`) */
  readonly rejected: string[];
}

function locateProblem(locate: Locator): (p: Problem) => Position {
  return (p) => (p.at === 'key' ? locate.key(p.path) : locate.value(p.path));
}

function convertDocument(parsed: ParsedDocument, file: string, options: TextOptions): TextResult {
  const origin = { file, line: parsed.start.line, col: parsed.start.col };
  const where = locateProblem(parsed.locate);
  const reject = (problems: readonly Problem[]): TextResult => {
    const key = keyOfRejected(parsed.data);
    return { declared: [], diagnostics: problems.map((p) => toDiagnostic(p, origin, where)), rejected: key !== undefined ? [key] : [] };
  };
  const checked = checkDocument(parsed.data);
  if (checked.doc === undefined) return reject(checked.problems);
  const cited: FieldPath[] = [];
  const secret = fileSecretPolicy({ file, ...options });
  const converted = toDeclared(checked.doc, { origin, secret, cite: (path) => cited.push(path) });
  const problems = [...checked.problems, ...converted.problems];
  if (converted.declared === undefined || problems.length > 0) return reject(problems);
  // `spec` is cited by its key: a missing field of spec (such as targetRef) is reported on that line
  const fields = Object.fromEntries([['spec', parsed.locate.key(['spec'])], ...cited.map((path) => [formatPath(path), parsed.locate.value(path)])]);
  const withFields: SourceOrigin = { ...origin, fields };
  return { declared: [{ ...converted.declared, origin: withFields }], diagnostics: [], rejected: [] };
}

/**
 * Parses, validates and converts every document of one file. Never throws for bad input: every
 * problem is a diagnostic at `file:line:col`. `file` is used as given in diagnostics and as the
 * anchor of relative `valueFrom.file` paths. Targets are left unassigned (see `checkDeclarations`).
 */
export function declarationsFromText(text: string, file: string, options: TextOptions = {}): TextResult {
  const declared: Declared[] = [];
  const converted: Diagnostic[] = [];
  const rejected: string[] = [];
  const parseOptions = options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {};
  // each document is converted as soon as it is parsed, so its tree can be dropped at once
  const parsed = forEachDocument(text, file, parseOptions, (doc) => {
    const one = convertDocument(doc, file, options);
    declared.push(...one.declared);
    converted.push(...one.diagnostics);
    rejected.push(...one.rejected);
  });
  return { declared, diagnostics: [...parsed, ...converted], rejected };
}
