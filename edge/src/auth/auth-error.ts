/**
 * @module edge/auth/auth-error
 * The one error a failed authentication or authorisation throws: an HTTP status, the API error code
 * and a short stable `reason` slug for logs and tests. Messages are fixed strings, so they never echo
 * the token a client sent.
 */

/** Why a request was refused; stable, safe to log and to branch on. */
export type AuthFailureReason =
  | 'missing_token'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_audience'
  | 'bad_issuer'
  | 'bad_signature'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'missing_claim'
  | 'invalid_claim'
  | 'key_set_unavailable'
  | 'insufficient_scope';

const MESSAGES: Record<Exclude<AuthFailureReason, 'missing_claim' | 'invalid_claim' | 'insufficient_scope'>, string> = {
  missing_token: 'a bearer access token is required',
  malformed: 'the access token is malformed',
  expired: 'the access token has expired',
  not_yet_valid: 'the access token is not valid yet',
  bad_audience: 'the access token is not meant for this API',
  bad_issuer: 'the access token was issued by an untrusted issuer',
  bad_signature: 'the access token signature is invalid',
  unsupported_alg: 'the access token uses a signing algorithm this API does not accept',
  unknown_key: 'the access token was signed with an unknown key',
  key_set_unavailable: 'the signing keys could not be loaded; try again later',
};

/**
 * A refused request. 401 (`unauthorized`) when the caller is not authenticated, 403 (`forbidden`)
 * when it is but lacks a scope.
 *
 * @example
 * ```ts
 * throw AuthError.unauthorized('expired');
 * throw AuthError.claim('missing_claim', 'tid');
 * throw AuthError.forbidden('admin');
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** HTTP status the response carries. */
  readonly status: 401 | 403;
  /** Code of the `{error:{code}}` body (`shared/api/errors`). */
  readonly code: 'unauthorized' | 'forbidden';
  /** Stable slug saying why. */
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, message: string, status: 401 | 403 = 401, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.status = status;
    this.code = status === 403 ? 'forbidden' : 'unauthorized';
  }

  /** A 401 with the fixed message of `reason`. */
  static unauthorized(
    reason: Exclude<AuthFailureReason, 'missing_claim' | 'invalid_claim' | 'insufficient_scope'>,
    cause?: unknown,
  ): AuthError {
    return new AuthError(reason, MESSAGES[reason], 401, cause === undefined ? undefined : { cause });
  }

  /** A 401 naming the claim that is missing or invalid (claim names come from config, not the token). */
  static claim(reason: 'missing_claim' | 'invalid_claim', claim: string, cause?: unknown): AuthError {
    const message = reason === 'missing_claim'
      ? `the access token lacks the "${claim}" claim`
      : `the access token has an invalid "${claim}" claim`;
    return new AuthError(reason, message, 401, cause === undefined ? undefined : { cause });
  }

  /** A 403 naming the scope the route needs. */
  static forbidden(scope: string): AuthError {
    return new AuthError('insufficient_scope', `this route needs scope ${scope}`, 403);
  }
}
