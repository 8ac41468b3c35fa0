/**
 * @module random/seeded-rng
 * A small, fast, seedable pseudo-random generator so that token sampling (and random test weights)
 * can be replayed exactly from a seed. NOT for privacy noise, keys or anything cryptographic: its
 * output is predictable from a few draws. Use `crypto.getRandomValues` for those.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * 2021), 128-bit state, period 2^128 - 1. The state is filled from the seed with SplitMix64, the
 * seeding the xoshiro authors recommend, so nearby seeds (0, 1, 2, ...) give unrelated streams.
 * Pure ECMAScript: runtime-neutral.
 */

/** A reproducible stream of pseudo-random numbers. */
export interface SeededRng {
  /** Uniform in [0, 1) with 53 random bits (every representable step of 2^-53). */
  next(): number;
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Standard normal N(0, 1) by the Box-Muller transform (two uniforms give two normals). */
  normal(): number;
  /**
   * An independent stream derived from this generator's seed and `label` (e.g. one per batch row).
   * Depends only on the seed and the label path, not on how many numbers were drawn before:
   * `createSeededRng(s).fork(3)` always yields the same stream.
   */
  fork(label: number): SeededRng;
}

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** SplitMix64's output function (Steele, Lea & Flood 2014): a bijection on 64-bit integers. */
function mix64(value: bigint): bigint {
  let z = value & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Reduces a seed or label to 64 bits; rejects values that are not integers. */
function toUint64(value: number | bigint, what: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer, got ${value}`);
  }
  return BigInt.asUintN(64, BigInt(value));
}

class Xoshiro128StarStar implements SeededRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /** @param key 64-bit key the state is expanded from; also the root of every fork. */
  constructor(private readonly key: bigint) {
    // Two SplitMix64 outputs fill the 128-bit state; they come from distinct inputs of a
    // bijection, so they are never both zero (the one state xoshiro must avoid).
    const a = mix64(key + GOLDEN_GAMMA);
    const b = mix64(key + 2n * GOLDEN_GAMMA);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  next(): number {
    // 27 + 26 high bits of two draws: the standard 53-bit double construction.
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / TWO_POW_53;
  }

  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u1 = 1 - this.next(); // (0, 1]: log stays finite
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  fork(label: number): SeededRng {
    // Chain through mix64 so fork(a).fork(b) differs from fork(b).fork(a) and from the parent.
    const labelBits = toUint64(label, 'fork label');
    return new Xoshiro128StarStar(mix64(this.key ^ mix64(labelBits + 0x632be59bd9b4e019n)));
  }
}

/**
 * Creates a generator whose whole output is fixed by `seed`.
 *
 * @param seed any safe integer (negative allowed) or bigint; only its low 64 bits matter.
 * @throws RangeError when `seed` is a non-integer or unsafe number.
 * @example
 * const rng = createSeededRng(42);
 * const u = rng.next(); // same value on every run and runtime
 * const row3 = rng.fork(3); // independent stream for batch row 3
 */
export function createSeededRng(seed: number | bigint): SeededRng {
  return new Xoshiro128StarStar(toUint64(seed, 'seed'));
}

/**
 * A fresh seed from the platform's cryptographic source, for requests that give none. Returned as
 * a safe integer (53 bits) so it can be logged and passed back to reproduce a generation.
 *
 * @example
 * const seed = params.seed ?? randomSeed();
 */
export function randomSeed(): number {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  return (words[0] & 0x1fffff) * TWO_POW_32 + words[1];
}
