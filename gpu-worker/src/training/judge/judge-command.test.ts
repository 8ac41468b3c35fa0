/**
 * @module gpu-worker/cli/judge-command tests (kept beside the judge, which it drives): the
 * streaming core in process — verdict lines, bad lines reported by number, blank lines skipped,
 * over-long lines — and the registered command's options.
 */
import { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { judgeStream, registerJudgeCommand } from '../../cli/judge-command';
import { trainDefaultJudge } from './default-judge';

const model = trainDefaultJudge();

async function run(chunks: Array<string | Buffer>, maxLineBytes?: number): Promise<Array<Record<string, unknown>>> {
  let out = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  await judgeStream(Readable.from(chunks), sink, model, maxLineBytes);
  return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('attune judge', () => {
  it('writes style, length and confidence for each text line', async () => {
    const lines = await run([
      `${JSON.stringify({ text: "Hey! Just grab a coffee and chill, trust me." })}\n`,
      `${JSON.stringify({ text: 'Step 1: allocate 512 MB. Step 2: set threads to 8. Note: latency target under 20 ms.' })}\n`,
    ]);
    expect(lines.map((l) => [l.style, l.length])).toEqual([['casual', 'concise'], ['technical', 'concise']]);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['confidence', 'length', 'style']);
      expect(l.confidence).toBeGreaterThan(0.5);
      expect(l.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('reports a bad line by number and carries on, skipping blank lines', async () => {
    const lines = await run(['not json\n\n{"text":5}\r\n{"text":"   "}\n{"text":"It is advisable to proceed with care."}']);
    expect(lines).toEqual([
      { error: expect.stringMatching(/^line 1: not valid JSON/) },
      { error: 'line 3: expected an object with a string "text"' },
      { error: 'line 4: "text" is empty' },
      { style: 'formal', length: 'concise', confidence: expect.any(Number) },
    ]);
  });

  it('skips an over-long line with an error and judges the next one', async () => {
    const lines = await run([`${JSON.stringify({ text: 'x'.repeat(200) })}\n{"text":"Picture a lantern on a dark path."}\n`], 100);
    expect(lines[0]).toEqual({ error: 'line 1: longer than 100 bytes, skipped' });
    expect(lines[1].style).toBe('creative');
  });

  it('registers judge with --model and --max-line-bytes', () => {
    const program = new Command('attune');
    registerJudgeCommand(program);
    const command = program.commands.find((c) => c.name() === 'judge');
    expect(command?.options.map((o) => o.long)).toEqual(['--model', '--max-line-bytes']);
  });
});
