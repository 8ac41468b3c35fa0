/**
 * @module edge/webhooks/retry-schedule
 * When to retry a webhook: the schedule the Standard Webhooks specification recommends (Svix's):
 * after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then give up; each delay
 * jittered by ±20 % so receivers recovering from an outage are not hit in lockstep.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delays before retry 1…7, in milliseconds, before jitter. */
export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** Attempts in all: the first plus one per scheduled retry. */
export const MAX_ATTEMPTS = 1 + RETRY_DELAYS_MS.length;

/** Relative jitter: a delay is scaled by a factor in [1 − JITTER, 1 + JITTER]. */
export const JITTER = 0.2;

/** A uniform number in [0, 1) from the platform CSPRNG (WebCrypto). */
export function cryptoRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
}

/**
 * Milliseconds to wait before the next attempt, given how many attempts have been made, or `null`
 * when the last retry has been spent. `random` in [0, 1]: 0.5 is the exact delay, 0 and 1 the ±20 %
 * bounds.
 * @example nextRetryDelayMs(1, () => 0.5) // 5000 (first retry)
 * @example nextRetryDelayMs(8, () => 0.5) // null (the 7th retry was the last)
 */
export function nextRetryDelayMs(attempt: number, random: () => number = cryptoRandom): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  const base = RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return null;
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 + JITTER * (2 * r - 1)));
}

/**
 * Whether an HTTP answer ends the retries: 2xx (delivered) and 410 Gone (the receiver asks us to
 * stop; the endpoint is marked gone). Every other status, redirects included, is retried.
 */
export function shouldStopRetrying(status: number): boolean {
  return (status >= 200 && status < 300) || status === 410;
}
