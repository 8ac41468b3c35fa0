/**
 * @module shared/api/errors
 * The one error body every Attune HTTP error uses: `{"error": {"code", "message", "field"?}}`,
 * and the stable codes clients can branch on.
 */
import { z } from 'zod';

export const API_ERROR_CODES = [
  'bad_request', 'invalid_json', 'validation_failed', 'payload_too_large', 'unauthorized', 'forbidden',
  'not_found', 'conflict', 'rate_limited', 'unavailable', 'timeout', 'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES).describe('stable machine-readable code'),
      message: z.string().describe('what went wrong, for a person'),
      field: z.string().optional().describe('the request field at fault, as a dotted path'),
    }),
  })
  .describe('Error');
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** Builds an error body. */
export function apiError(code: ApiErrorCode, message: string, field?: string): ApiErrorBody {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** Turns the first zod issue into an error body naming the field (`messages.0.content`). */
export function validationError(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string; keys?: string[] }>): ApiErrorBody {
  const issue = issues[0];
  if (issue?.code === 'unrecognized_keys' && issue.keys?.length) {
    const field = [...issue.path.map(String), issue.keys[0]].join('.');
    return apiError('validation_failed', `unknown field "${field}"`, field);
  }
  const field = issue ? issue.path.map(String).join('.') : '';
  return apiError('validation_failed', field ? `${field}: ${issue.message}` : (issue?.message ?? 'invalid request'), field || undefined);
}
