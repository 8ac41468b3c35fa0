/**
 * @module shared/privacy/pii/policy
 * A tenant's PII policy: per entity type, `pseudonymize` (a placeholder the edge can restore
 * for the owner), `redact` (a bare `<TYPE>`, nothing kept) or `allow` (left as written), with a
 * `default` for types not named. With no policy every type is pseudonymized.
 */
import { z } from 'zod';
import { PII_ENTITY_TYPES, type PiiEntityType } from './types';

/** What happens to one entity. */
export type PiiAction = 'pseudonymize' | 'redact' | 'allow';

/** `{ [type]: action, default?: action }`; missing types take `default`, then `pseudonymize`. */
export type PiiPolicy = Readonly<Partial<Record<PiiEntityType | 'default', PiiAction>>>;

const action = z.enum(['pseudonymize', 'redact', 'allow']);

/** Validates a policy read from JSON: known entity types (or `default`) and known actions only. */
export const piiPolicySchema = z.strictObject(
  Object.fromEntries([...PII_ENTITY_TYPES, 'default'].map((key) => [key, action.optional()])) as Record<
    PiiEntityType | 'default',
    z.ZodOptional<typeof action>
  >,
);

/** The action for `type` under `policy`. */
export function actionFor(policy: PiiPolicy | undefined, type: PiiEntityType): PiiAction {
  return policy?.[type] ?? policy?.default ?? 'pseudonymize';
}

/**
 * Parses a policy from JSON text, with an error naming the offending key.
 *
 * @example
 * parsePiiPolicy('{"URL":"allow","default":"redact"}'); // { URL: 'allow', default: 'redact' }
 */
export function parsePiiPolicy(json: string): PiiPolicy {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('policy is not valid JSON');
  }
  const parsed = piiPolicySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.join('.');
    const message = issue.code === 'unrecognized_keys'
      ? `unknown entity type "${key}"`
      : key ? `"${key}" must be pseudonymize, redact or allow` : 'must be a JSON object';
    throw new Error(`policy: ${message}`);
  }
  return parsed.data as PiiPolicy;
}
