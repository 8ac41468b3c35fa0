/**
 * @module shared/api/insights
 * `GET /v1/me/insights`: what Attune has learned about the caller, shown to the caller only.
 */
import { z } from 'zod';
import { ENGAGEMENT_LEVELS } from '../personalization/interaction-analytics';
import { DOMAINS } from './profile';

const learnedSchema = z.object({
  value: z.string().describe('the most likely value'),
  confidence: z.number().min(0).max(1).describe('how settled: n/(n+k)·(1 − H/ln k) of the user\'s own evidence; 0 means nothing learned'),
});

export const insightsSchema = z
  .object({
    interactions: z.number().int().describe('generation requests so far'),
    feedback_count: z.number().int().describe('ratings so far'),
    engagement: z.enum(ENGAGEMENT_LEVELS).describe('new: under 5 requests in all; else by requests in the last 28 days: occasional under 20, regular 20–99, power 100 or more'),
    most_common_domain: z.enum(DOMAINS).nullable(),
    activity: z.object({
      by_domain: z.record(z.string(), z.number().int()),
      by_hour: z.array(z.number().int()).describe('24 counts: local hour when requests sent x-timezone, else UTC'),
      countries: z.record(z.string(), z.number().int()).describe('two-letter country codes'),
      first_seen: z.string().nullable(),
      last_seen: z.string().nullable(),
    }),
    learned_preferences: z
      .record(z.string(), learnedSchema)
      .describe('per attribute (style, tone, length, complexity, domain) with confidence above 0 only'),
    drift_mode: z.boolean().describe('a recent change of satisfaction has the engine forgetting faster and exploring'),
    drift_events: z.array(z.object({ at: z.string(), direction: z.enum(['up', 'down']) })).describe('the last 20, oldest first'),
    adapter_refresh_requested: z.boolean().describe('a drift asked for the personal adapter to be retrained'),
    memories: z.number().int().describe('memories stored'),
    privacy_budget: z.object({ period: z.string(), epsilon_spent: z.number(), epsilon_remaining: z.number(), epsilon_cap: z.number() }),
  })
  .describe('Insights');
export type Insights = z.infer<typeof insightsSchema>;
