/**
 * @module gpu-worker/cli/sanitize-command
 * `attune sanitize [--threshold X] [--country US] [--policy JSON]`: reads JSON lines
 * `{"text": …}` on stdin and writes one JSON line per input, `{"text": sanitized, "entities":
 * [{"type", "start", "end", "score"}]}`, offsets into the input string (JS string indices).
 * `entities` lists everything detected, including types the policy allows; `text` applies the
 * policy (placeholders by default). `"truncated": true` is added when a cap stopped the scan.
 *
 * A line that is not JSON, or has no string `text`, gives `{"error": "line N: …"}` and the run
 * goes on; blank lines are skipped. Streaming: one line in memory at a time, at most
 * `--max-line-bytes` (16 MiB) — a longer line is skipped without being buffered and reported as
 * an error. Output waits for stdout to drain. Exit status 0 unless reading stdin fails.
 */
import type { Command } from 'commander';
import { isSupportedCountry } from 'libphonenumber-js';
import { analyzeReport } from '../../../shared/privacy/pii/analyzer';
import { parsePiiPolicy, type PiiPolicy } from '../../../shared/privacy/pii/policy';
import { pseudonymize } from '../../../shared/privacy/pii/pseudonymize';
import { CliUsageError, intOption, numberOption } from './cli-error';
import { DEFAULT_MAX_LINE_BYTES, mapJsonLines, textOfLine, type InputLine } from './json-lines';

export { DEFAULT_MAX_LINE_BYTES, readLines } from './json-lines';

/** Settings of one sanitize run. */
export interface SanitizeOptions {
  /** Lowest entity score acted on. @default 0.5 */
  readonly threshold: number;
  /** Default country for phone numbers without `+`. @default 'US' */
  readonly country: string;
  /** What to do per entity type. @default pseudonymize everything */
  readonly policy: PiiPolicy;
  /** Longest input line, in bytes. @default 16 MiB */
  readonly maxLineBytes: number;
}

/** The output object for one input line. */
export function sanitizeLine(line: InputLine, options: SanitizeOptions): Record<string, unknown> | null {
  const parsed = textOfLine(line, options.maxLineBytes);
  if (parsed === null || 'error' in parsed) return parsed;
  const { text } = parsed;
  const report = analyzeReport(text, { threshold: options.threshold, defaultCountry: options.country });
  const sanitized = pseudonymize(text, report.entities, options.policy);
  return {
    text: sanitized.text,
    entities: report.entities.map(({ type, start, end, score }) => ({ type, start, end, score })),
    ...(report.truncated ? { truncated: true } : {}),
  };
}

/** Sanitizes every line of `input`, writing one JSON line per non-blank input line. */
export function sanitizeStream(
  input: AsyncIterable<Uint8Array | string>,
  output: NodeJS.WritableStream,
  options: SanitizeOptions,
): Promise<{ lines: number; errors: number }> {
  return mapJsonLines(input, output, options.maxLineBytes, (line) => sanitizeLine(line, options));
}

/** Adds `sanitize`. */
export function registerSanitizeCommand(program: Command): void {
  program
    .command('sanitize')
    .description('pseudonymize PII in JSON lines {"text": …} from stdin; one JSON line per input on stdout')
    .option('--threshold <x>', 'lowest entity score acted on, 0..1', numberOption('--threshold', 0, 1), 0.5)
    .option('--country <cc>', 'default country (ISO 3166-1 alpha-2) for phone numbers without +', 'US')
    .option('--policy <json>', 'per-type actions, e.g. {"URL":"allow","default":"redact"}')
    .option('--max-line-bytes <n>', 'longest input line; longer ones are skipped with an error line', intOption('--max-line-bytes', 1, 1 << 30), DEFAULT_MAX_LINE_BYTES)
    .action(async (o) => {
      const country = String(o.country).toUpperCase();
      if (!isSupportedCountry(country)) throw new CliUsageError(`--country must be an ISO 3166-1 alpha-2 code with phone metadata, got "${o.country}"`);
      let policy: PiiPolicy = {};
      if (o.policy !== undefined) {
        try {
          policy = parsePiiPolicy(o.policy);
        } catch (error) {
          throw new CliUsageError(`--policy: ${(error as Error).message.replace(/^policy: /, '')}`);
        }
      }
      await sanitizeStream(process.stdin, process.stdout, { threshold: o.threshold, country, policy, maxLineBytes: o.maxLineBytes });
    });
}
