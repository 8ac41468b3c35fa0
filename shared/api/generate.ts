/**
 * @module shared/api/generate
 * `POST /v1/generate`, `GET /v1/jobs/{id}` and `POST /v1/feedback` bodies.
 */
import { z } from 'zod';
import { DOMAINS } from './profile';

/** Largest prompt, in UTF-8 bytes. */
export const MAX_PROMPT_BYTES = 32 * 1024;
export const MAX_TOKENS_LIMIT = 1024;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const promptText = (max = MAX_PROMPT_BYTES) =>
  z
    .string()
    .min(1, 'must not be empty')
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'must be well-formed Unicode (it contains a lone surrogate)' })
    .refine((s) => utf8Length(s) <= max, { message: `must be at most ${max} bytes of UTF-8` });

export const samplingFields = {
  max_tokens: z.number().int().min(1).max(MAX_TOKENS_LIMIT).describe('most tokens to generate').optional(),
  temperature: z.number().min(0).max(2).describe('0 = greedy').optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('same seed, same text').optional(),
};

/** `best_of` of generate and chat requests. */
export const bestOfField = z
  .number().int().min(1).max(4)
  .describe('generate this many responses and return the one your preference model scores best (best-of mode: 4); default: the profile\'s best_of, else 1')
  .optional();

/** `use_memories` of generate and chat requests. */
export const useMemoriesField = z.boolean().describe('add the user\'s most relevant memories (GET /v1/memories) to the prompt; default true').optional();

export const generateRequestSchema = z
  .strictObject({
    prompt: promptText().describe('the user prompt'),
    domain: z.enum(DOMAINS).describe('the request\'s domain; when absent the edge classifies the prompt').optional(),
    ...samplingFields,
    use_memories: useMemoriesField,
    best_of: bestOfField,
    webhook_url: z.url().max(2048).describe('https URL that receives the signed result').optional(),
  })
  .describe('GenerateRequest');
export type GenerateRequest = z.infer<typeof generateRequestSchema>;

export const generateAcceptedSchema = z.object({ job_id: z.string(), status_url: z.string() }).describe('GenerateAccepted');

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const jobResultSchema = z.object({
  text: z.string(),
  finish_reason: z.enum(['eos', 'length', 'stop', 'aborted', 'content_filter']).describe('content_filter: every candidate broke the profile\'s content preferences; text is empty'),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
  model: z.string(),
  personalized: z.boolean(),
  personalization_skipped: z.string().optional().describe('why the answer is not personalized, e.g. the privacy budget is spent'),
  candidates: z.number().int().optional().describe('responses generated in best-of mode; the one returned scored best for the user'),
  experts: z.array(z.string()).optional().describe('expert adapters mixed with the user\'s own adapter for this answer'),
});
export type JobResult = z.infer<typeof jobResultSchema>;

export const jobTimingsSchema = z.object({
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  queue_ms: z.number().nullable(),
  run_ms: z.number().nullable(),
});

export const jobStatusSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(JOB_STATUSES),
    result: jobResultSchema.optional(),
    error: z.object({ message: z.string() }).optional(),
    timings: jobTimingsSchema,
  })
  .describe('JobStatus');
export type JobStatusBody = z.infer<typeof jobStatusSchema>;

export const jobIdParamSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a job id') });

/** Feedback fields that say what the user thought; a request carries exactly one. */
export const FEEDBACK_SIGNALS = ['rating', 'thumbs', 'chosen_over', 'edited_response'] as const;

const jobIdString = () => z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a job id');

export const feedbackRequestSchema = z
  .strictObject({
    job_id: jobIdString(),
    rating: z.number().int().min(1).max(5).describe('1 (bad) to 5 (great)').optional(),
    thumbs: z.enum(['up', 'down']).describe('a quick verdict on the response').optional(),
    chosen_over: jobIdString().describe('a choice between two responses: the id of another of your jobs whose response you liked less than this one').optional(),
    edited_response: promptText().describe('your own edit of this job\'s response; it becomes a training example and its length is learned from').optional(),
    preferred_response: promptText().describe('a better answer you wrote').optional(),
    comment: promptText(4096).optional(),
  })
  .superRefine((body, ctx) => {
    const given = FEEDBACK_SIGNALS.filter((k) => body[k] !== undefined);
    if (given.length === 0) ctx.addIssue({ code: 'custom', path: ['rating'], message: `give one of ${FEEDBACK_SIGNALS.join(', ')}` });
    if (given.length > 1) ctx.addIssue({ code: 'custom', path: [given[1]], message: `give only one of ${FEEDBACK_SIGNALS.join(', ')} (got ${given.join(' and ')})` });
    if (body.chosen_over !== undefined && body.chosen_over === body.job_id) ctx.addIssue({ code: 'custom', path: ['chosen_over'], message: 'must name another job than job_id' });
  })
  .describe('FeedbackRequest');
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;
