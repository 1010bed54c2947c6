/**
 * The benchmark's results: phases with what they cost (time, CPU, peak RSS, platform requests by
 * route), the targets of issue 8 checked against them, and their rendering as tables.
 */

/** One measured phase. */
export interface Phase {
  readonly name: string;
  readonly wallMs: number;
  /** CPU of the CLI process (user + system); absent for phases run without the CLI. */
  readonly cpuMs?: number;
  readonly maxRssMb?: number;
  /** CPU the sandbox process spent during the phase. */
  readonly sandboxCpuMs?: number;
  /** Requests the sandbox served, by `METHOD /route/{template}`. */
  readonly requests: Readonly<Record<string, number>>;
  readonly exitCode?: number | null;
  /**
   * An apply's write phase: from its first to its last step line on stdout, stretched by one
   * step's share (n lines span n - 1 intervals). Its rate is the one bounded by the platform.
   */
  readonly writePhaseMs?: number;
}

/** One target of the issue with the measured value. */
export interface Check {
  readonly target: string;
  readonly measured: string;
  readonly ok: boolean;
}

/** Requests of a phase grouped the way the targets speak of them. */
export interface RequestSummary {
  readonly total: number;
  /** GETs of collections (and of the bluzone reseller record, the one ProjectDefaults object). */
  readonly lists: number;
  /** GETs of one object by id. */
  readonly perObjectGets: number;
  readonly writes: number;
}

const isPerObject = (route: string): boolean => /\{(id|projectId)\}$/.test(route);

/** Sums a phase's requests into lists, per-object GETs and writes. */
export function summarize(requests: Readonly<Record<string, number>>): RequestSummary {
  let lists = 0;
  let perObjectGets = 0;
  let writes = 0;
  for (const [key, n] of Object.entries(requests)) {
    const [method = '', route = ''] = key.split(' ');
    if (method !== 'GET') writes += n;
    else if (isPerObject(route)) perObjectGets += n;
    else lists += n;
  }
  return { total: lists + perObjectGets + writes, lists, perObjectGets, writes };
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
const pad = (s: string, w: number, right = false): string => (right ? s.padEnd(w) : s.padStart(w));

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i] ?? 0, i === 0)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The phase table: one row per phase. */
export function renderPhases(phases: readonly Phase[]): string {
  const rows = phases.map((p) => {
    const s = summarize(p.requests);
    const rate = s.total > 0 ? s.total / (p.wallMs / 1000) : undefined;
    return [
      p.name, fmt(p.wallMs / 1000, 2), fmt(p.cpuMs === undefined ? undefined : p.cpuMs / 1000, 2), fmt(p.maxRssMb),
      fmt(p.sandboxCpuMs === undefined ? undefined : p.sandboxCpuMs / 1000, 2),
      String(s.total), String(s.lists), String(s.perObjectGets), String(s.writes), fmt(rate),
      fmt(p.writePhaseMs === undefined ? undefined : s.writes / (p.writePhaseMs / 1000)), p.exitCode === undefined ? '-' : String(p.exitCode),
    ];
  });
  return table(['phase', 'wall s', 'cpu s', 'rss MB', 'sandbox cpu s', 'requests', 'lists', 'GET/id', 'writes', 'req/s', 'write req/s', 'exit'], rows);
}

/** Requests by method and route, one column per phase that made any. */
export function renderRoutes(phases: readonly Phase[]): string {
  const withRequests = phases.filter((p) => Object.keys(p.requests).length > 0);
  const routes = [...new Set(withRequests.flatMap((p) => Object.keys(p.requests)))].sort();
  const rows = routes.map((r) => [r, ...withRequests.map((p) => String(p.requests[r] ?? 0))]);
  return table(['route', ...withRequests.map((p) => p.name)], rows);
}

/** The targets as a table of pass/fail lines. */
export function renderChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${c.ok ? 'ok  ' : 'MISS'} ${c.target}\n     ${c.measured}`).join('\n');
}
