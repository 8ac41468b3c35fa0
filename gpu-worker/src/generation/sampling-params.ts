/**
 * @module generation/sampling-params
 * The knobs of one generation request (temperature, top-k, top-p, repetition penalty, length,
 * stop strings, seed): one zod schema with defaults, and a parser whose errors name the field.
 * Names and semantics follow Hugging Face `GenerationConfig` so results can be compared with it.
 */
import { z } from 'zod';

/** Most stop strings one request may give; each is scanned for on every decoded token. */
export const MAX_STOP_STRINGS = 8;
/** Longest stop string, in UTF-16 code units. */
export const MAX_STOP_STRING_LENGTH = 64;
/** Most tokens one request may generate. */
export const MAX_NEW_TOKENS_LIMIT = 4096;

const stopStringSchema = z
  .string({ error: 'stop strings must be strings' })
  .min(1, { error: 'stop strings must be at least 1 character' })
  .max(MAX_STOP_STRING_LENGTH, { error: `stop strings must be at most ${MAX_STOP_STRING_LENGTH} characters` });

/** Schema of {@link SamplingParams}; unknown keys (e.g. a misspelt `top_p`) are rejected. */
export const samplingParamsSchema = z.strictObject(
  {
    /** Softmax temperature; 0 means greedy decoding (argmax). @default 1 */
    temperature: z
      .number({ error: 'temperature must be a finite number' })
      .min(0, { error: 'temperature must be >= 0' })
      .default(1),
    /** Keep only the k most likely tokens; 0 turns the filter off. @default 0 */
    topK: z
      .number({ error: 'topK must be a finite number' })
      .int({ error: 'topK must be an integer' })
      .min(0, { error: 'topK must be >= 0' })
      .default(0),
    /** Nucleus sampling: keep the smallest set of top tokens holding this much probability. @default 1 */
    topP: z
      .number({ error: 'topP must be a finite number' })
      .gt(0, { error: 'topP must be > 0' })
      .max(1, { error: 'topP must be <= 1' })
      .default(1),
    /** CTRL repetition penalty (Keskar et al. 2019); 1 turns it off, > 1 discourages repeats. @default 1 */
    repetitionPenalty: z
      .number({ error: 'repetitionPenalty must be a finite number' })
      .gt(0, { error: 'repetitionPenalty must be > 0' })
      .default(1),
    /** Most tokens to generate after the prompt. @default 128 */
    maxNewTokens: z
      .number({ error: 'maxNewTokens must be a finite number' })
      .int({ error: 'maxNewTokens must be an integer' })
      .min(1, { error: 'maxNewTokens must be >= 1' })
      .max(MAX_NEW_TOKENS_LIMIT, { error: `maxNewTokens must be <= ${MAX_NEW_TOKENS_LIMIT}` })
      .default(128),
    /** Generation ends before the first occurrence of any of these; they are not emitted. @default [] */
    stop: z
      .array(stopStringSchema, { error: 'stop must be an array of strings' })
      .max(MAX_STOP_STRINGS, { error: `stop must have at most ${MAX_STOP_STRINGS} strings` })
      .default([]),
    /** Seed of the sampling PRNG; absent means a fresh random seed. */
    seed: z
      .number({ error: 'seed must be a finite number' })
      .int({ error: 'seed must be a safe integer' })
      .optional(),
  },
  {
    // Only the "not an object" case gets our message; unknown keys keep zod's, which names them.
    error: (issue) => (issue.code === 'invalid_type' ? 'sampling params must be an object' : undefined),
  },
);

/** Validated sampling parameters with every default filled in. */
export type SamplingParams = z.output<typeof samplingParamsSchema>;
/** What a caller may send: every field optional. */
export type SamplingParamsInput = z.input<typeof samplingParamsSchema>;

/**
 * Validates `input` and fills in defaults. `undefined` gives all defaults.
 *
 * @throws Error whose message names each offending field, e.g. `"temperature must be >= 0"`.
 * @example
 * parseSamplingParams({ temperature: 0.7, topP: 0.9 });
 * // { temperature: 0.7, topK: 0, topP: 0.9, repetitionPenalty: 1, maxNewTokens: 128, stop: [] }
 */
export function parseSamplingParams(input: unknown): SamplingParams {
  const result = samplingParamsSchema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    // Our own messages start with the field name; zod's built-in ones (unknown keys) get a prefix.
    const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    return field === undefined || issue.message.startsWith(field)
      ? issue.message
      : `${field}: ${issue.message}`;
  });
  throw new Error(`invalid sampling params: ${messages.join('; ')}`);
}
