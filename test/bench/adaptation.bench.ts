/**
 * @module test/bench/adaptation.bench
 * `npm run bench:adaptation`: how fast feedback reaches the next request.
 *
 * A. The engine's own work per rating, in process: `learnFromRating` (posterior, forgetting,
 *    Page-Hinkley, user embedding) and `chooseTemplate` + `renderSystemTemplate` for the next
 *    request — what the UserState object computes inside one call.
 * B. The edge, end to end in workerd with real Redis: `POST /v1/feedback` (ownership, sealed
 *    feedback and engine state in the Durable Object, posterior and drift update; the job lookup
 *    in Redis and the training bookkeeping run after the 202), then the
 *    next `POST /v1/generate` that uses the updated posterior. Jobs are answered by a BullMQ worker
 *    in this process that echoes (no model: this measures the edge, not generation).
 * Target (issue): p99 < 20 ms at the edge for the feedback → posterior path.
 */
import Redis from 'ioredis';
import { createPersonalizationState, learnFromRating } from '../../shared/personalization/personalization-state';
import { chooseTemplate, choiceAttributes, renderSystemTemplate } from '../../shared/personalization/template-library';
import { createSeededRng } from '../../shared/random/seeded-rng';
import { buildEdgeBundle, createTestIssuer, startEdge } from '../e2e/edge-harness';
import { startEchoWorker } from '../e2e/echo-worker';
import { waitFor } from '../e2e/stack-harness';
import { fmt, markdownTable, percentile } from './bench-run';

const ROUNDS = 200;
const REDIS_URL = 'redis://127.0.0.1:6379/10';

const row = (name: string, values: number[]) => [name, values.length, fmt(percentile(values, 50), 2), fmt(percentile(values, 90), 2), fmt(percentile(values, 99), 2), fmt(Math.max(...values), 2)];

function inProcess(): number[][] {
  const rng = createSeededRng(1);
  let state = createPersonalizationState();
  const learn: number[] = [];
  const choose: number[] = [];
  for (let i = 0; i < 2000; i++) {
    let t = performance.now();
    const { choice } = chooseTemplate(state.preferences, { rng: () => rng.next(), domain: 'writing' });
    renderSystemTemplate(choice);
    choose.push(performance.now() - t);
    t = performance.now();
    state = learnFromRating(state, { attributes: choiceAttributes(choice), rating: choice.style === 'formal' ? 5 : 1, now: i * 1000, profile: null }).state;
    learn.push(performance.now() - t);
  }
  return [learn.slice(100), choose.slice(100)];
}

async function atTheEdge(): Promise<{ feedback: number[]; next: number[] }> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await redis.flushdb();
  const [script, issuer] = await Promise.all([buildEdgeBundle(), createTestIssuer()]);
  const { url, mf } = await startEdge(script, { redisUrl: REDIS_URL, jwks: issuer.jwks });
  const echo = startEchoWorker({ redisUrl: REDIS_URL, edgeUrl: url, answer: () => 'ok' });
  const token = await issuer.token({ user: 'bench-user' });
  // A request that does not answer within 30 s fails the benchmark instead of hanging it.
  const call = (path: string, json?: unknown) => fetch(`${url}${path}`, {
    signal: AbortSignal.timeout(30_000),
    method: json === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const feedback: number[] = [];
  const next: number[] = [];
  try {
    let jobId = ((await (await call('/v1/generate', { prompt: 'How do I write a cover letter?' })).json()) as { job_id: string }).job_id;
    for (let i = 0; i < ROUNDS + 10; i++) {
      await waitFor(async () => ((await (await call(`/v1/jobs/${jobId}`)).json()) as { status: string }).status === 'completed' || null, 30_000, 'the job');
      let t = performance.now();
      const fb = await call('/v1/feedback', { job_id: jobId, rating: i % 3 === 0 ? 1 : 5 });
      if (fb.status !== 202) throw new Error(`feedback answered ${fb.status}`);
      await fb.body?.cancel();
      const feedbackMs = performance.now() - t;
      t = performance.now();
      const res = await call('/v1/generate', { prompt: 'How do I write a cover letter?' });
      const nextMs = performance.now() - t;
      jobId = ((await res.json()) as { job_id: string }).job_id;
      if (i >= 10) { // the first rounds warm workerd and the connections
        feedback.push(feedbackMs);
        next.push(nextMs);
      }
    }
  } finally {
    await echo.close();
    await mf.dispose();
    await redis.flushdb();
    await redis.quit();
  }
  return { feedback, next };
}

const [learn, choose] = inProcess();
const edge = await atTheEdge();
process.stdout.write([
  `Machine: ${new Date().toISOString().slice(0, 10)}, this machine (2 cores). Milliseconds.`,
  '',
  markdownTable(['measure', 'samples', 'p50', 'p90', 'p99', 'max'], [
    row('learnFromRating (posterior + drift + embedding), in process', learn),
    row('chooseTemplate + render, in process', choose),
    row('POST /v1/feedback round trip (workerd + Durable Object; Redis work after the 202)', edge.feedback),
    row('next POST /v1/generate round trip (uses the updated posterior)', edge.next),
  ]),
  '',
].join('\n'));
// Handles the local runtime may leave behind must not keep the benchmark alive once it has printed.
process.exit(0);
