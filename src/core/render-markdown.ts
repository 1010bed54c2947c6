/**
 * The plan as a pull-request comment: a heading, the summary line and a summary table, the
 * blocked changes with their hints, and per target the changes in a `diff` block. Text from the
 * configuration or the platform is escaped so it cannot inject markup or close a code block.
 */
import type { Plan } from './change.js';
import {
  byTarget,
  detailLines,
  diagnosticLines,
  EMBEDDED_NOTE,
  escapeControl,
  headLine,
  summarize,
  summaryLine,
  type RenderOptions,
} from './render-text.js';

/** Escapes Markdown and HTML syntax in inline text. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>|~#&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(lang: string, body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

function summaryTable(plan: Plan): string[] {
  const s = summarize(plan);
  return [
    '| create | update | replace | delete | forget | blocked | unchanged |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.create} | ${s.update} | ${s.replace} | ${s.delete} | ${s.forget} | ${s.blocked} | ${s.noop} |`,
  ];
}

function blockedSection(plan: Plan): string[] {
  const blocked = plan.changes.filter((c) => c.action === 'blocked');
  if (blocked.length === 0) return [];
  const items = blocked.map((c) => {
    const why = escapeMarkdown(c.reason ?? '');
    const hint = c.blocker ? ` Fix: ${escapeMarkdown(c.blocker.hint)}` : '';
    return `- **${escapeMarkdown(c.key)}** on \`${c.target.replace(/`/g, '')}\`: ${why}.${hint}`;
  });
  return ['#### Blocked', '', ...items, ''];
}

/** Renders the plan as Markdown for a pull-request comment, without a trailing newline. */
export function renderMarkdown(plan: Plan, options: RenderOptions = {}): string {
  const lines: string[] = ['### syncwise plan', ''];
  if (options.embedded) lines.push(`> ${EMBEDDED_NOTE}`, '');
  lines.push(`**${summaryLine(summarize(plan))}**`, '', ...summaryTable(plan), '', ...blockedSection(plan));
  for (const [target, changes] of byTarget(plan)) {
    const body = changes.flatMap((c) => [headLine(c), ...detailLines(c).map((l) => `    ${l}`)]).join('\n');
    lines.push(`#### Target \`${target.replace(/`/g, '')}\``, '', fenced('diff', body), '');
  }
  if (plan.diagnostics.length > 0) lines.push('#### Diagnostics', '', fenced('text', diagnosticLines(plan.diagnostics).join('\n')), '');
  return escapeControl(lines.join('\n').trimEnd());
}
