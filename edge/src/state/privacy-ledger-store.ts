/**
 * @module edge/state/privacy-ledger-store
 * The privacy ledger inside a UserState object: the period's accepted charges are read, the new
 * charge is decided and, if it fits, written — all synchronously on the object's SQLite, so no
 * other request can interleave and concurrent charges can never overspend. Every charge, refusal
 * and reset is kept in the audit table the user can export.
 */
import { decideCharge, periodKey, spentEpsilon, type BudgetPolicy, type LedgerCharge } from '../../../shared/privacy/ledger/budget-ledger';

type Sql = DurableObjectStorage['sql'];

/** Outcome of a charge, and the budget left in the period. */
export interface ChargeOutcome {
  ok: boolean;
  /** Ledger row of an accepted charge (for a refund), null when refused. */
  seq: number | null;
  period: string;
  spent: number;
  remaining: number;
  cap: number;
}

function audit(sql: Sql, event: string, detail: unknown, at: string): void {
  sql.exec('INSERT INTO audit (event, detail, created_at) VALUES (?, ?, ?)', event, JSON.stringify(detail), at);
}

function periodCharges(sql: Sql, period: string): LedgerCharge[] {
  return sql
    .exec<{ kind: string; mechanism: string; params: string; pure_epsilon: number | null; rdp: string }>(
      'SELECT kind, mechanism, params, pure_epsilon, rdp FROM ledger WHERE period = ? ORDER BY seq', period,
    )
    .toArray()
    .map((r) => ({ kind: r.kind, mechanism: r.mechanism, params: JSON.parse(r.params), pureEpsilon: r.pure_epsilon, rdp: JSON.parse(r.rdp) }));
}

/** Applies `charge` atomically if it fits under the policy's cap; records the decision. */
export function applyCharge(sql: Sql, charge: LedgerCharge, policy: BudgetPolicy, now = new Date()): ChargeOutcome {
  const period = periodKey(now, policy.period);
  const at = now.toISOString();
  const decision = decideCharge(periodCharges(sql, period), charge, policy);
  let seq: number | null = null;
  if (decision.ok) {
    seq = sql.exec<{ seq: number }>(
      'INSERT INTO ledger (period, kind, mechanism, params, pure_epsilon, rdp, epsilon_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq',
      period, charge.kind, charge.mechanism, JSON.stringify(charge.params), charge.pureEpsilon, JSON.stringify(charge.rdp), decision.spentAfter, at,
    ).one().seq;
  }
  audit(sql, decision.ok ? 'charge' : 'refused', { period, kind: charge.kind, mechanism: charge.mechanism, params: charge.params, spent_after: decision.spentAfter, cap: policy.epsilon }, at);
  return { ok: decision.ok, seq, period, spent: decision.spentAfter, remaining: decision.remaining, cap: policy.epsilon };
}

/** Accepted charges of one kind in the current period. */
export function periodChargeCount(sql: Sql, policy: BudgetPolicy, kind: string, now = new Date()): number {
  return sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM ledger WHERE period = ? AND kind = ?', periodKey(now, policy.period), kind).one().n;
}

/** ε spent and left in the current period. */
export function budgetStatus(sql: Sql, policy: BudgetPolicy, now = new Date()): ChargeOutcome {
  const period = periodKey(now, policy.period);
  const spent = spentEpsilon(periodCharges(sql, period), policy.delta);
  return { ok: spent <= policy.epsilon, seq: null, period, spent, remaining: Math.max(0, policy.epsilon - spent), cap: policy.epsilon };
}

/** Removes one accepted charge whose work never ran; recorded in the audit log. */
export function refundCharge(sql: Sql, seq: number, reason: string, now = new Date()): boolean {
  const removed = sql.exec('DELETE FROM ledger WHERE seq = ?', seq).rowsWritten > 0;
  if (removed) audit(sql, 'refund', { seq, reason }, now.toISOString());
  return removed;
}

/** Clears the current period's charges (an operator action), keeping them in the audit log. */
export function resetPeriod(sql: Sql, policy: BudgetPolicy, reason: string, now = new Date()): number {
  const period = periodKey(now, policy.period);
  const removed = sql.exec('DELETE FROM ledger WHERE period = ?', period).rowsWritten;
  audit(sql, 'reset', { period, removed, reason }, now.toISOString());
  return removed;
}
