/**
 * @module shared/privacy/dp
 * Differential privacy for Attune: noise mechanisms fed by WebCrypto randomness, a Rényi-DP
 * accountant that reproduces Opacus and TF Privacy, RDP → (ε, δ) conversion, heterogeneous
 * composition of ledger charges, and the noise-multiplier search for DP-SGD. Runtime-neutral
 * (workerd and Node). See docs/differential-privacy.md.
 */
export { composeRdp, curveEpsilon, gaussianCurve, laplaceCurve, laplaceRdp, pureDpCurve, rdpCurve, subsampledGaussianCurve, zeroRdpCurve } from './composition';
export type { OrdersOption, RdpCurve } from './composition';
export { epsilonFromRdp } from './conversion';
export type { ConversionMethod, ConversionOptions, PrivacySpent } from './conversion';
export { discreteGaussianNoise, discreteLaplaceEpsilon, discreteLaplaceNoise } from './discrete';
export { erfc, logAdd, logErfc, logSub } from './log-math';
export { addGaussianNoise, gaussianNoise, gaussianRdp, laplaceEpsilon, laplaceNoise, laplaceScale } from './mechanisms';
export type { SensitivityOptions } from './mechanisms';
export { MAX_NOISE_MULTIPLIER, noiseMultiplierFor, UnreachableEpsilonError } from './noise-search';
export type { NoiseSearchOptions, NoiseSearchResult } from './noise-search';
export { computeLogA, computeRdp, DEFAULT_RDP_ORDERS, TF_PRIVACY_DP_SGD_ORDERS } from './rdp';
export { SecureRandom, secureRandom } from './secure-random';
export type { RandomWordSource } from './secure-random';
export { snappingEpsilon, snappingMechanism } from './snapping';
export type { SnappingOptions } from './snapping';
