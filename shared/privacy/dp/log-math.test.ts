/**
 * @module shared/privacy/dp/log-math.test
 * Log-space arithmetic and the accuracy of erfc / log-erfc against 50-digit references.
 */
import { describe, expect, it } from 'vitest';
import { erfc, logAdd, logErfc, logSub } from './log-math';

// [x, log(erfc(x)), erfc(x)] from mpmath 1.3.0 at mp.dps = 50 (mp.erfc, mp.log), printed to 20 digits.
const REFERENCE: Array<[number, number, number]> = [
  [-20, 0.69314718055994530942, 2.0],
  [-3, 0.69313613525044681032, 1.9999779095030014146],
  [-0.46875, 0.40052859235130782549, 1.4926134732179379916],
  [-1e-9, 1.1283791664588928016e-9, 1.0000000011283791671],
  [0, 0, 1],
  [0.25, -0.32341480339361941803, 0.72367360983176306701],
  [0.46875, -0.67848218561439609899, 0.50738652678206200841],
  [0.5, -0.73501112983708440303, 0.47950012218695346232],
  [1, -1.8496055099332482486, 0.15729920705028513066],
  [2.5, -7.8068152727272643589, 0.00040695201744495893956],
  [4, -17.987778312103006503, 1.5417257900280018852e-8],
  [4.5, -22.349768303435940757, 1.9661604415428874763e-10],
  [10, -102.87988902484488857, 2.088487583762544757e-45],
  [26, -679.83119976319423026, 5.6631924088561428465e-296],
  [27, -732.86888650789741098, 0], // erfc(27) = 5.2e-319 is subnormal; only its log is tested
  [40, -1604.2615566532735557, 0],
  [100, -10005.177585122664333, 0],
  [1000, -1000007.4801207219062, 0],
  [100000, -10000000012.085290408, 0],
];

describe('logAdd and logSub', () => {
  it('add and subtract numbers given by their logarithms, with −∞ standing for zero', () => {
    expect(logAdd(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 15);
    expect(logAdd(-Infinity, 1.5)).toBe(1.5);
    expect(logAdd(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSub(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 15);
    expect(logSub(2, -Infinity)).toBe(2);
    expect(logSub(7, 7)).toBe(-Infinity);
    expect(logSub(800, 0)).toBe(800); // e^800 − 1 overflows; the difference is e^800 to double precision
  });

  it('refuses a subtraction whose result would be negative, as TF Privacy and Opacus do', () => {
    expect(() => logSub(1, 2)).toThrow('the result of subtraction must be non-negative');
  });
});

describe('erfc and logErfc', () => {
  it('match 50-digit values of log erfc(x) to 1e-12 relative (1e-12 absolute near 0) from −20 to 100000', () => {
    for (const [x, logRef] of REFERENCE) {
      expect(Math.abs(logErfc(x) - logRef), `x = ${x}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(logRef)));
    }
  });

  it('match 50-digit values of erfc(x) to 1e-13 relative wherever erfc(x) is a normal double', () => {
    for (const [x, , ref] of REFERENCE.filter(([, , r]) => r > 0)) {
      expect(Math.abs(erfc(x) - ref) / ref, `x = ${x}`).toBeLessThanOrEqual(1e-13);
    }
  });

  it('stay finite in the far tail where erfc itself underflows, and handle the infinities', () => {
    expect(erfc(40)).toBe(0);
    expect(Number.isFinite(logErfc(40))).toBe(true);
    expect(logErfc(Infinity)).toBe(-Infinity);
    expect(logErfc(-Infinity)).toBeCloseTo(Math.LN2, 15);
    expect(erfc(-Infinity)).toBe(2);
    expect(Number.isNaN(logErfc(NaN))).toBe(true);
  });
});
