/**
 * @module shared/privacy/dp/secure-random
 * The only source of randomness for privacy noise: `crypto.getRandomValues` (WebCrypto, present in
 * workerd and Node ≥ 20), drawn in blocks and handed out as words, bits, uniforms and bounded
 * integers. Never the seeded PRNG of `shared/random`, nor the language's built-in generator: noise
 * whose stream can be predicted protects nothing.
 *
 * The block is filled lazily on first use, never at module load, because workerd forbids random
 * generation in global scope.
 */

/** Where random 32-bit words come from; the default is WebCrypto. Tests may pass a counting stub. */
export type RandomWordSource = (words: Uint32Array) => void;

const webCrypto: RandomWordSource = (words) => {
  crypto.getRandomValues(words);
};

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
/** 1024 words = 4 KiB per getRandomValues call (the API's limit is 64 KiB). */
const BLOCK_WORDS = 1024;

/** Cryptographically secure random values, buffered. */
export class SecureRandom {
  private readonly block = new Uint32Array(BLOCK_WORDS);
  private next = BLOCK_WORDS;

  constructor(private readonly source: RandomWordSource = webCrypto) {}

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    if (this.next === BLOCK_WORDS) {
      this.source(this.block);
      this.next = 0;
    }
    const word = this.block[this.next];
    this.block[this.next++] = 0; // do not keep handed-out randomness in memory
    return word;
  }

  /** A fair random bit, 0 or 1. */
  bit(): number {
    return this.uint32() >>> 31;
  }

  /**
   * A uniform double in the open interval (0, 1): a 53-bit random integer k, redrawn while k = 0
   * (probability 2⁻⁵³), returned as k·2⁻⁵³. Every value is exact, none is 0 or 1, so its log is
   * always finite and at least −53·ln 2.
   */
  uniformOpen(): number {
    for (;;) {
      const k = (this.uint32() >>> 5) * TWO_POW_26 + (this.uint32() >>> 6);
      if (k !== 0) return k / TWO_POW_53;
    }
  }

  /**
   * A real drawn uniformly from (0, 1) and rounded to the nearest double, so that every double has
   * probability proportional to the real interval it stands for (the U* of Mironov 2012, §5.2): a
   * geometric exponent from leading zero bits, 52 random significand bits, and one more random bit
   * that decides the rounding. In (0, 1]: 1 comes out with probability 2⁻⁵⁴, as correct rounding
   * of the top of the interval requires.
   */
  uniformFullPrecision(): number {
    let exponent = -1; // value = 1.m × 2^exponent, exponent ≤ −1
    let word = this.uint32();
    while (word === 0) {
      exponent -= 32;
      if (exponent < -1074) return Number.MIN_VALUE; // probability 2^-1074: unreachable in practice
      word = this.uint32();
    }
    exponent -= Math.clz32(word);
    const hi = this.uint32() >>> 12; // 20 bits
    const lo = this.uint32(); // 32 bits
    const roundUp = this.bit();
    const significand = 1 + (hi * 4294967296 + lo + roundUp) / 4503599627370496; // 1 + m/2^52
    return significand * 2 ** exponent;
  }

  /** A uniform integer in [0, n) for 1 ≤ n ≤ 2³², by rejection (no modulo bias). */
  intBelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`intBelow: n must be an integer in 1..2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n); // largest multiple of n not above 2^32
    for (;;) {
      const word = this.uint32();
      if (word < limit) return word % n;
    }
  }

  /** A uniform bigint in [0, n) for n ≥ 1, by rejection on the bit length of n. */
  bigIntBelow(n: bigint): bigint {
    if (n < 1n) throw new RangeError(`bigIntBelow: n must be at least 1, got ${n}`);
    if (n === 1n) return 0n;
    const bits = (n - 1n).toString(2).length;
    const words = Math.ceil(bits / 32);
    const mask = (1n << BigInt(bits)) - 1n;
    for (;;) {
      let value = 0n;
      for (let i = 0; i < words; i++) value = (value << 32n) | BigInt(this.uint32());
      value &= mask;
      if (value < n) return value;
    }
  }
}

/** The process-wide secure generator the noise functions use unless given another. */
export const secureRandom = new SecureRandom();
