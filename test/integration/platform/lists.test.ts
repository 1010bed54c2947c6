import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/platform/driver.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { fakeClock } from '../../unit/platform/fake-clock.js';
import { bluzoneTarget, caught, seedProviders, streamwiseTarget } from './helpers.js';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  await seedProviders(sb, 1010, 'Listed');
});
afterAll(async () => { await sb.close(); });

describe('incomplete reads are errors, never absence', () => {
  it('fails observe when a list keeps failing, instead of returning what it has', async () => {
    const driver = createDriver(streamwiseTarget(sb), { clock: fakeClock(), maxAttempts: 2 });
    sb.setFaults({ error: 1 });
    const e = await caught(() => driver.observe());
    sb.setFaults({});
    await driver.close();
    expect(e).toMatchObject({ name: 'PlatformError', code: 'UNAVAILABLE', retryable: true, attempts: 2 });
  });

  it('fails a bluzone observe when the projects list fails', async () => {
    const driver = createDriver(bluzoneTarget(sb), { clock: fakeClock(), maxAttempts: 1 });
    sb.setFaults({ reset: 1 });
    const e = await caught(() => driver.observe());
    sb.setFaults({});
    await driver.close();
    expect(e).toMatchObject({ name: 'PlatformError', code: 'UNAVAILABLE', method: 'GET' });
    expect(e.message).toMatch(/^bluzone "bz-test" did not answer GET \/portal\/service\/1(\/projects)?: /);
  });

  it('fails with PARTIAL_LIST when the collection changes between pages', async () => {
    let changed: Promise<unknown> | undefined;
    // two requests a second on the real clock: the second page waits while the collection changes
    const driver = createDriver(streamwiseTarget(sb, { maxRequestsPerSecond: 2 }), {
      onRequest: (ev) => {
        if (ev.route === '/service-providers' && changed === undefined) {
          changed = sb.sw('POST', '/service-providers', { provider_name: 'Late', provider_type: 'bbb', properties: { url: 'https://late.example.com/', secret: 'late-secret' } });
        }
      },
    });
    const e = await caught(() => driver.observe());
    await changed;
    await driver.close();
    expect(e).toMatchObject({ name: 'PlatformError', code: 'PARTIAL_LIST', retryable: true, route: 'GET /service-providers' });
    expect(e.message).toBe('streamwise "sw-test" gave an incomplete list on GET /service-providers: meta.total changed from 1010 to 1011 while paging; nothing is concluded from it');
  });
});
