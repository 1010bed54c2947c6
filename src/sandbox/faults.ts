/**
 * Fault injection, a feature of the sandbox platform: random 5xx answers, 429 with Retry-After,
 * added latency, connections dropped without an answer, and answers lost after a write committed.
 * With a seed the sequence of faults is deterministic for a given sequence of requests.
 */

/** Shares are probabilities between 0 and 1, drawn independently for every request. */
export interface FaultOptions {
  /** Share of requests answered 500, 502 or 503. @default 0 */
  error?: number;
  /** Share of requests answered 429 with `Retry-After`. @default 0 */
  rateLimit?: number;
  /** `Retry-After` in whole seconds sent with a 429 (0 lets tests retry at once). @default 1 */
  retryAfterSeconds?: number;
  /** Added latency: a fixed number of milliseconds, or a uniform `[min, max]` range. @default 0 */
  latencyMs?: number | [min: number, max: number];
  /** Share of connections destroyed without an answer. @default 0 */
  reset?: number;
  /** Share of successful writes whose answer is dropped after the write committed. @default 0 */
  failAfterWrite?: number;
  /** Seed of the fault sequence; random when absent. */
  seed?: number;
}

/** What to do with one request before and after it is handled. */
export interface FaultDecision {
  readonly delayMs: number;
  readonly action: 'reset' | 'rate-limit' | 'error' | 'pass';
  /** 500, 502 or 503 when `action` is `error`. */
  readonly errorStatus: number;
  readonly retryAfterSeconds: number;
  /** Drop the answer if the request turns out to be a successful write. */
  readonly dropAfterWrite: boolean;
}

/** Draws one decision per request from a seeded sequence. */
export interface FaultInjector {
  decide(): FaultDecision;
  set(options: FaultOptions): void;
}

const ERROR_STATUSES = [500, 502, 503] as const;

/** Mulberry32: a small, fast, seedable generator; quality is ample for fault shares. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates an injector; every decision draws the same six numbers, so sequences stay aligned. */
export function createFaultInjector(initial: FaultOptions = {}): FaultInjector {
  let options = initial;
  let next = mulberry32(initial.seed ?? Math.floor(Math.random() * 2 ** 32));
  return {
    set(o) {
      options = o;
      if (o.seed !== undefined) next = mulberry32(o.seed);
    },
    decide() {
      const [rReset, rLimit, rError, rStatus, rLatency, rWrite] = [next(), next(), next(), next(), next(), next()];
      const latency = options.latencyMs ?? 0;
      const delayMs = Array.isArray(latency) ? latency[0] + rLatency * (latency[1] - latency[0]) : latency;
      let action: FaultDecision['action'] = 'pass';
      if (rReset < (options.reset ?? 0)) action = 'reset';
      else if (rLimit < (options.rateLimit ?? 0)) action = 'rate-limit';
      else if (rError < (options.error ?? 0)) action = 'error';
      return {
        delayMs: Math.max(0, delayMs),
        action,
        errorStatus: ERROR_STATUSES[Math.floor(rStatus * ERROR_STATUSES.length)] ?? 500,
        retryAfterSeconds: Math.max(0, Math.round(options.retryAfterSeconds ?? 1)),
        dropAfterWrite: rWrite < (options.failAfterWrite ?? 0),
      };
    },
  };
}

/**
 * Parses the CLI form `error=0.1,429=0.05,latency=20ms,reset=0.01` (also `latency=10-50ms`,
 * `lost=0.02` for answers dropped after a write, `retry-after=2`, `seed=7`). Throws on an unknown
 * name or a value out of range.
 */
export function parseFaults(text: string): FaultOptions {
  const out: FaultOptions = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    switch (name) {
      case 'error': out.error = share(name, value); break;
      case '429': case 'rate-limit': out.rateLimit = share(name, value); break;
      case 'reset': out.reset = share(name, value); break;
      case 'lost': out.failAfterWrite = share(name, value); break;
      case 'latency': out.latencyMs = latencyOf(value); break;
      case 'retry-after': out.retryAfterSeconds = whole(name, value); break;
      case 'seed': out.seed = whole(name, value); break;
      default: throw new Error(`unknown fault "${name}" (expected error, 429, reset, lost, latency, retry-after, seed)`);
    }
  }
  return out;
}

function share(name: string, value: string): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`fault ${name} must be a share between 0 and 1, got "${value}"`);
  return n;
}

function whole(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new Error(`fault ${name} must be a whole number, got "${value}"`);
  return n;
}

function latencyOf(value: string): number | [number, number] {
  const m = /^(\d+)(?:-(\d+))?(ms|s)?$/.exec(value);
  if (!m) throw new Error(`fault latency must look like 20ms or 10-50ms, got "${value}"`);
  const unit = m[3] === 's' ? 1000 : 1;
  const min = Number(m[1]) * unit;
  if (m[2] === undefined) return min;
  const max = Number(m[2]) * unit;
  if (max < min) throw new Error(`fault latency range ${value} ends before it starts`);
  return [min, max];
}
