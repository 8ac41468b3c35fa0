/**
 * @module shared/privacy/ledger/budget-ledger
 * The arithmetic of a user's privacy budget: which period a charge belongs to, how much ε the
 * period's charges have spent at the tenant's δ, and whether a new charge fits under the cap.
 *
 * Pure ε-DP charges (δ = 0) add up (basic composition) — exact for the cap arithmetic and
 * always sound. Gaussian-family charges (Gaussian, subsampled Gaussian for DP-SGD) compose as
 * Rényi DP curves, order by order, and are converted to (ε, δ) once (Balle et al. 2020). The two
 * parts combine by basic composition: ε = Σ ε_pure + ε_RDP(δ).
 */
import { composeRdp, curveEpsilon, type RdpCurve } from '../dp/composition';

/** One accepted charge, as the ledger stores it. */
export interface LedgerCharge {
  /** What it paid for, e.g. `personalization`, `dp_sgd`, `cluster_centroid`. */
  kind: string;
  /** `pure`, `laplace`, `gaussian` or `subsampled_gaussian`. */
  mechanism: string;
  params: Record<string, number>;
  /** The charge's ε when the mechanism is pure ε-DP (δ = 0); null otherwise. */
  pureEpsilon: number | null;
  rdp: RdpCurve;
}

/** The tenant's budget rule. */
export interface BudgetPolicy {
  /** Cap on ε per user per period. @default 1.0 */
  epsilon: number;
  /** δ of the (ε, δ) guarantee. @default 1e-6 */
  delta: number;
  /** Length of a budget period (UTC calendar). @default 'month' */
  period: 'day' | 'week' | 'month';
}

export const DEFAULT_BUDGET_POLICY: BudgetPolicy = { epsilon: 1.0, delta: 1e-6, period: 'month' };

/** Tolerance for floating-point sums at the cap (100 × 0.01 must equal 1.0). */
const EPSILON_SLACK = 1e-9;

/** The period a moment falls in: `2026-12`, `2026-W49`, `2026-12-04`. */
export function periodKey(at: Date, period: BudgetPolicy['period']): string {
  const iso = at.toISOString();
  if (period === 'month') return iso.slice(0, 7);
  if (period === 'day') return iso.slice(0, 10);
  // ISO week: the Thursday of this week decides the year.
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** ε spent by `charges` at `delta` (the smaller of the two composition bounds). */
export function spentEpsilon(charges: LedgerCharge[], delta: number): number {
  let pure = 0;
  const curves = [];
  for (const c of charges) {
    if (c.pureEpsilon !== null) pure += c.pureEpsilon;
    else curves.push(c.rdp);
  }
  return pure + (curves.length ? curveEpsilon(composeRdp(curves), delta).epsilon : 0);
}

/** Decision on a new charge. */
export interface ChargeDecision {
  ok: boolean;
  /** ε spent in the period before the charge. */
  spentBefore: number;
  /** ε spent after it (equal to spentBefore when refused). */
  spentAfter: number;
  remaining: number;
}

/** Decides whether `candidate` fits under the cap given the period's accepted charges. */
export function decideCharge(accepted: LedgerCharge[], candidate: LedgerCharge, policy: BudgetPolicy): ChargeDecision {
  const spentBefore = spentEpsilon(accepted, policy.delta);
  const withCandidate = spentEpsilon([...accepted, candidate], policy.delta);
  const ok = withCandidate <= policy.epsilon + EPSILON_SLACK;
  const spentAfter = ok ? withCandidate : spentBefore;
  return { ok, spentBefore, spentAfter, remaining: Math.max(0, policy.epsilon - spentAfter) };
}
