/**
 * @module test/pii/sanitize-command tests: `attune sanitize` — the streaming core in process
 * (chunk boundaries, bad lines, over-long lines, policy) and the registered command in a child
 * process (real stdin/stdout, exit status, usage errors, a 10 MB line).
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, sanitizeStream, type SanitizeOptions } from '../../gpu-worker/src/cli/sanitize-command';

const REPO = resolve(import.meta.dirname, '../..');
/** The real `attune` command. */
const ATTUNE = resolve(REPO, 'gpu-worker/bin/attune.mjs');
const defaults: SanitizeOptions = { threshold: 0.5, country: 'US', policy: {}, maxLineBytes: 1 << 20 };

/** Runs the streaming core over `chunks` and returns the parsed output lines. */
async function run(chunks: Array<string | Buffer>, options: Partial<SanitizeOptions> = {}): Promise<Array<Record<string, unknown>>> {
  let out = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  await sanitizeStream(Readable.from(chunks), sink, { ...defaults, ...options });
  return out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('sanitizeStream', () => {
  it('writes the sanitized text and the entities with offsets into the input', async () => {
    const text = 'Hi, I am Jane Doe, mail jane@example.com';
    const [line] = await run([`${JSON.stringify({ text })}\n`]);
    expect(line.text).toBe('Hi, I am <PERSON_1>, mail <EMAIL_ADDRESS_1>');
    const entities = line.entities as Array<{ type: string; start: number; end: number; score: number }>;
    expect(entities.map((e) => [e.type, text.slice(e.start, e.end)])).toEqual([
      ['PERSON', 'Jane Doe'],
      ['EMAIL_ADDRESS', 'jane@example.com'],
    ]);
    expect(Object.keys(entities[0]).sort()).toEqual(['end', 'score', 'start', 'type']);
  });

  it('reports a bad line by number and carries on, skipping blank lines', async () => {
    const lines = await run(['{"text":"a"}\nnot json\n\n{"text":5}\r\n[1]\n{"text":"b@example.com"}']);
    expect(lines).toEqual([
      { text: 'a', entities: [] },
      { error: expect.stringMatching(/^line 2: not valid JSON/) },
      { error: 'line 4: expected an object with a string "text"' },
      { error: 'line 5: expected an object with a string "text"' },
      { text: '<EMAIL_ADDRESS_1>', entities: [{ type: 'EMAIL_ADDRESS', start: 0, end: 13, score: 1 }] },
    ]);
  });

  it('reassembles lines and UTF-8 characters split across chunks', async () => {
    const bytes = Buffer.from(`${JSON.stringify({ text: 'café — zoe@example.com' })}\n${JSON.stringify({ text: 'ok' })}\n`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
    const lines = await run(chunks);
    expect(lines.map((l) => l.text)).toEqual(['café — <EMAIL_ADDRESS_1>', 'ok']);
  });

  it('skips a line longer than the limit without keeping it, and goes on', async () => {
    const long = `{"text":"${'x'.repeat(5000)}"}`;
    const lines = await run([long.slice(0, 2000), long.slice(2000), '\n{"text":"fine"}\n'], { maxLineBytes: 1000 });
    expect(lines).toEqual([{ error: 'line 1: longer than 1000 bytes, skipped' }, { text: 'fine', entities: [] }]);
  });

  it('applies the policy to the text but still lists every entity', async () => {
    const [line] = await run(['{"text":"see https://x.example or mail a@example.com"}\n'], { policy: { URL: 'allow', EMAIL_ADDRESS: 'redact' } });
    expect(line.text).toBe('see https://x.example or mail <EMAIL_ADDRESS>');
    expect((line.entities as unknown[]).length).toBe(2);
  });

  it('survives lone surrogates escaped in the JSON', async () => {
    const [line] = await run(['{"text":"\\ud800 jane@example.com \\udfff"}\n']);
    expect(line.text).toBe('\ud800 <EMAIL_ADDRESS_1> \udfff');
  });
});

describe('readLines', () => {
  it('numbers physical lines and drops a trailing carriage return', async () => {
    const lines = [];
    for await (const line of readLines(Readable.from(['a\r\nb', '\n\nc']), 100)) lines.push('bytes' in line ? [line.number, line.bytes.toString()] : [line.number, 'too long']);
    expect(lines).toEqual([[1, 'a'], [2, 'b'], [3, ''], [4, 'c']]);
  });
});

/** Runs the registered command in a child process. */
function sanitize(args: string[], input: string | Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [ATTUNE, 'sanitize', ...args], { cwd: REPO, maxBuffer: 64 << 20, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

describe('attune sanitize (child process)', () => {
  it('reads JSON lines on stdin, writes one JSON line per input and exits 0', async () => {
    const input = '{"text":"Call Dr. Okafor on +44 20 7946 0958"}\nbroken\n';
    const { code, stdout } = await sanitize(['--country', 'GB'], input);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].text).toBe('Call Dr. <PERSON_1> on <PHONE_NUMBER_1>');
    expect(lines[1]).toEqual({ error: expect.stringMatching(/^line 2: /) });
  });

  it('honours --threshold and --policy', async () => {
    const input = '{"text":"ref 4155552671, mail a@example.com"}\n';
    const low = await sanitize(['--threshold', '0.4', '--policy', '{"EMAIL_ADDRESS":"allow"}'], input);
    expect(JSON.parse(low.stdout).text).toBe('ref <PHONE_NUMBER_1>, mail a@example.com');
  });

  it('exits 2 with one line naming the mistake for a bad option', async () => {
    const policy = await sanitize(['--policy', '{"EMAIL":"redact"}'], '');
    expect(policy.code).toBe(2);
    expect(policy.stderr).toBe('attune: --policy: unknown entity type "EMAIL"\n');
    const country = await sanitize(['--country', 'XX'], '');
    expect(country.code).toBe(2);
    expect(country.stderr).toMatch(/--country must be an ISO 3166-1 alpha-2 code/);
    const threshold = await sanitize(['--threshold', '7'], '');
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toMatch(/--threshold must be a number in 0\.\.1, got "7"/);
  });

  it('sanitizes a 10 MB line', async () => {
    const text = 'Contact jane.doe@example.com about the draft. '.repeat(220_000);
    const input = `${JSON.stringify({ text })}\n`;
    const started = performance.now();
    const { code, stdout } = await sanitize([], input);
    const ms = performance.now() - started;
    expect(code).toBe(0);
    const line = JSON.parse(stdout);
    expect(line.text.startsWith('Contact <EMAIL_ADDRESS_1> about the draft.')).toBe(true);
    expect(line.truncated).toBe(true); // 220,000 addresses exceed the 10,000-entity cap
    expect(ms).toBeLessThan(30_000);
    process.stdout.write(`attune sanitize on one ${(input.length / 1e6).toFixed(1)} MB line: ${ms.toFixed(0)} ms\n`);
  });

  it('streams: the first output line comes out before stdin is closed', async () => {
    const child = spawn(process.execPath, [ATTUNE, 'sanitize'], { cwd: REPO });
    child.stdin.write('{"text":"a@example.com"}\n');
    const first = await new Promise<string>((done) => child.stdout.once('data', (d: Buffer) => done(d.toString())));
    expect(JSON.parse(first).text).toBe('<EMAIL_ADDRESS_1>');
    child.stdin.end();
    const code = await new Promise<number | null>((done) => child.once('close', done));
    expect(code).toBe(0);
  });
});
