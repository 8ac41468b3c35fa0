/**
 * @module gpu-worker/cli/dp-command
 * `attune dp epsilon` and `attune dp noise`: the privacy accountant of shared/privacy/dp on the
 * command line. `epsilon` gives the (ε, δ) guarantee of DP-SGD (Poisson-subsampled Gaussian
 * mechanism, RDP accounting, Opacus's orders and conversion); `noise` finds the noise multiplier
 * for a target ε the way Opacus's `get_noise_multiplier` does.
 */
import type { Command } from 'commander';
import { epsilonFromRdp, type ConversionMethod } from '../../../shared/privacy/dp/conversion';
import { noiseMultiplierFor, UnreachableEpsilonError } from '../../../shared/privacy/dp/noise-search';
import { computeRdp, DEFAULT_RDP_ORDERS } from '../../../shared/privacy/dp/rdp';
import { CliUsageError, intOption } from './cli-error';

/** Parses a number that must satisfy `ok`, naming the option and the allowed range otherwise. */
function boundedNumber(name: string, range: string, ok: (n: number) => boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new CliUsageError(`${name} must be a number in ${range}, got "${value}"`);
    return n;
  };
}

const sampleRate = boundedNumber('--sample-rate', '(0, 1]', (q) => q > 0 && q <= 1);
const delta = boundedNumber('--delta', '(0, 1)', (d) => d > 0 && d < 1);
const steps = intOption('--steps', 1);

function conversion(value: string): ConversionMethod {
  if (value !== 'balle2020' && value !== 'mironov2017') throw new CliUsageError(`--conversion must be balle2020 or mironov2017, got "${value}"`);
  return value;
}

/** A number for people: 6 significant digits, "inf" for no privacy at all. */
function show(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : 'inf';
}

/** δ as people write it: 1e-5 rather than 0.00001. */
function showDelta(d: number): string {
  return d < 1e-3 ? d.toExponential() : String(d);
}

/** JSON cannot hold ∞ or NaN: they are written as null. */
function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Adds `dp epsilon` and `dp noise`. */
export function registerDpCommand(program: Command): void {
  const dp = program
    .command('dp')
    .description('differential-privacy accounting for DP-SGD (Poisson-subsampled Gaussian mechanism, Rényi DP)');

  dp.command('epsilon')
    .description('the (epsilon, delta) guarantee of T steps at sample rate Q with noise multiplier S')
    .requiredOption('--noise-multiplier <s>', 'noise std / L2 sensitivity (clipping norm); 0 = no noise', boundedNumber('--noise-multiplier', '[0, ∞)', (s) => s >= 0))
    .requiredOption('--sample-rate <q>', 'Poisson sampling probability of each step, in (0, 1]', sampleRate)
    .requiredOption('--steps <t>', 'number of steps (≥ 1)', steps)
    .requiredOption('--delta <d>', 'delta of the guarantee, in (0, 1)', delta)
    .option('--conversion <method>', 'RDP → (ε, δ): balle2020 (as Opacus) or mironov2017 (older TF Privacy)', conversion, 'balle2020' as ConversionMethod)
    .option('--json', 'print {"epsilon", "order"} (null when epsilon is infinite)')
    .action((o: { noiseMultiplier: number; sampleRate: number; steps: number; delta: number; conversion: ConversionMethod; json?: boolean }) => {
      const rdp = computeRdp(o.sampleRate, o.noiseMultiplier, o.steps, DEFAULT_RDP_ORDERS);
      const spent = epsilonFromRdp(DEFAULT_RDP_ORDERS, rdp, o.delta, { method: o.conversion });
      if (spent.orderAtEdge) {
        process.stderr.write(`attune: note: the best RDP order (${spent.order}) is at the end of the order list; a wider list might give a smaller epsilon\n`);
      }
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ epsilon: jsonNumber(spent.epsilon), order: jsonNumber(spent.order) })}\n`);
        return;
      }
      const order = Number.isFinite(spent.order) ? `, best RDP order ${spent.order}` : '';
      process.stdout.write(`epsilon = ${show(spent.epsilon)} (delta = ${showDelta(o.delta)}${order}, ${o.conversion} conversion)\n`);
    });

  dp.command('noise')
    .description('the smallest noise multiplier that keeps T steps at sample rate Q within (E, delta)')
    .requiredOption('--target-epsilon <e>', 'the epsilon to stay at or below (> 0)', boundedNumber('--target-epsilon', '(0, ∞)', (e) => e > 0))
    .requiredOption('--sample-rate <q>', 'Poisson sampling probability of each step, in (0, 1]', sampleRate)
    .requiredOption('--steps <t>', 'number of steps (≥ 1)', steps)
    .requiredOption('--delta <d>', 'delta of the guarantee, in (0, 1)', delta)
    .option('--tolerance <x>', 'stop once epsilon is within this much below the target', boundedNumber('--tolerance', '(0, ∞)', (x) => x > 0), 0.01)
    .option('--json', 'print {"noise_multiplier", "epsilon"}')
    .action((o: { targetEpsilon: number; sampleRate: number; steps: number; delta: number; tolerance: number; json?: boolean }) => {
      let result;
      try {
        result = noiseMultiplierFor({ targetEpsilon: o.targetEpsilon, sampleRate: o.sampleRate, steps: o.steps, delta: o.delta, tolerance: o.tolerance });
      } catch (error) {
        // The arguments are each valid but cannot be met together: still the caller's to change.
        if (error instanceof UnreachableEpsilonError) throw new CliUsageError(error.message);
        throw error;
      }
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ noise_multiplier: result.noiseMultiplier, epsilon: result.epsilon })}\n`);
        return;
      }
      process.stdout.write(`noise multiplier = ${result.noiseMultiplier} (epsilon = ${show(result.epsilon)} at delta = ${showDelta(o.delta)}, best RDP order ${result.order})\n`);
    });
}
