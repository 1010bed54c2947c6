/**
 * The cross-file step: rules that need the whole configuration. Unique names per kind, targets
 * assigned, references resolved (see check-references.ts), unique projectName per target and one
 * ProjectDefaults per target. `checkDeclarations` checks a configuration once. A checker made by
 * `createDeclarationChecker` keeps what it found at each position of the list, and when the same
 * list comes back with a few declarations replaced (watch mode after a one-file change), re-checks
 * only what those can affect: the replaced declarations, the names, projectNames and ProjectDefaults
 * targets they leave or join, and the packages and subscriptions that reference a name whose
 * declaration changed. Its result is always the one `checkDeclarations` gives for the same input,
 * whatever it checked before. No I/O; `checkDeclarations` is pure.
 */
import { renderLocation } from '../core/diagnostics.js';
import type { Declared, Diagnostic } from '../core/model.js';
import { assignTarget, targetContext, type TargetContext } from './assign-targets.js';
import { forEachReference, referenceProblems, type Index } from './check-references.js';
import { firstOf, forEachShared, joinGroup, leaveGroup, positionsOf, type PositionGroups } from './position-groups.js';
import { fieldDiagnostic, fieldOrigin, type SourceOrigin } from './problem.js';

/** Options of `checkDeclarations`. */
export interface CheckOptions {
  /**
   * Keys (`<kind>/<name>`) of documents rejected by the per-file step (see `TextResult.rejected`):
   * references to them are not reported as dangling, since their own diagnostics explain them.
   * @default []
   */
  readonly rejected?: Iterable<string>;
}

/** Declarations with targets assigned, and every cross-declaration problem. */
export interface CheckResult {
  readonly declared: Declared[];
  readonly diagnostics: Diagnostic[];
}

/** Checks a configuration again and again as it changes. */
export interface DeclarationChecker {
  /** The result of `checkDeclarations(declared, options)`. */
  check(declared: readonly Declared[], options?: CheckOptions): CheckResult;
}

function seeAlso(first: Declared, path: readonly string[]): string {
  const where = renderLocation(fieldOrigin(first.origin as SourceOrigin, path));
  return where ? ` (first declared at ${where})` : '';
}

const NAME = ['metadata', 'name'];
const PROJECT_NAME = ['spec', 'projectName'];

/**
 * A rule that reports each declaration after the first with the same two-part key, citing the
 * first. Keys are read from declarations with their target assigned.
 */
interface UniqueRule {
  /** The first part of the declaration's key, or undefined when the rule does not apply to it. */
  group(d: Declared): string | undefined;
  /** The second part. */
  member(d: Declared): string;
  report(d: Declared, first: Declared): Diagnostic;
}

/** Names per kind (the groups of this rule also give the first declaration of each name), projectName per target, ProjectDefaults per target. */
const UNIQUE_RULES: readonly UniqueRule[] = [
  {
    group: (d) => d.kind,
    member: (d) => d.name,
    report: (d, first) => fieldDiagnostic(d.origin, NAME, 'CONFIG_DUPLICATE_NAME', `${d.key} is declared more than once${seeAlso(first, NAME)}`),
  },
  {
    group: (d) => (d.kind === 'Project' ? d.target : undefined),
    member: (d) => (d.kind === 'Project' ? d.spec.projectName : ''),
    report: (d, first) => {
      const projectName = d.kind === 'Project' ? d.spec.projectName : '';
      const summary = `projectName ${JSON.stringify(projectName)} is already used by ${first.key} on target ${d.target}${seeAlso(first, PROJECT_NAME)}`;
      return fieldDiagnostic(d.origin, PROJECT_NAME, 'CONFIG_DUPLICATE_PROJECT_NAME', summary);
    },
  },
  {
    group: (d) => (d.kind === 'ProjectDefaults' ? d.target : undefined),
    member: () => '',
    report: (d, first) => fieldDiagnostic(d.origin, NAME, 'CONFIG_DUPLICATE_DEFAULTS', `target ${d.target} already has ProjectDefaults ${first.name}${seeAlso(first, NAME)}; declare one per target`),
  },
];
const NAMES = 0;

