/**
 * @module edge/routes/route-helpers
 * Pieces every route definition shares: the JSON error responses in OpenAPI form.
 */
import { apiErrorSchema } from '../../../shared/api/errors';

const errorBody = (description: string) => ({ description, content: { 'application/json': { schema: apiErrorSchema } } });

/** Standard error responses of an authenticated route. */
export const authedErrors = {
  400: errorBody('invalid request; `error.field` names the field'),
  401: errorBody('missing or invalid token'),
  413: errorBody('body over the size limit'),
} as const;

export const notFound = { 404: errorBody('no such resource for this user') } as const;
export const unavailableResponse = { 503: errorBody('queue unavailable; see Retry-After') } as const;
export const forbidden = { 403: errorBody('token lacks the required scope') } as const;
