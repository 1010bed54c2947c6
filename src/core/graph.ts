/**
 * The step graph: waves (every step one wave after its last dependency, so unrelated steps share a
 * wave and run in parallel), cycle detection, and the spreading of a block to everything that
 * depends on a blocked change. Linear in steps plus edges.
 */
import type { Blocker, Step } from './change.js';
import { cmp } from './context.js';
import { keyOfStep, type Draft } from './draft.js';
import { KINDS, type Key, type ManagedKind } from './model.js';

/** The steps grouped so that every step runs one wave after its last dependency. */
export interface Waves {
  /** Step ids per wave, sorted within a wave. */
  readonly waves: readonly (readonly string[])[];
  /** Steps that never became ready: they are in, or depend on, a cycle. Sorted. */
  readonly cyclic: readonly string[];
}

function dependentsOf(steps: readonly Step[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of steps) {
    for (const d of s.dependsOn) {
      const list = out.get(d);
      if (list) list.push(s.id);
      else out.set(d, [s.id]);
    }
  }
  return out;
}

/** Layers steps whose dependencies are all among `steps` into waves (Kahn, layer by layer). */
export function toWaves(steps: readonly Step[]): Waves {
  const dependents = dependentsOf(steps);
  const waiting = new Map(steps.map((s) => [s.id, s.dependsOn.length]));
  let current = steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id).sort(cmp);
  const waves: string[][] = [];
  while (current.length > 0) {
    waves.push(current);
    const next: string[] = [];
    for (const id of current) {
      for (const d of dependents.get(id) ?? []) {
        const left = (waiting.get(d) ?? 0) - 1;
        waiting.set(d, left);
        if (left === 0) next.push(d);
      }
    }
    current = next.sort(cmp);
  }
  const cyclic = [...waiting].filter(([, n]) => n > 0).map(([id]) => id).sort(cmp);
  return { waves, cyclic };
}

/** The kind and name of a key, for a Blocker's `by`. */
export function byOfKey(key: Key): Blocker['by'] {
  const slash = key.indexOf('/');
  const kind = key.slice(0, slash);
  const isManaged = (k: string): k is ManagedKind => k !== 'Target' && (KINDS as readonly string[]).includes(k);
  return isManaged(kind) ? { kind, name: key.slice(slash + 1) } : undefined;
}

/** The blocker of a change that depends on a blocked one. */
export function dependencyBlocker(origin: Key): Blocker {
  const by = byOfKey(origin);
  return {
    rule: 'PLAN_BLOCKED_DEPENDENCY',
    summary: `depends on blocked ${origin}`,
    hint: `unblock ${origin} first (see its reason)`,
    ...(by ? { by } : {}),
  };
}

/**
 * Blocks every change with a step that depends on a step that will not run (a blocked change's,
 * or one that was never planned), transitively. The reason names the change it waits for.
 */
export function propagateBlocked(drafts: readonly Draft[]): Draft[] {
  const out = [...drafts];
  const alive = new Map<string, number>();
  out.forEach((d, i) => {
    if (d.blocker === undefined) for (const s of d.steps) alive.set(s.step.id, i);
  });
  const aliveSteps = out.flatMap((d) => (d.blocker === undefined ? d.steps.map((s) => s.step) : []));
  const dependents = dependentsOf(aliveSteps);
  const queue: [number, Key][] = [];
  for (const s of aliveSteps) {
    const missing = s.dependsOn.find((dep) => !alive.has(dep));
    if (missing !== undefined) queue.push([alive.get(s.id) ?? -1, keyOfStep(missing)]);
  }
  for (let head = 0; head < queue.length; head++) {
    const [i, origin] = queue[head] as [number, Key];
    const d = out[i];
    if (d === undefined || d.blocker !== undefined) continue;
    out[i] = { ...d, blocker: dependencyBlocker(origin) };
    for (const s of d.steps) {
      for (const dep of dependents.get(s.step.id) ?? []) {
        const j = alive.get(dep);
        if (j !== undefined && j !== i) queue.push([j, d.change.key]);
      }
    }
  }
  return out;
}
