/**
 * @module training/dp-sgd/accountant
 * What a DP-SGD run costs: (ε, δ) from the Rényi-DP accountant for `steps` Poisson-subsampled
 * Gaussian steps (Mironov, Talwar & Zhang 2019, "Rényi differential privacy of the sampled Gaussian
 * mechanism"; converted by Balle et al. 2020, Thm. 21, as Opacus's RDPAccountant), and the charge
 * recorded on the user's privacy ledger, whose curve composes with the user's other charges.
 */
import { curveEpsilon, subsampledGaussianCurve, type OrdersOption } from '../../../../shared/privacy/dp/composition';
import type { LedgerCharge } from '../../../../shared/privacy/ledger/budget-ledger';
import { dpSgdCharge } from '../../../../shared/privacy/ledger/charge-builders';

/** The parameters of a DP-SGD run that its privacy depends on. */
export interface DpSgdRun {
  /** q: the probability each example joins a batch, in (0, 1]; expected batch size / n. */
  sampleRate: number;
  /** σ: noise std divided by the clip norm C; > 0. */
  noiseMultiplier: number;
  /** Number of noisy steps taken (every step counts, empty batches included); an integer ≥ 0. */
  steps: number;
}

/** An (ε, δ) guarantee of a run. */
export interface DpSgdPrivacy {
  epsilon: number;
  delta: number;
  /** The Rényi order that gave the smallest ε. */
  order: number;
  /** True when that order is the first or last one tried: more orders might give a smaller ε. */
  orderAtEdge: boolean;
}

function assertRun({ sampleRate, noiseMultiplier, steps }: DpSgdRun): void {
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new RangeError(`sampleRate must be in (0, 1], got ${sampleRate}`);
  if (!(noiseMultiplier > 0) || !Number.isFinite(noiseMultiplier)) throw new RangeError(`noiseMultiplier must be a positive finite number, got ${noiseMultiplier}`);
  if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
}

/**
 * ε of a DP-SGD run at `delta`, by the RDP accountant.
 *
 * @param run.delta - δ of the guarantee, in (0, 1); Attune's policy uses 1e-6
 * @param run.orders - Rényi orders to minimize over; @default Opacus's DEFAULT_ALPHAS
 * @throws RangeError naming the option when one is out of range
 * @example dpSgdAccountant({ sampleRate: 0.04, noiseMultiplier: 1.5, steps: 2250, delta: 1e-5 }).epsilon // 7.329
 */
export function dpSgdAccountant(run: DpSgdRun & { delta: number } & OrdersOption): DpSgdPrivacy {
  assertRun(run);
  if (!(run.delta > 0 && run.delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${run.delta}`);
  const spent = curveEpsilon(subsampledGaussianCurve(run), run.delta);
  return { epsilon: spent.epsilon, delta: run.delta, order: spent.order, orderAtEdge: spent.orderAtEdge };
}

/**
 * The ledger charge for a DP-SGD run (mechanism `subsampled_gaussian`, over the ledger's default
 * orders), to be charged before the trained adapter is released.
 *
 * @param run.kind - what the charge pays for; @default 'dp_sgd'
 * @throws RangeError naming the option when one is out of range
 * @example decideCharge(acceptedCharges, dpSgdLedgerCharge({ sampleRate: q, noiseMultiplier: σ, steps }), policy).ok
 */
export function dpSgdLedgerCharge(run: DpSgdRun & { kind?: string }): LedgerCharge {
  assertRun(run);
  return dpSgdCharge(run.kind ?? 'dp_sgd', run.sampleRate, run.noiseMultiplier, run.steps);
}