const NONE: readonly Diagnostic[] = [];

/** What a check found at each position of the list, and the groups that relate positions. */
interface State {
  readonly sources: Declared[];
  readonly ctx: TargetContext;
  readonly assigned: Declared[];
  readonly assignProblems: (Diagnostic | undefined)[];
  /** One per rule of `UNIQUE_RULES`: positions by key, and the problem at each position. */
  readonly groups: PositionGroups[];
  readonly uniqueProblems: (Diagnostic | undefined)[][];
  /** Packages and subscriptions by the kind and name of each declaration they reference; made by the first update. */
  users: PositionGroups | undefined;
  readonly refProblems: (readonly Diagnostic[])[];
}

/** A group a change left or joined. */
interface Touched {
  readonly rule: number;
  readonly a: string;
  readonly b: string;
}

function emptyState(n: number, ctx: TargetContext): State {
  return {
    sources: new Array<Declared>(n),
    ctx,
    assigned: new Array<Declared>(n),
    assignProblems: new Array<Diagnostic | undefined>(n).fill(undefined),
    groups: UNIQUE_RULES.map(() => new Map()),
    uniqueProblems: UNIQUE_RULES.map(() => new Array<Diagnostic | undefined>(n).fill(undefined)),
    users: undefined,
    refProblems: new Array<readonly Diagnostic[]>(n).fill(NONE),
  };
}

/** The providers and packages by name: the first declaration of each name. */
function indexOf(s: State): Index {
  const first = (kind: string, name: string): Declared | undefined => {
    const p = firstOf(s.groups[NAMES] as PositionGroups, kind, name);
    return p === undefined ? undefined : s.assigned[p];
  };
  return {
    provider: (name) => {
      const d = first('ServiceProvider', name);
      return d?.kind === 'ServiceProvider' ? d : undefined;
    },
    package: (name) => {
      const d = first('ServicePackage', name);
      return d?.kind === 'ServicePackage' ? d : undefined;
    },
    rejected: s.ctx.rejected,
  };
}

/** Calls `visit` with each unique rule (by index) that applies to `a`, and `a`'s key under it. */
function forEachKey(a: Declared, visit: (rule: number, group: string, member: string) => void): void {
  UNIQUE_RULES.forEach((rule, i) => {
    const group = rule.group(a);
    if (group !== undefined) visit(i, group, rule.member(a));
  });
}

/** Puts declaration `d` at position `p`: assigns its target and adds it to its groups (recorded in `touched`, when given). */
function enter(s: State, p: number, d: Declared, touched: Touched[] | undefined): void {
  const r = assignTarget(d, s.ctx);
  const a = 'severity' in r ? d : r;
  s.sources[p] = d;
  s.assigned[p] = a;
  s.assignProblems[p] = 'severity' in r ? r : undefined;
  forEachKey(a, (rule, group, member) => {
    joinGroup(s.groups[rule] as PositionGroups, group, member, p);
    touched?.push({ rule, a: group, b: member });
  });
  const users = s.users;
  if (users !== undefined) forEachReference(a, (kind, name) => joinGroup(users, kind, name, p));
}

/** Takes the declaration at position `p` out of its groups, and forgets what was found at `p`. */
function leave(s: State, p: number, touched: Touched[]): void {
  const a = s.assigned[p] as Declared;
  forEachKey(a, (rule, group, member) => {
    leaveGroup(s.groups[rule] as PositionGroups, group, member, p);
    touched.push({ rule, a: group, b: member });
    (s.uniqueProblems[rule] as (Diagnostic | undefined)[])[p] = undefined;
  });
  const users = s.users;
  if (users !== undefined) forEachReference(a, (kind, name) => leaveGroup(users, kind, name, p));
  s.assignProblems[p] = undefined;
  s.refProblems[p] = NONE;
}

/** Reports every position of a group after the first. */
function refreshGroup(s: State, rule: number, list: readonly number[]): void {
  const first = list[0];
  if (first === undefined) return;
  const problems = s.uniqueProblems[rule] as (Diagnostic | undefined)[];
  const report = (UNIQUE_RULES[rule] as UniqueRule).report;
  problems[first] = undefined;
  for (let k = 1; k < list.length; k++) problems[list[k] as number] = report(s.assigned[list[k] as number] as Declared, s.assigned[first] as Declared);
}

