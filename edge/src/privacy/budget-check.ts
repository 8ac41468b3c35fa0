/**
 * @module edge/privacy/budget-check
 * Charging personalization to the user's privacy budget. The KV snapshot gives a fast "already
 * exhausted" answer without a Durable Object round trip; the debit itself always happens in the
 * user's UserState object, so concurrency can never overspend. KV is written only when a user
 * nears or reaches the cap, and at most once per 2 s per key from an isolate (KV's limit is
 * one write per second per key).
 */
import type { Context } from 'hono';
import { periodKey, type LedgerCharge } from '../../../shared/privacy/ledger/budget-ledger';
import { gaussianCharge, laplaceCharge, pureCharge } from '../../../shared/privacy/ledger/charge-builders';
import type { AppEnv } from '../env';
import { userStateStub } from '../state/user-state';
import { tenantPrivacy, type CostRule } from './tenant-config';

/** Why personalization was skipped when the budget is spent. */
export const BUDGET_EXHAUSTED_REASON = 'privacy budget exhausted for this period';

/** The ledger charge a cost rule describes. */
export function chargeFor(kind: string, rule: CostRule): LedgerCharge {
  if (rule.mechanism === 'gaussian') return gaussianCharge(kind, rule.noise_multiplier ?? 1);
  if (rule.mechanism === 'laplace') return laplaceCharge(kind, 1 / (rule.epsilon ?? 0.01));
  return pureCharge(kind, rule.epsilon ?? 0.01);
}

interface BudgetSnapshot {
  period: string;
  remaining: number;
}

const lastSnapshotWrite = new Map<string, number>();

/** Charges one personalized request; `ok: false` with the reason when the budget is spent. */
export async function chargePersonalization(c: Context<AppEnv>): Promise<{ ok: true; seq: number | null } | { ok: false; reason: string }> {
  const owner = c.get('ownerKey');
  const settings = await tenantPrivacy(c.env, c.get('tenantKey'));
  const rule = settings.costs.personalization;
  if (!rule) return { ok: true, seq: null }; // this tenant does not charge for personalization
  const charge = chargeFor('personalization', rule);
  const snapshotKey = `budget:${owner}`;
  const period = periodKey(new Date(), settings.budget.period);
  const snapshot = await c.env.ATTUNE_KV.get<BudgetSnapshot>(snapshotKey, 'json');
  if (snapshot && snapshot.period === period && charge.pureEpsilon !== null && snapshot.remaining < charge.pureEpsilon) {
    return { ok: false, reason: BUDGET_EXHAUSTED_REASON };
  }
  const outcome = await userStateStub(c.env, owner).chargeBudget(owner, { ...charge, params: { ...charge.params } }, settings.budget);
  const nearCap = outcome.remaining < 0.1 * outcome.cap;
  const last = lastSnapshotWrite.get(snapshotKey) ?? 0;
  if ((nearCap || !outcome.ok) && Date.now() - last > 2000) {
    lastSnapshotWrite.set(snapshotKey, Date.now());
    c.executionCtx.waitUntil(c.env.ATTUNE_KV.put(snapshotKey, JSON.stringify({ period: outcome.period, remaining: outcome.remaining }), { expirationTtl: 40 * 86_400 }));
  }
  return outcome.ok ? { ok: true, seq: outcome.seq } : { ok: false, reason: BUDGET_EXHAUSTED_REASON };
}
