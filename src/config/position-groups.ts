/**
 * Positions in a list of declarations grouped by a two-part key (kind and name, target and
 * projectName...), each group in ascending order, so "the first declaration of this key" is always
 * the group's first position. Updated in place as declarations leave and join, which is what lets
 * a re-check after a change look only at the groups the change touched. A group of one position
 * (nearly all of them) is held as the number alone. Holds no declarations.
 */

/** Ascending positions by key; a single position as a number. */
export type PositionGroups = Map<string, Map<string, number | number[]>>;

/** The positions of key `(a, b)` in ascending order (empty when there is none). */
export function positionsOf(groups: PositionGroups, a: string, b: string): readonly number[] {
  const held = groups.get(a)?.get(b);
  return held === undefined ? [] : typeof held === 'number' ? [held] : held;
}

/** The first position of key `(a, b)`, or undefined when there is none. */
export function firstOf(groups: PositionGroups, a: string, b: string): number | undefined {
  const held = groups.get(a)?.get(b);
  return typeof held === 'object' ? held[0] : held;
}

/** Calls `visit` with the positions of every key that has more than one. */
export function forEachShared(groups: PositionGroups, visit: (positions: readonly number[]) => void): void {
  for (const inner of groups.values()) for (const held of inner.values()) if (typeof held === 'object') visit(held);
}

/** Adds position `p` to key `(a, b)`, keeping the order; a position added twice is held twice. */
export function joinGroup(groups: PositionGroups, a: string, b: string, p: number): void {
  let inner = groups.get(a);
  if (inner === undefined) groups.set(a, (inner = new Map()));
  const held = inner.get(b);
  if (held === undefined) {
    inner.set(b, p);
    return;
  }
  const list = typeof held === 'number' ? [held] : held;
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > p) i--;
  list.splice(i, 0, p);
  inner.set(b, list);
}

/** Removes one occurrence of position `p` from key `(a, b)`, and the key once it has none. */
export function leaveGroup(groups: PositionGroups, a: string, b: string, p: number): void {
  const inner = groups.get(a);
  const held = inner?.get(b);
  if (inner === undefined || held === undefined) return;
  if (typeof held === 'object') {
    const i = held.indexOf(p);
    if (i !== -1) held.splice(i, 1);
    if (held.length > 1) return;
    if (held.length === 1) {
      inner.set(b, held[0] as number);
      return;
    }
  } else if (held !== p) return;
  inner.delete(b);
  if (inner.size === 0) groups.delete(a);
}
