import { afterEach, describe, expect, it } from 'vitest';
import { createReconcileMetrics, recordRun, serveHealth, type HealthServer } from '../../../src/modes/health-server.js';

describe('health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers the probes and reports readiness as the mode says', async () => {
    let ready = false;
    const metrics = createReconcileMetrics({ defaultMetrics: false });
    server = await serveHealth({ port: 0, host: '127.0.0.1', registry: metrics.registry, isReady: () => ready });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    ready = true;
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('exports the reconcile metrics in the Prometheus text format', async () => {
    const metrics = createReconcileMetrics();
    recordRun(metrics, {
      result: 'success',
      durationSeconds: 0.3,
      finishedAt: 1_700_000_000_000,
      actions: [
        { kind: 'ServiceProvider', action: 'create', result: 'applied' },
        { kind: 'ServiceProvider', action: 'create', result: 'applied' },
        { kind: 'Subscription', action: 'update', result: 'failed' },
      ],
    });
    recordRun(metrics, { result: 'failed', durationSeconds: 12, finishedAt: 1_700_000_060_000 });
    server = await serveHealth({ port: 0, host: '127.0.0.1', registry: metrics.registry });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('syncwise_reconcile_total{result="success"} 1');
    expect(text).toContain('syncwise_reconcile_total{result="failed"} 1');
    expect(text).toContain('syncwise_reconcile_duration_seconds_bucket{le="0.5"} 1');
    expect(text).toContain('syncwise_reconcile_duration_seconds_count 2');
    expect(text).toContain('syncwise_last_run_timestamp_seconds 1700000060');
    expect(text).toContain('syncwise_last_success_timestamp_seconds 1700000000');
    expect(text).toContain('syncwise_actions_total{kind="ServiceProvider",action="create",result="applied"} 2');
    expect(text).toContain('syncwise_actions_total{kind="Subscription",action="update",result="failed"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('keeps the metrics of two instances apart', async () => {
    const a = createReconcileMetrics({ defaultMetrics: false });
    const b = createReconcileMetrics({ defaultMetrics: false });
    recordRun(a, { result: 'invalid', durationSeconds: 0.01, finishedAt: 1000 });
    expect(await a.registry.metrics()).toContain('syncwise_reconcile_total{result="invalid"} 1');
    expect(await b.registry.metrics()).not.toContain('result="invalid"');
  });
});
