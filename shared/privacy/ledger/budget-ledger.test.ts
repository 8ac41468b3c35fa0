/**
 * Budget arithmetic: pure charges add exactly to the cap, RDP composition is never looser than
 * basic composition, heterogeneous charges compose, and periods are UTC calendar periods.
 */
import { describe, expect, it } from 'vitest';
import { decideCharge, DEFAULT_BUDGET_POLICY, periodKey, spentEpsilon, type LedgerCharge } from './budget-ledger';
import { dpSgdCharge, gaussianCharge, laplaceCharge, pureCharge } from './charge-builders';

describe('budget ledger arithmetic', () => {
  it('accepts exactly 100 pure charges of 0.01 under a cap of 1.0', () => {
    const accepted: LedgerCharge[] = [];
    let refused = 0;
    for (let i = 0; i < 150; i++) {
      const d = decideCharge(accepted, pureCharge('test', 0.01), DEFAULT_BUDGET_POLICY);
      if (d.ok) accepted.push(pureCharge('test', 0.01));
      else refused++;
    }
    expect(accepted).toHaveLength(100);
    expect(refused).toBe(50);
    expect(spentEpsilon(accepted, 1e-6)).toBeCloseTo(1.0, 9);
  });

  it('composes Gaussian charges in Rényi DP, tighter than adding their separate epsilons', () => {
    const one = spentEpsilon([gaussianCharge('centroid', 50)], 1e-6);
    const fifty = spentEpsilon(Array.from({ length: 50 }, () => gaussianCharge('centroid', 50)), 1e-6);
    expect(fifty).toBeGreaterThan(one);
    expect(fifty).toBeLessThan(10 * one);
    expect(spentEpsilon(Array.from({ length: 200 }, () => laplaceCharge('count', 200)), 1e-6)).toBeCloseTo(1.0, 9); // 200 × ε 0.005
  });

  it('composes heterogeneous charges and refuses one that would cross the cap', () => {
    const accepted = [dpSgdCharge('dp_sgd', 0.01, 1.1, 1000), pureCharge('personalization', 0.1)];
    const spent = spentEpsilon(accepted, 1e-6);
    expect(spent).toBeGreaterThan(0.1);
    const big = decideCharge(accepted, pureCharge('x', 5), DEFAULT_BUDGET_POLICY);
    expect(big.ok).toBe(false);
    expect(big.spentAfter).toBe(big.spentBefore);
  });

  it('keys periods by UTC month, ISO week and day', () => {
    const at = new Date('2026-12-31T23:30:00Z');
    expect(periodKey(at, 'month')).toBe('2026-12');
    expect(periodKey(at, 'day')).toBe('2026-12-31');
    expect(periodKey(at, 'week')).toBe('2026-W53');
    expect(periodKey(new Date('2027-01-04T00:00:00Z'), 'week')).toBe('2027-W01');
  });
});
