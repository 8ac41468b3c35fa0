/**
 * @module test/sim/run-sim
 * `npm run sim`: simulated users on the real stack — the edge in workerd, real Redis, a worker
 * process serving the default model — who never state a preference and only rate answers. Each
 * asks plain held-out questions; the style judge reads each answer; the user rates it 4–5 when it
 * is in the style they like and 1–2 otherwise, and changes the style they like at interaction 30.
 * Control users ask the same way and never rate. Reports the judged style-match rate per
 * interaction, recovery after the change, ε spent per user, and writes docs/sim.md + docs/sim.svg.
 *
 * Options: --users N (default 200) --controls N (40) --interactions N (40) --change-at N (30)
 *          --max-tokens N (48) --seed N (1) --concurrency N (32 users in flight) --no-write (print only)
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadDefaultJudge } from '../../gpu-worker/src/training/judge/default-judge';
import { judge } from '../../gpu-worker/src/training/judge/style-judge';
import { heldOutPrompts } from '../../gpu-worker/src/training/pretrain/style-eval';
import { DEFAULT_MODEL_DIR } from '../../gpu-worker/src/worker/config';
import { startStack, type Stack } from '../e2e/stack-harness';
import { makeUsers, rate, wantedStyle, type SimUser } from './sim-users';
import { ratesByIndex, recoveredAt, renderSvg } from './sim-report';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${process.argv[at + 1]}`);
  return value;
};
const USERS = arg('users', 200);
const CONTROLS = arg('controls', 40);
const INTERACTIONS = arg('interactions', 40);
const CHANGE_AT = arg('change-at', 30);
const MAX_TOKENS = arg('max-tokens', 48);
const SEED = arg('seed', 1);
const CONCURRENCY = arg('concurrency', 32);
const WRITE = !process.argv.includes('--no-write');
const root = resolve(import.meta.dirname, '../..');

interface Outcome { user: string; control: boolean; index: number; wanted: string; judged: string; match: boolean; personalized: boolean; latencyMs: number }

let retried503 = 0;
let transportRetries = 0;

/** Calls the edge, retrying a 503 after its Retry-After (as API clients are told to). */
async function callWithRetry(stack: Stack, path: string, init: Parameters<Stack['call']>[1]): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await stack.call(path, init);
    } catch (error) {
      // The local workerd occasionally resets a connection under this load: count it and retry.
      if (attempt >= 20) throw error;
      transportRetries++;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (res.status !== 503 || attempt >= 20) return res;
    retried503++;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

/** Runs `task` for every item with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  }));
}

/**
 * One question through the OpenAI-compatible route (one request per answer; polling GET /v1/jobs
 * would multiply the edge's Redis connections). The chat completion id carries the job id:
 * `chatcmpl-<hex>` answers job `job_<hex>`, which feedback names.
 */
async function ask(stack: Stack, user: SimUser, prompt: string, seed: number): Promise<{ jobId: string; text: string; personalized: boolean }> {
  const res = await callWithRetry(stack, '/v1/chat/completions', { method: 'POST', user: user.id, json: { messages: [{ role: 'user', content: prompt }], max_tokens: MAX_TOKENS, temperature: 0.7, seed } });
  if (res.status !== 200) throw new Error(`chat completions answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { id: string; personalized: boolean; choices: Array<{ message: { content: string } }> };
  return { jobId: `job_${body.id.slice('chatcmpl-'.length)}`, text: body.choices[0].message.content, personalized: body.personalized };
}

/**
 * Restarts the local edge between interactions every RESTART_EVERY of them: local workerd's memory
 * grows with each Redis-using request (docs/architecture.md, known issue) and would run out of heap
 * before the run ends. Durable Object data survives the restart, so users' state is unaffected.
 */
const RESTART_EVERY = 1500;
let inFlight = 0;
let sinceRestart = 0;
let restarts = 0;
let restarting: Promise<void> | null = null;

async function enterInteraction(stack: Stack): Promise<void> {
  while (restarting) await restarting;
  if (sinceRestart >= RESTART_EVERY) {
    restarting = (async () => {
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
      await stack.restartEdge();
      restarts++;
      sinceRestart = 0;
    })().finally(() => { restarting = null; });
    await restarting;
    return enterInteraction(stack);
  }
  inFlight++;
  sinceRestart++;
}

async function simulateUser(stack: Stack, user: SimUser, prompts: string[], outcomes: Outcome[], judgeModel: Awaited<ReturnType<typeof loadDefaultJudge>>['model']): Promise<void> {
  for (let n = 1; n <= INTERACTIONS; n++) {
    await enterInteraction(stack);
    try {
      await interact(stack, user, n, prompts, outcomes, judgeModel);
    } finally {
      inFlight--;
    }
  }
}

async function interact(stack: Stack, user: SimUser, n: number, prompts: string[], outcomes: Outcome[], judgeModel: Awaited<ReturnType<typeof loadDefaultJudge>>['model']): Promise<void> {
  {
    const prompt = prompts[Math.floor(user.rng.next() * prompts.length)];
    const started = Date.now();
    const answer = await ask(stack, user, prompt, Math.floor(user.rng.next() * 1e9));
    const judged = judge(judgeModel, answer.text).style;
    const wanted = wantedStyle(user, n, CHANGE_AT);
    outcomes.push({ user: user.id, control: user.control, index: n, wanted, judged, match: judged === wanted, personalized: answer.personalized, latencyMs: Date.now() - started });
    if (!user.control) {
      const res = await callWithRetry(stack, '/v1/feedback', { method: 'POST', user: user.id, json: { job_id: answer.jobId, rating: rate(user, judged, wanted) } });
      if (res.status !== 202) throw new Error(`feedback answered ${res.status}: ${await res.text()}`);
    }
  }
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');

async function main(): Promise<void> {
  const started = Date.now();
  const { model: judgeModel } = await loadDefaultJudge();
  const prompts = [...new Set(heldOutPrompts(SEED, 400).map((ex) => ex.prompt))];
  process.stdout.write(`starting the stack (default model, ${USERS} users + ${CONTROLS} controls × ${INTERACTIONS} interactions)\n`);
  const stack = await startStack({
    redisDb: 9, modelDir: DEFAULT_MODEL_DIR,
    // Adapter training is measured in the model card; here the real-time path (posteriors → templates) is.
    edgeVars: { TRAIN_AFTER_EXAMPLES: '1000000' },
    workerEnv: { WORKER_CONCURRENCY: '64' },
  });
  const outcomes: Outcome[] = [];
  const users = makeUsers(USERS, CONTROLS, SEED);
  const ticker = setInterval(() => process.stdout.write(`  ${outcomes.length} / ${users.length * INTERACTIONS} interactions, ${Math.round((Date.now() - started) / 1000)} s\n`), 30_000);
  try {
    // Users in flight at once: the worker batches up to 64 rows; more only queue.
    await pool(users, CONCURRENCY, (u) => simulateUser(stack, u, prompts, outcomes, judgeModel));
    const spent: number[] = [];
    for (const u of users.filter((x) => !x.control)) {
      const budget = (await (await stack.call('/v1/me/privacy', { user: u.id })).json()) as { epsilon_spent: number };
      spent.push(budget.epsilon_spent);
    }
    const personalizedRates = ratesByIndex(outcomes.filter((o) => !o.control), INTERACTIONS);
    const controlRates = ratesByIndex(outcomes.filter((o) => o.control), INTERACTIONS);
    const recovered = recoveredAt(personalizedRates, CHANGE_AT, 0.85);
    const latencies = outcomes.map((o) => o.latencyMs).sort((a, b) => a - b);
    const rows = personalizedRates.map((r, i) => (i === 0 ? '' : `| ${i} | ${pct(r)} | ${pct(controlRates[i])} |`)).filter(Boolean);
    const summary = [
      `Measured ${new Date().toISOString().slice(0, 10)} on this machine (2 CPU cores), ${Math.round((Date.now() - started) / 1000)} s in all.`,
      '',
      `- ${USERS} rating users (hidden style spread evenly over casual/formal/technical/creative; each changes to another style at interaction ${CHANGE_AT}) and ${CONTROLS} control users who never rate; no profile is ever set.`,
      `- Requests: \`POST /v1/chat/completions\` (not streamed) with a held-out question (no style instruction), max_tokens ${MAX_TOKENS}, temperature 0.7; answers judged by the style judge; ratings 4–5 for the liked style, 1–2 otherwise.`,
      `- Style match at interaction 10: **${pct(personalizedRates[10])}** (target ≥ 85%); control group ${pct(controlRates[10])}.`,
      `- Mean over interactions 10–${CHANGE_AT - 1}: ${pct(mean(personalizedRates.slice(10, CHANGE_AT)))}; control ${pct(mean(controlRates.slice(1)))} over all interactions.`,
      `- After the change at ${CHANGE_AT}: rate at ${CHANGE_AT} ${pct(personalizedRates[CHANGE_AT])}; back to ≥ 85% (3-interaction mean) from interaction ${recovered ?? 'never (within the run)'}${recovered ? ` (${recovered - CHANGE_AT} interactions after the change)` : ''}; at ${Math.min(INTERACTIONS, CHANGE_AT + 10)}: ${pct(personalizedRates[Math.min(INTERACTIONS, CHANGE_AT + 10)])}.`,
      `- ε spent per user (GET /v1/me/privacy): max ${Math.max(...spent).toFixed(4)}, mean ${mean(spent).toFixed(4)} (cap 1.0).`,
      `- ${CONCURRENCY} users in flight at a time; request latency (chat completion round trip): p50 ${latencies[Math.floor(latencies.length / 2)]} ms, p90 ${latencies[Math.floor(latencies.length * 0.9)]} ms; ${retried503} requests answered 503 and were retried after Retry-After, ${transportRetries} were retried after a reset connection; the local edge was restarted ${restarts} times (every ${RESTART_EVERY} interactions, Durable Object data kept; see docs/architecture.md, known issue).`,
      '',
      '| interaction | rating users: style match | control users |',
      '|---:|---:|---:|',
      ...rows,
    ].join('\n');
    process.stdout.write(summary + '\n');
    if (WRITE) {
      const svg = renderSvg([
        { name: 'rating users', color: '#1f77b4', rates: personalizedRates },
        { name: 'control (no ratings)', color: '#ff7f0e', rates: controlRates },
      ], CHANGE_AT, 'Judged style match per interaction (npm run sim)');
      await writeFile(join(root, 'docs', 'sim.svg'), svg);
      await writeFile(join(root, 'docs', 'sim.md'), `# Personalization simulation (\`npm run sim\`)\n\n![style match per interaction](sim.svg)\n\n${summary}\n`);
    }
  } finally {
    clearInterval(ticker);
    await stack.stop();
  }
}

function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.reduce((a, b) => a + b, 0) / finite.length;
}

await main();
