/**
 * @module gpu-worker/cli/cli-error
 * How the CLI reports failure: one line naming the problem on stderr, exit status 1
 * (2 for a usage mistake), never a stack trace for an expected error.
 */

/** An error whose message is meant for the person at the terminal. */
export class CliUsageError extends Error {
  readonly exitCode = 2;
}

/** Parses an integer option, naming the option when the value is not one. */
export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new CliUsageError(`${name} must be an integer in ${min}..${max}, got "${value}"`);
    return n;
  };
}

/** Parses a number option, naming the option when the value is not one. */
export function numberOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new CliUsageError(`${name} must be a number in ${min}..${max}, got "${value}"`);
    return n;
  };
}

/** Prints `attune: message` and exits. */
export function exitWithError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`attune: ${message}\n`);
  if (process.env.ATTUNE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(error instanceof CliUsageError ? 2 : 1);
}
