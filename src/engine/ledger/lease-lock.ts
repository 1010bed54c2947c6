/**
 * The Kubernetes ledger's run lock: a coordination.k8s.io/v1 Lease that one run holds while it
 * applies, renewed in the background, and released (holderIdentity cleared) when the run ends.
 *
 * A one-shot CLI run cannot watch a Lease for a whole lease duration the way leader election does
 * before it concludes the holder is gone, so a lock counts as expired once its renewTime is older
 * than its duration by this machine's clock: clocks must agree to within the lock duration (30 s by
 * default). A lock taken over by mistake still cannot corrupt the ledger: every save is conditional
 * on the Secret's resourceVersion.
 */
import { hostname } from 'node:os';
import type { KubeConfig, V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import { LedgerError, toLedgerError } from './ledger-error.js';
import { claimedSpec, leaseClient, leaseTime, leaseTimeText, releaseLease, type LeaseClient, type LeaseRef } from './lease.js';

/** Options of {@link takeLeaseLock}. */
export interface LeaseLockOptions {
  readonly kubeConfig: KubeConfig;
  readonly lease: LeaseRef;
  /** What the lock protects, for messages: `ledger Secret ns/name`. */
  readonly subject: string;
  /** Identity written as holderIdentity. @default `<hostname>_<pid>` */
  readonly holder?: string;
  /** Validity of the lock without renewal; renewed every third of it. @default 30 */
  readonly durationSeconds?: number;
  /** How long to wait for a live holder before failing. @default 0 */
  readonly waitMs?: number;
  /** Timeout of each API call. @default 10000 */
  readonly timeoutMs?: number;
}

/** The lock is held by another live holder. */
export class LedgerLockedError extends LedgerError {
  constructor(readonly holder: string, readonly since: string, subject: string, lease: LeaseRef, until: string) {
    super(
      'LEDGER_LOCKED',
      `${subject} is locked by ${holder} since ${since} (Lease ${lease.namespace}/${lease.name}, valid until ${until} unless renewed); wait for that run to finish or stop it`,
      true,
    );
    this.name = 'LedgerLockedError';
  }
}

/** The default holder identity: this machine and process. */
export function defaultHolder(): string {
  return `${hostname()}_${process.pid}`;
}

type Attempt = V1Lease | 'conflict' | LedgerLockedError;

function isExpired(spec: V1LeaseSpec, now: number): boolean {
  const renewed = leaseTime(spec.renewTime) ?? leaseTime(spec.acquireTime);
  return renewed === undefined || renewed + (spec.leaseDurationSeconds ?? 0) * 1000 <= now;
}

async function attempt(leases: LeaseClient, o: LeaseLockOptions, holder: string): Promise<Attempt> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const duration = o.durationSeconds ?? 30;
  const lease = await leases.read(timeoutMs);
  const now = new Date();
  if (lease === undefined) return leases.create(claimedSpec(undefined, holder, duration, now), timeoutMs);
  const spec = lease.spec ?? {};
  const current = spec.holderIdentity ?? '';
  if (current !== '' && current !== holder && !isExpired(spec, now.getTime())) {
    const until = (leaseTime(spec.renewTime) ?? now.getTime()) + (spec.leaseDurationSeconds ?? 0) * 1000;
    return new LedgerLockedError(current, leaseTimeText(spec.acquireTime), o.subject, leases.ref, new Date(until).toISOString());
  }
  return leases.replace(lease, claimedSpec(spec, holder, duration, now), timeoutMs);
}

/** Keeps a held Lease renewed until stopped; stops renewing once another holder has it. */
function keepRenewed(leases: LeaseClient, held: V1Lease, o: LeaseLockOptions, holder: string): () => Promise<void> {
  let lease: V1Lease | undefined = held;
  let inFlight: Promise<void> = Promise.resolve();
  const duration = o.durationSeconds ?? 30;
  const renew = async (): Promise<void> => {
    if (lease === undefined) return;
    const result = await leases.replace(lease, claimedSpec(lease.spec, holder, duration, new Date()), o.timeoutMs ?? 10_000).catch(() => lease);
    lease = result === 'conflict' ? undefined : result;
  };
  const timer = setInterval(() => { inFlight = inFlight.then(renew); }, (duration * 1000) / 3);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

/**
 * Takes the Lease for one run and answers its release. Fails with {@link LedgerLockedError} when
 * another holder's lock has not expired within `waitMs`. A lock already held under this holder's
 * identity (a restarted process with the same name) is taken over at once. The release never
 * throws: a lock that cannot be released expires on its own.
 */
export async function takeLeaseLock(o: LeaseLockOptions): Promise<() => Promise<void>> {
  const leases = leaseClient(o.kubeConfig, o.lease);
  const holder = o.holder ?? defaultHolder();
  const deadline = Date.now() + (o.waitMs ?? 0);
  let held: V1Lease | undefined;
  while (held === undefined) {
    let result: Attempt;
    try {
      result = await attempt(leases, o, holder);
    } catch (e) {
      throw toLedgerError(e, `take the lock of ${o.subject}`, o.kubeConfig.getCurrentCluster()?.server);
    }
    if (result === 'conflict') continue; // another run wrote the Lease between our read and write: look again
    if (result instanceof LedgerLockedError) {
      if (Date.now() >= deadline) throw result;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    held = result;
  }
  const stopRenewing = keepRenewed(leases, held, o, holder);
  return async () => {
    await stopRenewing();
    await releaseLease(leases, holder, o.timeoutMs ?? 10_000).catch(() => false);
  };
}
