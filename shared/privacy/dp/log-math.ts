/**
 * @module shared/privacy/dp/log-math
 * Arithmetic in log space and a log-erfc accurate far into the tail, the numerical kernel of the
 * Rényi-DP accountant. Mirrors the helpers of TensorFlow Privacy's `rdp_accountant.py` and Opacus's
 * `accountants/analysis/rdp.py` (`_log_add`, `_log_sub`, `_log_erfc`), so that our figures match
 * theirs. Pure ECMAScript: runtime-neutral.
 */

/**
 * log(e^logx + e^logy) without overflow. −∞ stands for 0.
 *
 * @example logAdd(Math.log(2), Math.log(3)) // ≈ Math.log(5)
 */
export function logAdd(logx: number, logy: number): number {
  const a = Math.min(logx, logy);
  const b = Math.max(logx, logy);
  if (a === -Infinity) return b;
  // e^a + e^b = (e^(a−b) + 1)·e^b
  return Math.log1p(Math.exp(a - b)) + b;
}

/**
 * log(e^logx − e^logy) for logx ≥ logy; −∞ stands for 0.
 * @throws RangeError when logx < logy (the difference would be negative).
 */
export function logSub(logx: number, logy: number): number {
  if (logx < logy) throw new RangeError('logSub: the result of subtraction must be non-negative');
  if (logy === -Infinity) return logx;
  if (logx === logy) return -Infinity;
  // e^x − e^y = (e^(x−y) − 1)·e^y; when e^(x−y) overflows the difference is e^x to double precision.
  const m = Math.expm1(logx - logy);
  return Number.isFinite(m) ? Math.log(m) + logy : logx;
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
// 631–638, coefficients as in Netlib SPECFUN `calerf`. A/B: erf on |x| ≤ 0.46875; C/D: e^(x²)·erfc(x)
// on (0.46875, 4]; P/Q: e^(x²)·erfc(x) on (4, ∞) as a function of 1/x². Their approximation errors
// (below 1e-18 relative) are far under double rounding, so the result is good to a few ulps.
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
const SMALL = 0.46875;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = Math.abs(x) > 1.11e-16 ? x * x : 0;
  let num = A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * z;
    den = (den + B[i]) * z;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/** e^(y²)·erfc(y) for y > 0.46875 (Cody's second and third intervals). */
function scaledErfc(y: number): number {
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    return (num + C[7]) / (den + D[7]);
  }
  const z = 1 / (y * y);
  let num = P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]) * z;
    den = (den + Q[i]) * z;
  }
  const r = (z * (num + P[4])) / (den + Q[4]);
  return (ONE_OVER_SQRT_PI - r) / y;
}

/**
 * y² split as Cody does (s = ⌊16y⌋/16, y² = s² + (y−s)(y+s)), so that −y² in the exponent keeps
 * the accuracy that a plain y·y would lose for y of a few units.
 */
function negSquare(y: number): number {
  const s = Math.trunc(16 * y) / 16;
  return -s * s - (y - s) * (y + s);
}

/**
 * The complementary error function erfc(x) = 1 − erf(x), to a few ulps of relative error for all x
 * (Cody 1969). Underflows to 0 for x ≳ 26.5; use {@link logErfc} in the tail.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= SMALL) return 1 - erfSmall(x);
  const tail = y === Infinity ? 0 : Math.exp(negSquare(y)) * scaledErfc(y);
  return x < 0 ? 2 - tail : tail;
}

/**
 * log(erfc(x)) with relative accuracy far into the upper tail (no underflow: for large x it is
 * −x² + log(e^(x²)·erfc(x)), the scaled function evaluated directly). Plays the part of SciPy's
 * `log(2) + log_ndtr(−√2·x)` in TF Privacy's and Opacus's `_log_erfc`.
 *
 * @example logErfc(30) // ≈ −903.7 (erfc(30) itself underflows)
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x === -Infinity) return Math.LN2;
  const y = Math.abs(x);
  if (y <= SMALL) return Math.log1p(-erfSmall(x));
  if (x > 0) return negSquare(y) + Math.log(scaledErfc(y));
  return Math.log(2 - Math.exp(negSquare(y)) * scaledErfc(y));
}
