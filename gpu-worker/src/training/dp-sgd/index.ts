/**
 * @module training/dp-sgd
 * DP-SGD (Abadi et al. 2016) for private-mode adapters: Poisson sampling with WebCrypto coins,
 * per-example clipping, the Gaussian-noised mean gradient, and the RDP accounting and ledger charge.
 */
export { dpSgdAccountant, dpSgdLedgerCharge } from './accountant';
export type { DpSgdPrivacy, DpSgdRun } from './accountant';
export { clipPerExample } from './clip-per-example';
export type { PerExampleClipReport } from './clip-per-example';
export { assertLayout, layoutOf } from './gradient-layout';
export type { GradientLayout } from './gradient-layout';
export { poissonSample } from './poisson-sample';
export { privatizeBatch } from './privatize-batch';
export type { PrivatizeBatchOptions } from './privatize-batch';
