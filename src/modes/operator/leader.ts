/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics, so that of several
 * operator replicas exactly one reconciles: a candidate takes the Lease when it is free or expired,
 * the leader renews it every retry period and steps down when it could not renew within the renew
 * deadline, and every write is conditional on the resourceVersion that was read (a 409 means another
 * replica won). Expiry is judged on this process's own monotonic clock, from the moment it last saw
 * the record change, never from the other holder's renewTime: two replicas with skewed clocks still
 * never both lead.
 */
import type { KubeConfig, V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import { claimedSpec, leaseClient, releaseLease, type LeaseClient } from '../../engine/ledger/lease.js';
import type { Logger } from '../../log.js';

/** A started elector; `isLeader` is true between onStartedLeading and onStoppedLeading. */
export interface LeaderElector {
  readonly isLeader: boolean;
  start(): void;
  /** releases the lease if held */
  stop(): Promise<void>;
}

/** Options of {@link createLeaderElector}. */
export interface LeaderElectorOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Name of the Lease. */
  readonly name: string;
  /** This replica's identity, written as holderIdentity (the pod name, usually). */
  readonly identity: string;
  /** How long a Lease stays valid after its holder last renewed it. @default 15 */
  readonly leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before it steps down; less than the lease duration. @default 10 */
  readonly renewDeadlineSeconds?: number;
  /** Pause between two attempts to acquire or renew. @default 2 */
  readonly retryPeriodSeconds?: number;
  /** Called when this replica becomes the leader. */
  readonly onStartedLeading: () => void;
  /** Called when this replica stops leading: it could not renew in time, or stop() was called while it led. */
  readonly onStoppedLeading: () => void;
  readonly log?: Logger;
}

/** client-go's JitterFactor: a candidate waits between 1 and 2.2 retry periods between attempts. */
const JITTER = 1.2;

interface Observed {
  readonly raw: string;
  readonly spec: V1LeaseSpec;
  /** performance.now() when this record was first seen. */
  readonly at: number;
}

function checkTimings(lease: number, deadline: number, retry: number): void {
  if (!(lease > deadline)) throw new Error(`leaseDurationSeconds (${lease}) must be greater than renewDeadlineSeconds (${deadline})`);
  if (!(deadline > retry * JITTER)) throw new Error(`renewDeadlineSeconds (${deadline}) must be greater than ${JITTER} x retryPeriodSeconds (${retry})`);
  if (!(retry > 0)) throw new Error('retryPeriodSeconds must be positive');
}

/** Waits `ms`, or less when `signal` fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One replica's candidacy: the state client-go's LeaderElector keeps between attempts. */
class Candidacy {
  private observed: Observed | undefined;

  constructor(
    private readonly leases: LeaseClient,
    private readonly identity: string,
    private readonly durationSeconds: number,
    private readonly log: Logger | undefined,
  ) {}

  /** True when the record, as last seen, names another holder whose lease has not expired by our own clock. */
  private heldByAnother(lease: V1Lease): boolean {
    const spec = lease.spec ?? {};
    const raw = JSON.stringify(spec);
    if (this.observed?.raw !== raw) this.observed = { raw, spec, at: performance.now() };
    const holder = spec.holderIdentity ?? '';
    const duration = (spec.leaseDurationSeconds ?? this.durationSeconds) * 1000;
    return holder !== '' && holder !== this.identity && this.observed.at + duration > performance.now();
  }

  private remember(lease: V1Lease): void {
    const spec = lease.spec ?? {};
    this.observed = { raw: JSON.stringify(spec), spec, at: performance.now() };
  }

