/**
 * @module gpu-worker/worker/job-payload
 * Validation of a queue's job payload at the worker's end: the payload parsed with the queue's
 * zod schema, or an `UnrecoverableError` (BullMQ does not retry it) naming each offending field.
 */
import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';

/**
 * @example const data = parsePayload(generateJobSchema, job.data);
 * @throws UnrecoverableError `invalid job payload: params.top_p: …; messages: …`
 */
export function parsePayload<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'payload'}: ${i.message}`);
  throw new UnrecoverableError(`invalid job payload: ${issues.join('; ')}`);
}
