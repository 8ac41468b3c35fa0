/**
 * @module edge/http/api-error
 * Typed request failures and the one handler that turns any error into Attune's JSON error body.
 * Unknown errors are logged and answered with a generic 500 that reveals nothing.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { apiError, type ApiErrorCode } from '../../../shared/api/errors';

/** A request failure with a stable code and, for validation problems, the field at fault. */
export class ApiHttpError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

/** 503 for a dependency that is down, with Retry-After. */
export function unavailable(message: string, retryAfterSeconds = 5): ApiHttpError {
  return new ApiHttpError(503, 'unavailable', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
}

/** `app.onError` handler. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiHttpError) {
    return c.json(apiError(err.code, err.message, err.field), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 400 && /json/i.test(err.message)) return c.json(apiError('invalid_json', 'request body is not valid JSON'), 400);
    if (status === 413) return c.json(apiError('payload_too_large', 'request body is too large'), 413);
    const code: ApiErrorCode = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'bad_request';
    return c.json(apiError(code, err.message || 'request failed'), status as ContentfulStatusCode);
  }
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', name: err.name, error: err.message }));
  return c.json(apiError('internal', 'internal error'), 500);
}
