/**
 * @module gpu-worker/runtime/logger
 * The logging seam of the worker runtime: JSON lines on stderr by default, so logs are
 * machine-readable and stdout stays free for CLI output.
 */

/** Structured log sink. Fields must never carry raw user text. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }) + '\n');
}

/** Logger writing JSON lines to stderr. */
export const stderrLogger: Logger = {
  info: (m, f) => write('info', m, f),
  warn: (m, f) => write('warn', m, f),
  error: (m, f) => write('error', m, f),
};

/** Logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
