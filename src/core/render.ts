/**
 * Renders a plan as text (terminal), JSON (machines; schemas/plan-output.json) or Markdown (a
 * pull-request comment). Rendering is pure and deterministic: the same plan gives the same bytes,
 * and no format ever contains a secret value.
 */
import type { Blocker, Change, FieldDiff, Plan } from './change.js';
import { assertNever, isSensitive, SENSITIVE_MARK } from './model.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText, summarize, type RenderOptions, type Summary } from './render-text.js';

/** The output formats of a plan (`--output`). */
export type PlanFormat = 'text' | 'json' | 'markdown';
/** How to render a plan (see render-text.ts). */
export type { RenderOptions };

/** One change in the JSON output (schemas/plan-output.json `#/$defs/action`). */
export interface PlanOutputAction {
  readonly action: Change['action'];
  readonly kind: Change['kind'];
  readonly name: string;
  readonly target: string;
  readonly externalId?: string;
  readonly changes: readonly FieldDiff[];
  readonly reason?: string;
  readonly blocker?: Blocker;
  readonly touches?: readonly string[];
}

/** The JSON output of a plan (schemas/plan-output.json). */
export interface PlanOutput {
  readonly actions: readonly PlanOutputAction[];
  readonly summary: Summary;
  readonly embedded?: true;
  readonly diagnostics: readonly { readonly severity: string; readonly code: string; readonly summary: string }[];
}

function outputField(f: FieldDiff): FieldDiff {
  if (f.sensitive || isSensitive(f.before) || isSensitive(f.after)) return { path: f.path, sensitive: true };
  return { path: f.path, ...(f.before !== undefined ? { before: f.before } : {}), ...(f.after !== undefined ? { after: f.after } : {}) };
}

function outputBlocker(b: Blocker): Blocker {
  return { rule: b.rule, summary: b.summary, hint: b.hint, ...(b.by ? { by: b.by } : {}) };
}

function outputAction(c: Change): PlanOutputAction {
  return {
    action: c.action,
    kind: c.kind,
    name: c.name,
    target: c.target,
    ...(c.externalId !== undefined ? { externalId: c.externalId } : {}),
    changes: c.fields.map(outputField),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.blocker !== undefined ? { blocker: outputBlocker(c.blocker) } : {}),
    ...(c.touches !== undefined ? { touches: c.touches } : {}),
  };
}

/** The plan as the JSON document described by schemas/plan-output.json. */
export function toPlanOutput(plan: Plan, options: RenderOptions = {}): PlanOutput {
  return {
    actions: plan.changes.map(outputAction),
    summary: summarize(plan),
    ...(options.embedded ? { embedded: true as const } : {}),
    diagnostics: plan.diagnostics.map((d) => ({ severity: d.severity, code: d.code, summary: d.summary })),
  };
}

/** A JSON replacer that turns any secret that slipped into a value into `(sensitive)`. */
function redact(_key: string, value: unknown): unknown {
  return isSensitive(value) ? SENSITIVE_MARK : value;
}

/** Renders the plan in one of the three formats, without a trailing newline. */
export function renderPlan(plan: Plan, format: PlanFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(plan, options);
    case 'markdown':
      return renderMarkdown(plan, options);
    case 'json':
      return JSON.stringify(toPlanOutput(plan, options), redact, 2);
    default:
      return assertNever(format);
  }
}
