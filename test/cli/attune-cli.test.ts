/**
 * @module test/cli/attune-cli tests: the real `attune` command in a child process — deterministic
 * random models, compilation with chosen LoRA targets, reproducible generation with and without a
 * LoRA adapter, and the exit status and stderr line of each kind of mistake.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomAdapter } from '../../gpu-worker/src/adapters/random-adapter';
import { writeAdapterFile } from '../../gpu-worker/src/adapters/adapter-file';
import { ensureCompiled } from '../../gpu-worker/src/compiler/compile';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'gpu-worker/bin/attune.mjs');
const MODEL_FILES = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];

/** The environment without the variables that change the CLI's defaults. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !['ATTUNE_MODEL_DIR', 'ATTUNE_EXECUTION_PROVIDERS', 'ATTUNE_DEBUG'].includes(k)),
);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `attune …args` from the repository root and resolves with its exit status and output. */
function attune(...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Runs `attune …args`, failing the test with its stderr unless it exits 0. */
async function attuneOk(...args: string[]): Promise<string> {
  const result = await attune(...args);
  if (result.code !== 0) throw new Error(`attune ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

interface GenerateJson {
  text: string;
  tokenIds: number[];
  finishReason: string;
  provider: string;
}

async function generateJson(...args: string[]): Promise<GenerateJson> {
  return JSON.parse(await attuneOk('generate', ...args, '--json')) as GenerateJson;
}

let root: string;
let modelA: string;
/** stdout of `init-random --out A --seed 5`. */
let initStdout: string;
/** The first seeded `generate --json` on model A, reused to check the streamed text. */
let seeded: GenerateJson;
/** `generate` without --prompt: run once, checked by two tests. */
let missingPrompt: Promise<CliResult> | undefined;
const runMissingPrompt = () => (missingPrompt ??= attune('generate', '--model', modelA));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'attune-cli-'));
  modelA = join(root, 'A');
  [initStdout] = await Promise.all([
    attuneOk('model', 'init-random', '--out', modelA, '--seed', '5'),
    attuneOk('model', 'init-random', '--out', join(root, 'A2'), '--seed', '5'),
    attuneOk('model', 'init-random', '--out', join(root, 'B'), '--seed', '6'),
  ]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('attune model', () => {
  it('init-random with the same seed twice writes byte-identical files', async () => {
    expect((await readdir(modelA)).sort()).toEqual(MODEL_FILES);
    expect((await readdir(join(root, 'A2'))).sort()).toEqual(MODEL_FILES);
    for (const file of MODEL_FILES) {
      const a = await readFile(join(modelA, file));
      const b = await readFile(join(root, 'A2', file));
      expect(a.equals(b), file).toBe(true);
    }
  });

  it('init-random with another seed writes different weights', async () => {
    const a = await readFile(join(modelA, 'model.safetensors'));
    const b = await readFile(join(root, 'B', 'model.safetensors'));
    expect(b.byteLength).toBe(a.byteLength);
    expect(a.equals(b)).toBe(false);
  });

  it('init-random reports where it wrote the model', () => {
    expect(initStdout).toMatch(new RegExp(`^wrote random model to ${modelA} \\(\\d+ parameters, seed 5\\)\\n$`));
  });

  it('compile writes model.onnx and a manifest with the chosen targets and rank', async () => {
    const out = join(root, 'C');
    const stdout = await attuneOk('model', 'compile', modelA, '--out', out, '--lora-targets', 'q,v', '--max-rank', '16');
    expect(stdout).toContain('LoRA targets q_proj,v_proj, max rank 16');
    const files = await readdir(out);
    expect(files).toContain('model.onnx');
    expect(files).toContain('attune-model.json');
    const manifest = JSON.parse(await readFile(join(out, 'attune-model.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'attune-compiled-model', loraTargets: ['q_proj', 'v_proj'], maxRank: 16, modelType: 'llama' });
    expect(manifest.baseModelId).toMatch(/^sha256:[0-9a-f]{32}$/);
  });

  it('compile rejects an unknown LoRA target, naming it', async () => {
    const result = await attune('model', 'compile', modelA, '--out', join(root, 'bad-targets'), '--lora-targets', 'q,x');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^attune: unknown LoRA target "x" \(choose from q_proj, /);
    expect(result.stdout).toBe('');
  });
});

describe('attune generate', () => {
  it('gives the same text and tokens for the same seed, at most --max-new-tokens of them, on cpu', async () => {
    const args = ['--model', modelA, '--prompt', 'hi', '--seed', '3', '--max-new-tokens', '8'];
    const first = await generateJson(...args);
    const second = await generateJson(...args);
    seeded = first;
    expect(second.text).toBe(first.text);
    expect(second.tokenIds).toEqual(first.tokenIds);
    expect(first.tokenIds.length).toBeGreaterThan(0);
    expect(first.tokenIds.length).toBeLessThanOrEqual(8);
    expect(first.provider).toBe('cpu');
    // The HF directory was compiled once into its cache.
    expect(await readdir(join(modelA, '.attune-cache'))).toHaveLength(1);
  });

  it('is deterministic with --temperature 0', async () => {
    const args = ['--model', modelA, '--prompt', 'hello there', '--temperature', '0', '--max-new-tokens', '6'];
    const [first, second] = await Promise.all([generateJson(...args), generateJson(...args)]);
    expect(second.text).toBe(first.text);
    expect(second.tokenIds).toEqual(first.tokenIds);
    expect(first.tokenIds.length).toBeLessThanOrEqual(6);
  });

  it('streams the text to stdout without --json', async () => {
    const args = ['--model', modelA, '--prompt', 'hi', '--seed', '3', '--max-new-tokens', '8'];
    seeded ??= await generateJson(...args);
    const stdout = await attuneOk('generate', ...args);
    expect(stdout).toBe(`${seeded.text}\n`);
  });

  // Independent child processes: run side by side to keep the file quick.
  describe.concurrent('rejects a mistake with an exit status and one stderr line naming it', () => {
    it('a missing --prompt', async () => {
      const result = await runMissingPrompt();
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("required option '--prompt <text>' not specified");
      expect(result.stdout).toBe('');
    });

    // Bug: the CLI documents exit status 2 for usage mistakes (cli-error.ts) and gives 2 for a
    // missing --model, but commander's missing-option error carries exitCode 1, which main.ts passes on.
    it('a missing --prompt exits 2 like every other usage mistake', async () => {
      const result = await runMissingPrompt();
      expect(result.code).toBe(2);
    });

    it('a missing --model (and no ATTUNE_MODEL_DIR)', async () => {
      const result = await attune('generate', '--prompt', 'hi');
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('attune: --model is required (or set ATTUNE_MODEL_DIR)\n');
    });

    it('--max-new-tokens 0', async () => {
      const result = await attune('generate', '--model', modelA, '--prompt', 'hi', '--max-new-tokens', '0');
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('attune: --max-new-tokens must be an integer in 1..4096, got "0"\n');
    });

    it('--temperature abc', async () => {
      const result = await attune('generate', '--model', modelA, '--prompt', 'hi', '--temperature', 'abc');
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('attune: --temperature must be a number in 0..100, got "abc"\n');
    });

    it('--model pointing to a missing directory', async () => {
      const missing = join(root, 'no-such-model');
      const result = await attune('generate', '--model', missing, '--prompt', 'hi');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`attune: ${missing} is not a model directory: ${join(missing, 'config.json')} is missing\n`);
    });

    it('--adapter pointing to a file that is not an adapter', async () => {
      const notAdapter = join(root, 'not-an-adapter.safetensors');
      await writeFile(notAdapter, 'this is plain text, not safetensors\n');
      const result = await attune('generate', '--model', modelA, '--prompt', 'hi', '--adapter', notAdapter);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^attune: ${notAdapter}: adapter file is not valid safetensors`));
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });

  describe('with a LoRA adapter', () => {
    let adapterPath: string;
    let foreignAdapterPath: string;
    let baseModelId: string;

    beforeAll(async () => {
      // The same default compile options as `attune generate`, so this reads the CLI's cache.
      const compiled = await ensureCompiled(modelA);
      baseModelId = compiled.manifest.baseModelId;
      const options = { targets: ['q_proj' as const, 'v_proj' as const], rank: 4, alpha: 8, seed: 1 };
      adapterPath = join(root, 'adapter.safetensors');
      await writeAdapterFile(adapterPath, randomAdapter(compiled.config, { ...options, baseModelId: compiled.manifest.baseModelId }));
      foreignAdapterPath = join(root, 'foreign-adapter.safetensors');
      await writeAdapterFile(foreignAdapterPath, randomAdapter(compiled.config, { ...options, baseModelId: `sha256:${'0'.repeat(32)}` }));
    });

    it.concurrent('runs and changes the greedy continuation of at least one prompt', async () => {
      // Stops at the first prompt whose greedy tokens differ.
      let differs = false;
      for (const prompt of ['hi', 'hello world', 'tell me a story about a cat']) {
        const args = ['--model', modelA, '--prompt', prompt, '--temperature', '0', '--max-new-tokens', '8'];
        const [base, adapted] = await Promise.all([generateJson(...args), generateJson(...args, '--adapter', adapterPath)]);
        expect(adapted.provider).toBe('cpu');
        expect(adapted.tokenIds.length).toBeGreaterThan(0);
        expect(adapted.tokenIds.length).toBeLessThanOrEqual(8);
        if (JSON.stringify(base.tokenIds) !== JSON.stringify(adapted.tokenIds)) {
          differs = true;
          break;
        }
      }
      expect(differs).toBe(true);
    });

    it.concurrent('rejects an adapter made for another base model', async () => {
      const result = await attune('generate', '--model', modelA, '--prompt', 'hi', '--adapter', foreignAdapterPath);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `attune: ${foreignAdapterPath}: adapter was trained for base model sha256:${'0'.repeat(32)}, this model is ${baseModelId}\n`,
      );
      expect(result.stdout).toBe('');
    });
  });
});
