/**
 * The worker's side of personalization choices through the real stack (workerd edge via
 * Miniflare, real Redis DB 4, a real worker process serving the committed default model with
 * onnxruntime-node on CPU): a domain expert trained by `attune experts train-domain` is routed by
 * the edge and mixed into the served adapter by the worker; best-of mode generates four candidates
 * in one job, filters them by the profile's content preferences and returns one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicPattern } from '../../shared/personalization/content-filter';
import { DEFAULT_MODEL_DIR } from '../../gpu-worker/src/worker/config';
import { TEST_SECRETS } from './edge-harness';
import { pollJob, startStack, type Stack } from './stack-harness';

const CLI = join(import.meta.dirname, '../../gpu-worker/bin/attune.mjs');
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisDb: 4, modelDir: DEFAULT_MODEL_DIR, edgeVars: { TRAIN_AFTER_EXAMPLES: '8', EXPERT_REGISTRY_TTL_MS: '0' } });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

async function generate(user: string, json: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await stack.call('/v1/generate', { method: 'POST', user, json: { max_tokens: 48, seed: 7, ...json } });
  expect(res.status).toBe(202);
  const done = await pollJob(stack, ((await res.json()) as { job_id: string }).job_id, user, 120_000);
  expect(done.status).toBe('completed');
  return done.result;
}

describe('expert adapters', () => {
  it('serves a code prompt with the code expert mixed in, and other prompts without it', async () => {
    const trained = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [CLI, 'experts', 'train-domain', '--domain', 'code', '--steps', '3'], {
        env: { ...process.env, REDIS_URL: stack.redisUrl, ADAPTER_ENCRYPTION_KEY: TEST_SECRETS.ENCRYPTION_KEY, ATTUNE_MODEL_DIR: DEFAULT_MODEL_DIR }, timeout: 170_000,
      }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }));
    });
    expect(trained.stderr).toBe('');
    expect(JSON.parse(trained.stdout.trim())).toMatchObject({ id: 'domain-code', saved: true });
    const code = await generate('dev', { prompt: 'Fix this Python function that throws a KeyError when I parse JSON' });
    expect(code.experts).toEqual(['domain-code']);
    const shop = await generate('dev', { prompt: 'Which running shoes should I buy for a marathon?' });
    expect(shop.experts).toBeUndefined();
  }, 180_000);
});

describe('best-of mode', () => {
  it('generates four candidates in one job and returns one that respects the profile\'s excluded topics', async () => {
    const put = await stack.call('/v1/profile', { method: 'PUT', user: 'chooser', json: { best_of: 4, content: { excluded_topics: ['garden'] } } });
    expect(put.status).toBe(200);
    const single = await generate('single', { prompt: 'How do I keep my garden tidy in autumn?' });
    const best = await generate('chooser', { prompt: 'How do I keep my garden tidy in autumn?' });
    expect(best.candidates).toBe(4);
    expect(best.usage.completion_tokens).toBeGreaterThan(single.usage.completion_tokens); // four candidates were generated
    if (best.finish_reason === 'content_filter') expect(best.text).toBe('');
    else expect(topicPattern('garden').test(best.text)).toBe(false);
    console.log(`best-of-4 with "garden" excluded: finish_reason ${best.finish_reason}, ${best.usage.completion_tokens} completion tokens (single: ${single.usage.completion_tokens})`);
  }, 180_000);
});
