/**
 * @module edge/routes/insights
 * `GET /v1/me/insights`: what the personalization engine has learned about the caller (learned
 * preferences with their confidence, drift events), their activity, engagement level and the
 * privacy budget left. Read-only; an erased user sees a fresh state.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { insightsSchema, type Insights } from '../../../shared/api/insights';
import { engagementLevel, mostCommonDomain } from '../../../shared/personalization/interaction-analytics';
import { inDriftMode, learnedPreferences } from '../../../shared/personalization/personalization-state';
import type { AppEnv } from '../env';
import { tenantPrivacy } from '../privacy/tenant-config';
import { userStateStub } from '../state/user-state';
import { authedErrors } from './route-helpers';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function registerInsightRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/v1/me/insights', summary: 'What Attune has learned about the caller',
      responses: { 200: { description: 'insights', content: { 'application/json': { schema: insightsSchema } } }, ...authedErrors },
    }),
    async (c) => {
      const owner = c.get('ownerKey');
      const settings = await tenantPrivacy(c.env, c.get('tenantKey'));
      const { state, memories, budget } = await userStateStub(c.env, owner).insights(owner, settings.budget);
      const a = state.analytics;
      const body: Insights = {
        interactions: a.interactions,
        feedback_count: a.feedback,
        engagement: engagementLevel(a, Date.now()),
        most_common_domain: mostCommonDomain(a),
        activity: { by_domain: a.domains, by_hour: a.hours, countries: a.countries, first_seen: iso(a.firstSeen), last_seen: iso(a.lastSeen) },
        learned_preferences: learnedPreferences(state),
        drift_mode: inDriftMode(state),
        drift_events: state.driftEvents.map((e) => ({ at: new Date(e.at).toISOString(), direction: e.direction })),
        adapter_refresh_requested: state.adapterRefreshRequested,
        memories,
        privacy_budget: { period: budget.period, epsilon_spent: budget.spent, epsilon_remaining: budget.remaining, epsilon_cap: budget.cap },
      };
      return c.json(body, 200);
    },
  );
}
