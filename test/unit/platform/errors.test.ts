import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { classifyStatus, errorFromAnswer, PlatformError, toPlatformError, type ErrorContext } from '../../../src/platform/errors.js';
import { redactor } from '../../../src/platform/http.js';

const ctx: ErrorContext = { api: 'streamwise', target: 'prod', method: 'DELETE', route: 'DELETE /service-providers/{id}', path: '/service-providers/k3Jx9q' };
const noRedaction = (t: string): string => t;

describe('classifyStatus', () => {
  it.each([
    [404, undefined, 'NOT_FOUND', false],
    [409, undefined, 'CONFLICT', true],
    [409, 'provider_in_use', 'CONFLICT', false],
    [409, 'provider_is_default', 'CONFLICT', false],
    [409, 'package_in_use', 'CONFLICT', false],
    [409, 'conflict', 'CONFLICT', false],
    [401, 'unauthorized', 'UNAUTHORIZED', false],
    [403, 'forbidden', 'UNAUTHORIZED', false],
    [429, 'rate_limited', 'UNAVAILABLE', true],
    [500, 'internal', 'UNAVAILABLE', true],
    [503, 'unavailable', 'UNAVAILABLE', true],
    [422, 'validation_failed', 'REJECTED', false],
    [400, 'validation_failed', 'REJECTED', false],
  ] as const)('classifies %i %s as %s (retryable: %s)', (status, platformCode, code, retryable) => {
    expect(classifyStatus(status, platformCode)).toEqual({ code, retryable });
  });
});

describe('errorFromAnswer', () => {
  it('says which target refused which request, with status, platform code, message and the objects in the way', () => {
    const body = {
      error: {
        code: 'provider_in_use', message: 'provider k3Jx9q is attached to 1 package(s) or subscription(s); detach it first',
        details: { packages: [{ id: 'pk1', name: 'Gold' }], subscriptions: [] },
      },
    };
    const e = errorFromAnswer(ctx, { status: 409, body }, noRedaction);
    expect(e).toBeInstanceOf(PlatformError);
    expect(e.message).toBe(
      'streamwise "prod" refused DELETE /service-providers/k3Jx9q: 409 provider_in_use: provider k3Jx9q is attached to 1 package(s) or subscription(s); detach it first: package "Gold" (id pk1)',
    );
    expect(e).toMatchObject({ code: 'CONFLICT', status: 409, retryable: false, platformCode: 'provider_in_use', route: 'DELETE /service-providers/{id}', target: 'prod', method: 'DELETE' });
    expect(e.details).toEqual(body.error.details);
  });

  it('reads the bluzone error shape', () => {
    const e = errorFromAnswer({ ...ctx, api: 'bluzone', method: 'POST', path: '/portal/service/1/projects/_create' }, { status: 409, body: { status: 409, error: 'conflict', message: 'a project named p1 already exists' } }, noRedaction);
    expect(e.message).toBe('bluzone "prod" refused POST /portal/service/1/projects/_create: 409 conflict: a project named p1 already exists');
    expect(e).toMatchObject({ code: 'CONFLICT', platformCode: 'conflict', retryable: false });
  });

  it('lists refused fields and counts attempts', () => {
    const body = { error: { code: 'validation_failed', message: 'invalid body', details: { fields: { provider_name: 'is required' } } } };
    const e = errorFromAnswer({ ...ctx, attempts: 3 }, { status: 422, body }, noRedaction);
    expect(e.message).toBe('streamwise "prod" refused DELETE /service-providers/k3Jx9q: 422 validation_failed: invalid body: provider_name is required (after 3 attempts)');
    expect(e.attempts).toBe(3);
  });

  it('keeps a secret echoed by the platform out of the message and the details', () => {
    const body = { error: { code: 'validation_failed', message: 'bad secret s3cr3t-"value', details: { fields: { secret: 'got s3cr3t-"value' }, list: ['s3cr3t-"value'] } } };
    const e = errorFromAnswer(ctx, { status: 422, body }, redactor(['s3cr3t-"value']));
    expect(e.message).not.toContain('s3cr3t');
    expect(JSON.stringify(e.details)).not.toContain('s3cr3t');
    expect(e.details).toEqual({ fields: { secret: 'got (sensitive)' }, list: ['(sensitive)'] });
    expect(e.message).toContain('(sensitive)');
  });

  it('marks a 5xx as a possibly lost answer and carries Retry-After', () => {
    const e = errorFromAnswer(ctx, { status: 503, body: undefined, retryAfterMs: 2000 }, noRedaction);
    expect(e).toMatchObject({ code: 'UNAVAILABLE', retryable: true, lostAnswer: true, retryAfterMs: 2000 });
    expect(e.message).toBe('streamwise "prod" failed DELETE /service-providers/k3Jx9q: 503');
  });
});

describe('toPlatformError', () => {
  it('classifies a dropped connection as a retryable lost answer and keeps the cause', () => {
    const cause = new undiciErrors.SocketError('other side closed');
    const e = toPlatformError(cause, ctx);
    expect(e).toMatchObject({ code: 'UNAVAILABLE', retryable: true, lostAnswer: true });
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('streamwise "prod" did not answer DELETE /service-providers/k3Jx9q: connection closed without an answer (UND_ERR_SOCKET)');
  });

  it('classifies a refused connection as retryable and surely not carried out', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toPlatformError(cause, ctx)).toMatchObject({ code: 'UNAVAILABLE', retryable: true, lostAnswer: false });
  });

  it('classifies undici timeouts as TIMEOUT and an oversized answer as not retryable', () => {
    expect(toPlatformError(new undiciErrors.HeadersTimeoutError(), ctx)).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(toPlatformError(new undiciErrors.BodyTimeoutError(), ctx)).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(toPlatformError(new undiciErrors.ResponseExceededMaxSizeError(), ctx)).toMatchObject({ code: 'REJECTED', retryable: false });
  });

  it('returns a PlatformError unchanged and wraps anything else as not retryable', () => {
    const original = errorFromAnswer(ctx, { status: 404, body: undefined }, noRedaction);
    expect(toPlatformError(original, ctx)).toBe(original);
    expect(toPlatformError('boom', ctx)).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
  });
});
