/**
 * The plan as people read it in a terminal, like Terraform's: `+ create`, `~ update`, `± replace`,
 * `- delete`, `. forget`, `! blocked`, grouped by target, one line per changed field, and a closing
 * summary line. Secrets only ever appear as `(sensitive)`; control characters are escaped so a
 * hostile name cannot rewrite the terminal.
 */
import type { Action, Change, FieldDiff, Plan } from './change.js';
import { isSensitive, SENSITIVE_MARK, type Diagnostic } from './model.js';

/** How to render a plan. */
export interface RenderOptions {
  /** The plan is for the embedded sandbox (no Target declared): say so. @default false */
  readonly embedded?: boolean;
}

/** How many changes of each action a plan holds. */
export type Summary = Readonly<Record<Action, number>>;

/** The symbol of each action, as Terraform draws them (`noop` is never drawn). */
export const SYMBOLS: Readonly<Record<Action, string>> = { create: '+', update: '~', replace: '±', delete: '-', forget: '.', blocked: '!', noop: ' ' };

/** The line that says a plan is for the embedded sandbox. */
export const EMBEDDED_NOTE = 'Note: no Target is declared, so this plan is for the embedded sandbox.';

/** Counts the changes of each action. */
export function summarize(plan: Plan): Summary {
  const out: Record<Action, number> = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, blocked: 0, noop: 0 };
  for (const c of plan.changes) out[c.action] += 1;
  return out;
}

/** Whether the plan changes nothing at all (every change is a noop). */
export function isEmptyPlan(s: Summary): boolean {
  return s.create + s.update + s.replace + s.delete + s.forget + s.blocked === 0;
}

/** `Plan: 2 to create, 1 to update, 0 to replace, 1 to delete, 1 blocked.` (forgets only when any). */
export function summaryLine(s: Summary): string {
  if (isEmptyPlan(s)) return 'No changes. The platform matches the configuration.';
  const forget = s.forget > 0 ? `, ${s.forget} to forget` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${forget}, ${s.blocked} blocked.`;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Escapes control characters (tab and newline excepted) as `\uXXXX`. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value on one line: strings quoted, arrays `[a, b]`, objects `{"k": v}`, secrets `(sensitive)`. */
export function formatValue(v: unknown): string {
  if (isSensitive(v)) return SENSITIVE_MARK;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${formatValue(x)}`).join(', ')}}`;
  }
  return v === undefined ? '(none)' : JSON.stringify(v);
}

/** One field line: `path: after` for a new object, `path: before -> after` for an existing one. */
export function fieldLine(f: FieldDiff, isNew: boolean): string {
  if (f.sensitive) return `${f.path}: ${SENSITIVE_MARK}`;
  if (isNew) return `${f.path}: ${formatValue(f.after)}`;
  const after = f.after === undefined ? '(removed)' : formatValue(f.after);
  return `${f.path}: ${formatValue(f.before)} -> ${after}`;
}

/** The head line of a change: `~ update ServiceProvider/p1 (id k1)`. */
export function headLine(c: Change): string {
  return `${SYMBOLS[c.action]} ${c.action} ${c.key}${c.externalId ? ` (id ${c.externalId})` : ''}`;
}

/** The detail lines under a change's head, unindented. */
export function detailLines(c: Change): string[] {
  const out = c.fields.map((f) => fieldLine(f, c.externalId === undefined));
  if (c.touches && c.touches.length > 0) out.push(`touches projects: ${c.touches.join(', ')}`);
  if (c.reason !== undefined) out.push(`reason: ${c.reason}`);
  if (c.blocker !== undefined) out.push(`hint: ${c.blocker.hint}`);
  return out;
}

/** The changes worth showing (noops hidden), grouped by target in plan order. */
export function byTarget(plan: Plan): Map<string, Change[]> {
  const out = new Map<string, Change[]>();
  for (const c of plan.changes) {
    if (c.action === 'noop') continue;
    out.set(c.target, [...(out.get(c.target) ?? []), c]);
  }
  return out;
}

/** `error PLAN_CYCLE ...` lines. */
export function diagnosticLines(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.severity} ${d.code} ${d.summary}`);
}

/** Renders the plan for a terminal, without a trailing newline. */
export function renderText(plan: Plan, options: RenderOptions = {}): string {
  const lines: string[] = [];
  if (options.embedded) lines.push(EMBEDDED_NOTE, '');
  for (const [target, changes] of byTarget(plan)) {
    lines.push(`target ${target}`);
    for (const c of changes) lines.push(`  ${headLine(c)}`, ...detailLines(c).map((l) => `      ${l}`));
    lines.push('');
  }
  if (plan.diagnostics.length > 0) lines.push(...diagnosticLines(plan.diagnostics), '');
  lines.push(summaryLine(summarize(plan)));
  return escapeControl(lines.join('\n'));
}