function build(declared: readonly Declared[], rejected: ReadonlySet<string>): State {
  const s = emptyState(declared.length, targetContext(declared, rejected));
  declared.forEach((d, p) => enter(s, p, d, undefined));
  s.groups.forEach((groups, rule) => forEachShared(groups, (list) => refreshGroup(s, rule, list)));
  const index = indexOf(s);
  s.assigned.forEach((a, p) => (s.refProblems[p] = referenceProblems(a, index)));
  return s;
}

/** Replaces the declarations at `changed` by those of `next`, and re-checks what they affect. */
function update(s: State, next: readonly Declared[], changed: readonly number[]): void {
  const users = s.users ?? referencesOf(s.assigned);
  s.users = users;
  const touched: Touched[] = [];
  for (const p of changed) leave(s, p, touched);
  for (const p of changed) enter(s, p, next[p] as Declared, touched);
  const owners = new Set(changed);
  for (const t of touched) {
    refreshGroup(s, t.rule, positionsOf(s.groups[t.rule] as PositionGroups, t.a, t.b));
    if (t.rule === NAMES) for (const u of positionsOf(users, t.a, t.b)) owners.add(u);
  }
  const index = indexOf(s);
  for (const p of owners) s.refProblems[p] = referenceProblems(s.assigned[p] as Declared, index);
}

/** The positions of the packages and subscriptions that reference each kind and name. */
function referencesOf(assigned: readonly Declared[]): PositionGroups {
  const users: PositionGroups = new Map();
  assigned.forEach((a, p) => forEachReference(a, (kind, name) => joinGroup(users, kind, name, p)));
  return users;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}

/**
 * The positions whose declaration is another object than last time, or undefined when the check
 * must start over: the list has another length or other rejected keys, a Target changed (every
 * target assignment may change), or so much changed that starting over is cheaper.
 */
function changedPositions(s: State, next: readonly Declared[], rejected: ReadonlySet<string>): number[] | undefined {
  if (next.length !== s.sources.length || !sameSet(rejected, s.ctx.rejected)) return undefined;
  const changed: number[] = [];
  for (let p = 0; p < next.length; p++) {
    const d = next[p] as Declared;
    const before = s.sources[p] as Declared;
    if (d === before) continue;
    if (d.kind === 'Target' || before.kind === 'Target' || changed.length > next.length / 4) return undefined;
    changed.push(p);
  }
  return changed;
}

/** The diagnostics in the order of a full check: targets, the unique rules in turn, references; each in declaration order. */
function resultOf(s: State): CheckResult {
  const diagnostics: Diagnostic[] = [];
  for (const d of s.assignProblems) if (d !== undefined) diagnostics.push(d);
  for (const problems of s.uniqueProblems) for (const d of problems) if (d !== undefined) diagnostics.push(d);
  for (const ds of s.refProblems) if (ds.length > 0) diagnostics.push(...ds);
  return { declared: [...s.assigned], diagnostics };
}

/** Creates a checker that remembers its last check; the first check is a full one. */
export function createDeclarationChecker(): DeclarationChecker {
  let state: State | undefined;
  return {
    check(declared, options = {}) {
      const rejected = new Set(options.rejected);
      const changed = state === undefined ? undefined : changedPositions(state, declared, rejected);
      if (state === undefined || changed === undefined) state = build(declared, rejected);
      else if (changed.length > 0) update(state, declared, changed);
      return resultOf(state);
    },
  };
}

/**
 * Checks the whole configuration and assigns each declaration its target. Pass the outputs of
 * `declarationsFromText` / `declaredFromCustomResource` (targets unassigned unless `targetRef` was
 * given). Never throws; every problem is a diagnostic on the field concerned.
 */
export function checkDeclarations(declared: readonly Declared[], options: CheckOptions = {}): CheckResult {
  return createDeclarationChecker().check(declared, options);
}
