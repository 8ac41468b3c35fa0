/**
 * @module training/dp-sgd/poisson-sample
 * Poisson subsampling for DP-SGD: each example joins a batch independently with probability q, so
 * batch sizes vary (Binomial(n, q)). The privacy amplification the accountant credits
 * (subsampled Gaussian RDP, Mironov, Talwar & Zhang 2019) holds for exactly this sampling, not for
 * shuffled fixed-size batches, and only if nobody can predict the draws: the coins come from
 * {@link SecureRandom} (WebCrypto), never from a seeded generator.
 */
import { secureRandom, type SecureRandom } from '../../../../shared/privacy/dp/secure-random';

/**
 * The indices (ascending) of the examples of `0 … n−1` drawn into one batch, each with
 * probability `q`. The batch may be empty; DP-SGD must still take a (noise-only) step then.
 *
 * @param n - number of examples, a non-negative integer
 * @param q - sample rate, in [0, 1]; the expected batch size is q·n
 * @param random - source of the coins; tests may pass a `SecureRandom` over a stub. @default secureRandom
 * @throws RangeError naming `n` or `q` when out of range
 * @example
 * const batch = poissonSample(examples.length, expectedBatchSize / examples.length);
 */
export function poissonSample(n: number, q: number, random: SecureRandom = secureRandom): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${q}`);
  const chosen: number[] = [];
  // A uniform in (0, 1) on the grid k·2⁻⁵³: P(u < q) is q to within 2⁻⁵³, exactly 0 at q = 0 and 1 at q = 1.
  for (let i = 0; i < n; i++) if (random.uniformOpen() < q) chosen.push(i);
  return chosen;
}
