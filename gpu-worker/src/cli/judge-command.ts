/**
 * @module gpu-worker/cli/judge-command
 * `attune judge [--model FILE]`: reads JSON lines `{"text": …}` on stdin and writes one JSON line
 * per input, `{"style", "length", "confidence"}`, from the style judge
 * (gpu-worker/src/training/judge). Without `--model` it uses `gpu-worker/models/style-judge.json`
 * when present, else trains the default judge on the spot (about a second).
 *
 * A line that is not JSON, has no string `text`, or has only blank text gives
 * `{"error": "line N: …"}` and the run goes on; blank lines are skipped. Lines are streamed as
 * in `attune sanitize` (one in memory at a time, at most `--max-line-bytes`).
 */
import type { Command } from 'commander';
import { loadDefaultJudge } from '../training/judge/default-judge';
import { judge, loadJudge, type JudgeModel } from '../training/judge/style-judge';
import { intOption } from './cli-error';
import { DEFAULT_MAX_LINE_BYTES, mapJsonLines, textOfLine, type InputLine } from './json-lines';

/** The output object for one input line, or null for a blank line. */
export function judgeLine(line: InputLine, model: JudgeModel, maxLineBytes = DEFAULT_MAX_LINE_BYTES): Record<string, unknown> | null {
  const parsed = textOfLine(line, maxLineBytes);
  if (parsed === null || 'error' in parsed) return parsed;
  const { text } = parsed;
  if (text.trim() === '') return { error: `line ${line.number}: "text" is empty` };
  const verdict = judge(model, text);
  return { style: verdict.style, length: verdict.length, confidence: Math.round(verdict.confidence * 10_000) / 10_000 };
}

/** Judges every line of `input`, writing one JSON line per non-blank input line. */
export function judgeStream(
  input: AsyncIterable<Uint8Array | string>,
  output: NodeJS.WritableStream,
  model: JudgeModel,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): Promise<{ lines: number; errors: number }> {
  return mapJsonLines(input, output, maxLineBytes, (line) => judgeLine(line, model, maxLineBytes));
}

/** Adds `judge`. */
export function registerJudgeCommand(program: Command): void {
  program
    .command('judge')
    .description('label the style and length of JSON lines {"text": …} from stdin; one {"style","length","confidence"} line per input')
    .option('--model <file>', 'style judge JSON (default: gpu-worker/models/style-judge.json, else one trained on the spot)')
    .option('--max-line-bytes <n>', 'longest input line; longer ones are skipped with an error line', intOption('--max-line-bytes', 1, 1 << 30), DEFAULT_MAX_LINE_BYTES)
    .action(async (o) => {
      const model = o.model ? await loadJudge(o.model as string) : (await loadDefaultJudge()).model;
      await judgeStream(process.stdin, process.stdout, model, o.maxLineBytes);
    });
}
