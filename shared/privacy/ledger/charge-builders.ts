/**
 * @module shared/privacy/ledger/charge-builders
 * Ledger charges for the mechanisms Attune runs, each with the RDP curve the DP library
 * computes for it, so heterogeneous charges compose in one ledger.
 */
import { gaussianCurve, laplaceCurve, pureDpCurve, subsampledGaussianCurve } from '../dp/composition';
import type { LedgerCharge } from './budget-ledger';

/** A pure ε-DP release (e.g. a counting query with the Laplace mechanism accounted as pure ε). */
export function pureCharge(kind: string, epsilon: number): LedgerCharge {
  if (!(epsilon > 0)) throw new RangeError(`epsilon must be positive, got ${epsilon}`);
  return { kind, mechanism: 'pure', params: { epsilon }, pureEpsilon: epsilon, rdp: pureDpCurve({ epsilon }) };
}

/** The Laplace mechanism with scale b and L1 sensitivity Δ: pure ε = Δ/b (its RDP curve, Mironov 2017 Prop. 6, is kept for export). */
export function laplaceCharge(kind: string, scale: number, sensitivity = 1): LedgerCharge {
  return { kind, mechanism: 'laplace', params: { scale, sensitivity }, pureEpsilon: sensitivity / scale, rdp: laplaceCurve({ scale, sensitivity }) };
}

/** The Gaussian mechanism with noise σ and L2 sensitivity Δ (ε(α) = αΔ²/2σ²). */
export function gaussianCharge(kind: string, sigma: number, sensitivity = 1): LedgerCharge {
  return { kind, mechanism: 'gaussian', params: { sigma, sensitivity }, pureEpsilon: null, rdp: gaussianCurve({ sigma, sensitivity }) };
}

/** DP-SGD: `steps` Poisson-subsampled Gaussian steps at sample rate q and noise multiplier σ. */
export function dpSgdCharge(kind: string, sampleRate: number, noiseMultiplier: number, steps: number): LedgerCharge {
  return {
    kind, mechanism: 'subsampled_gaussian', params: { sample_rate: sampleRate, noise_multiplier: noiseMultiplier, steps }, pureEpsilon: null,
    rdp: subsampledGaussianCurve({ sampleRate, noiseMultiplier, steps }),
  };
}
