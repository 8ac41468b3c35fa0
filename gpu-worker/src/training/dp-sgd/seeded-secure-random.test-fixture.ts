/**
 * @module training/dp-sgd/seeded-secure-random.test-fixture
 * A {@link SecureRandom} over a seeded word stream, so statistical tests of the DP-SGD pieces are
 * reproducible. For tests only: a seeded stream gives no privacy.
 */
import { SecureRandom } from '../../../../shared/privacy/dp/secure-random';
import { createSeededRng } from '../../../../shared/random/seeded-rng';

/** A SecureRandom whose words come from xoshiro128** seeded with `seed`. */
export function seededSecureRandom(seed: number): SecureRandom {
  const rng = createSeededRng(seed);
  return new SecureRandom((words) => {
    for (let i = 0; i < words.length; i++) words[i] = rng.nextUint32();
  });
}