  /** client-go's tryAcquireOrRenew: one read, then at most one conditional write. */
  async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    try {
      const lease = await this.leases.read(timeoutMs);
      const now = new Date();
      const written = lease === undefined
        ? await this.leases.create(claimedSpec(undefined, this.identity, this.durationSeconds, now), timeoutMs)
        : this.heldByAnother(lease) ? 'held' : await this.leases.replace(lease, claimedSpec(lease.spec, this.identity, this.durationSeconds, now), timeoutMs);
      if (written === 'held') return false;
      if (written === 'conflict') {
        this.log?.debug({ lease: this.leases.ref.name }, 'another replica wrote the lease first');
        return false;
      }
      this.remember(written);
      return true;
    } catch (e) {
      this.log?.warn({ lease: this.leases.ref.name, error: e instanceof Error ? e.message : String(e) }, 'cannot read or write the lease');
      return false;
    }
  }

  /** Clears holderIdentity if this replica still holds the Lease; never throws (an unreleased Lease expires on its own). */
  async release(timeoutMs: number): Promise<void> {
    try {
      if (await releaseLease(this.leases, this.identity, timeoutMs)) this.log?.info({ lease: this.leases.ref.name }, 'released the lease');
    } catch (e) {
      this.log?.warn({ lease: this.leases.ref.name, error: e instanceof Error ? e.message : String(e) }, 'cannot release the lease; it expires on its own');
    }
  }
}

interface Timings {
  readonly deadlineMs: number;
  readonly retryMs: number;
}

/** Tries until the Lease is won (true) or `signal` fires (false), pausing 1 to 2.2 retry periods between attempts. */
async function acquire(candidacy: Candidacy, t: Timings, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    if (await candidacy.tryAcquireOrRenew(t.deadlineMs)) return true;
    await pause(t.retryMs * (1 + JITTER * Math.random()), signal);
  }
  return false;
}

/** Renews every retry period; returns when a renewal failed for a whole renew deadline, or when `signal` fires. */
async function renew(candidacy: Candidacy, t: Timings, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await pause(t.retryMs, signal);
    const deadline = performance.now() + t.deadlineMs;
    let renewed = false;
    while (!renewed && !signal.aborted && performance.now() < deadline) {
      renewed = await candidacy.tryAcquireOrRenew(deadline - performance.now());
      if (!renewed) await pause(Math.min(t.retryMs, Math.max(0, deadline - performance.now())), signal);
    }
    if (!renewed) return;
  }
}

/**
 * Creates an elector for the Lease `namespace/name`. After stepping down it becomes a candidate
 * again, so a replica that lost the API server for a while can lead again later.
 */
export function createLeaderElector(opts: LeaderElectorOptions): LeaderElector {
  const leaseS = opts.leaseDurationSeconds ?? 15;
  const t: Timings = { deadlineMs: (opts.renewDeadlineSeconds ?? 10) * 1000, retryMs: (opts.retryPeriodSeconds ?? 2) * 1000 };
  checkTimings(leaseS, t.deadlineMs / 1000, t.retryMs / 1000);
  const candidacy = new Candidacy(leaseClient(opts.kubeConfig, { namespace: opts.namespace, name: opts.name }), opts.identity, leaseS, opts.log);
  const stopping = new AbortController();
  const where = { lease: `${opts.namespace}/${opts.name}`, identity: opts.identity };
  let leading = false;
  let loop: Promise<void> | undefined;

  function stepDown(why: string): void {
    if (!leading) return;
    leading = false;
    opts.log?.warn(where, why);
    opts.onStoppedLeading();
  }

  async function run(): Promise<void> {
    while (await acquire(candidacy, t, stopping.signal)) {
      if (stopping.signal.aborted) return; // won just as stop() was called: stop() releases it
      leading = true;
      opts.log?.info(where, 'became the leader');
      opts.onStartedLeading();
      await renew(candidacy, t, stopping.signal);
      if (!stopping.signal.aborted) stepDown('could not renew the lease within the renew deadline; stepped down');
    }
  }

  return {
    get isLeader() { return leading; },
    start() {
      loop ??= run();
    },
    async stop() {
      stopping.abort();
      await loop;
      stepDown('stopping; giving up leadership');
      if (loop !== undefined) await candidacy.release(t.deadlineMs);
    },
  };
}
