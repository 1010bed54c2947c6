/**
 * A linear pre-scan that bounds the nesting depth of YAML text before the `yaml` parser sees it.
 * The parser recurses once per level and aborts the whole process (a fatal V8 error, not an
 * exception) on small inputs such as two lines of 1,000 `- `, so depth must be checked first.
 * The bound is conservative: it may count a level too many, never too few.
 */

/** Where the text first goes deeper than allowed. */
export interface DepthExcess {
  readonly depth: number;
  readonly line: number;
  readonly col: number;
}

interface ScanState {
  /** indentation of each open block level */
  readonly stack: number[];
  flow: number;
  quote: '' | "'" | '"';
  /** indentation of the line that opened a block scalar, or -1 */
  blockScalarParent: number;
}

/** A depth scan: where the text first goes too deep, and whether it ends inside a flow collection or a quoted scalar. */
export interface DepthScan {
  readonly excess: DepthExcess | undefined;
  /**
   * true when the scan ends inside `[`/`{` or a quote. Otherwise a scan of a text that follows on
   * a `---` line starts from the state a fresh scan has, so documents can be scanned one by one.
   */
  readonly isOpen: boolean;
}

/** Scans `text` as `findExcessiveDepth` does, and tells whether it ends inside a flow collection or a quote. */
export function scanDepth(text: string, maxDepth: number): DepthScan {
  const state: ScanState = { stack: [], flow: 0, quote: '', blockScalarParent: -1 };
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const found = scanLine(text, start, end, state, maxDepth);
    if (found !== undefined) return { excess: { depth: found.depth, line, col: found.offset - start + 1 }, isOpen: true };
    start = end + 1;
  }
  return { excess: undefined, isOpen: state.flow > 0 || state.quote !== '' };
}

/**
 * Returns the first position where nesting exceeds `maxDepth`, or `undefined` when the text stays
 * within it. Counts block indentation levels, compact indicators (`- - -`, `? `, `: `) and
 * unclosed flow brackets outside quoted scalars and comments.
 */
export function findExcessiveDepth(text: string, maxDepth: number): DepthExcess | undefined {
  return scanDepth(text, maxDepth).excess;
}

function indentOf(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  return i - start;
}

function scanLine(text: string, start: number, end: number, s: ScanState, max: number): { depth: number; offset: number } | undefined {
  const indent = indentOf(text, start, end);
  const first = start + indent;
  const empty = first >= end || text[first] === '\r';
  if (s.blockScalarParent >= 0) {
    if (empty || indent > s.blockScalarParent) return undefined;
    s.blockScalarParent = -1;
  }
  if (empty || (s.quote === '' && text[first] === '#')) return undefined;
  if (s.flow === 0 && s.quote === '') {
    if (indent === 0 && (text.startsWith('---', first) || text.startsWith('...', first))) s.stack.length = 0;
    while (s.stack.length > 0 && (s.stack[s.stack.length - 1] ?? 0) >= indent) s.stack.pop();
    s.stack.push(indent);
  }
  return scanTokens(text, { start, first, end }, s, max);
}

/** Whether position `i` can start a node: after indentation or an indicator such as `- `, `: `, `,`, `[`. */
function atNodeStart(text: string, i: number, lineStart: number): boolean {
  let j = i - 1;
  while (j >= lineStart && (text[j] === ' ' || text[j] === '\t')) j--;
  if (j < lineStart) return true;
  const c = text[j];
  return c === '-' || c === '?' || c === ':' || c === ',' || c === '[' || c === '{';
}

function isSpace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\r';
}

/** Skips a quoted scalar's characters; returns the index of the last character consumed. */
function skipQuoted(text: string, i: number, s: ScanState): number {
  const c = text[i];
  if (s.quote === '"' && c === '\\') return i + 1;
  if (c !== s.quote) return i;
  if (s.quote === "'" && text[i + 1] === "'") return i + 1;
  s.quote = '';
  return i;
}

interface LineBounds {
  readonly start: number;
  readonly first: number;
  readonly end: number;
}

function scanTokens(text: string, at: LineBounds, s: ScanState, max: number): { depth: number; offset: number } | undefined {
  let extra = 0;
  let nodeCol = at.first - at.start;
  for (let i = at.first; i < at.end; i++) {
    if (s.quote !== '') {
      i = skipQuoted(text, i, s);
      continue;
    }
    const c = text[i] ?? '';
    if (c === '#' && (i === at.first || isSpace(text[i - 1]))) break;
    const spaced = isSpace(text[i + 1]) || i + 1 === at.end;
    if ((c === '"' || c === "'") && atNodeStart(text, i, at.first)) s.quote = c;
    else if (c === '[' || c === '{') s.flow++;
    else if ((c === ']' || c === '}') && s.flow > 0) s.flow--;
    else if ((c === '-' || c === '?') && spaced) {
      extra++;
      let j = i + 1;
      while (j < at.end && isSpace(text[j])) j++;
      nodeCol = j - at.start;
    } else if (c === ':' && spaced) extra++;
    else if ((c === '|' || c === '>') && s.flow === 0 && atNodeStart(text, i, at.first)) s.blockScalarParent = nodeCol;
    const depth = s.stack.length + extra + s.flow;
    if (depth > max) return { depth, offset: i };
  }
  return undefined;
}
