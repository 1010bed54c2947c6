/**
 * Maps a field path of a parsed YAML document to a 1-based line and column, so every diagnostic
 * can point at the exact key or value. Pure; holds the document only as long as the caller does.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/** A 1-based line and column in a file. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A field path as ajv and the converters see it: keys and array indices. */
export type FieldPath = readonly (string | number)[];

/** Finds positions of fields inside one document. */
export interface Locator {
  /** Where the value at `path` starts, or where its nearest existing ancestor is cited. */
  value(path: FieldPath): Position;
  /** Where the key of the last segment of `path` is; for an array item or the root, its value. */
  key(path: FieldPath): Position;
}

function childOf(node: unknown, seg: string | number): { pair?: Pair<unknown, unknown>; node: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    return pair ? { pair, node: pair.value } : undefined;
  }
  if (isSeq(node)) {
    const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
    return i >= 0 && i < node.items.length ? { node: node.items[i] } : undefined;
  }
  return undefined;
}

interface Walk {
  /** the deepest node reached and the pair that holds it, if any */
  readonly node: unknown;
  readonly pair: Pair<unknown, unknown> | undefined;
  /** whether every segment was found */
  readonly complete: boolean;
}

function walk(doc: Document, path: FieldPath): Walk {
  let node: unknown = doc.contents;
  let pair: Pair<unknown, unknown> | undefined;
  for (const seg of path) {
    const next = childOf(node, seg);
    if (next === undefined) return { node, pair, complete: false };
    node = next.node;
    pair = next.pair;
  }
  return { node, pair, complete: true };
}

function isImplicitNull(node: unknown): boolean {
  return isScalar(node) && node.value === null && (node.source === '' || node.source === undefined || node.source === null);
}

/** Creates a locator over one document of a stream whose offsets `lines` counts. */
export function createLocator(doc: Document, lines: LineCounter): Locator {
  const docStart = (doc.range?.[0] ?? 0);
  const at = (node: unknown): Position => {
    const offset = isNode(node) && node.range ? node.range[0] : isPair(node) && isNode(node.key) && node.key.range ? node.key.range[0] : docStart;
    return lines.linePos(offset);
  };
  const keyOf = (w: Walk): Position => (w.pair !== undefined ? at(w.pair.key) : at(w.node));
  return {
    value(path) {
      const w = walk(doc, path);
      if (!w.complete) return keyOf(w);
      return isImplicitNull(w.node) || !isNode(w.node) ? keyOf(w) : at(w.node as Node);
    },
    key(path) {
      return keyOf(walk(doc, path));
    },
  };
}
