/**
 * @module shared/api/admin-metrics
 * `GET /v1/admin/metrics` (scope admin): the tenant's personalization metrics.
 */
import { z } from 'zod';

const ms = z.number().nullable();

export const adminMetricsSchema = z
  .object({
    requests: z.object({
      total: z.number().int().describe('generation requests queued (generate and chat)'),
      personalized: z.number().int().describe('of those, queued with a personalized prompt'),
      personalization_rate: z.number().nullable().describe('personalized / total; null before the first request'),
    }),
    budget_exhausted: z.number().int().describe('requests served unpersonalized because the user\'s privacy budget was spent'),
    adaptation_time_ms: z
      .object({ samples: z.number().int(), p50: ms, p90: ms, p99: ms })
      .describe('time from a feedback that changed a user\'s posteriors to that user\'s next request using them; nearest-rank percentiles of the last 1000'),
  })
  .describe('AdminMetrics');
