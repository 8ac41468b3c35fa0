/**
 * @module gpu-worker/cli/json-lines
 * JSON-lines plumbing shared by the stdin → stdout commands (`sanitize`, `judge`): splitting a byte
 * stream into bounded lines, and writing one JSON line per non-blank input line with backpressure.
 */
import { once } from 'node:events';

/** Default longest input line: room for 10 MB of text after JSON escaping. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** One physical input line: its bytes, or the fact that it was too long to keep. */
export type InputLine = { readonly number: number; readonly bytes: Buffer } | { readonly number: number; readonly tooLong: true };

/** Splits a byte stream into lines (`\n`, optional `\r`), keeping at most `maxBytes` of one line. */
export async function* readLines(input: AsyncIterable<Uint8Array | string>, maxBytes: number): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  const finish = (): InputLine => {
    number++;
    const line: InputLine = tooLong ? { number, tooLong: true } : { number, bytes: stripCr(Buffer.concat(parts, size)) };
    parts = [];
    size = 0;
    tooLong = false;
    return line;
  };
  const keep = (segment: Buffer) => {
    if (tooLong || segment.length === 0) return;
    if (size + segment.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(segment);
    size += segment.length;
  };
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let nl = buffer.indexOf(10, from); nl !== -1; nl = buffer.indexOf(10, from)) {
      keep(buffer.subarray(from, nl));
      yield finish();
      from = nl + 1;
    }
    // Copy the tail: the stream may reuse the chunk's memory.
    if (from < buffer.length) keep(Buffer.from(buffer.subarray(from)));
  }
  if (size > 0 || tooLong) yield finish();
}

function stripCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, -1) : bytes;
}


/**
 * The `text` of one `{"text": …}` input line, or the error line to write for it; null for a blank
 * line (skipped).
 */
export function textOfLine(line: InputLine, maxLineBytes: number): { text: string } | { error: string } | null {
  if ('tooLong' in line) return { error: `line ${line.number}: longer than ${maxLineBytes} bytes, skipped` };
  const raw = line.bytes.toString('utf8');
  if (raw.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { error: `line ${line.number}: not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || typeof (value as { text?: unknown }).text !== 'string') {
    return { error: `line ${line.number}: expected an object with a string "text"` };
  }
  return { text: (value as { text: string }).text };
}

/**
 * Applies `handle` to each input line and writes its result as a JSON line (`null` skips the
 * line); counts lines written and those whose result carries an `error`.
 */
export async function mapJsonLines(
  input: AsyncIterable<Uint8Array | string>,
  output: NodeJS.WritableStream,
  maxLineBytes: number,
  handle: (line: InputLine) => Record<string, unknown> | null,
): Promise<{ lines: number; errors: number }> {
  let lines = 0;
  let errors = 0;
  for await (const line of readLines(input, maxLineBytes)) {
    const result = handle(line);
    if (result === null) continue;
    lines++;
    if ('error' in result) errors++;
    if (!output.write(`${JSON.stringify(result)}\n`)) await once(output, 'drain');
  }
  return { lines, errors };
}
