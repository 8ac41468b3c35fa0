/**
 * The worker's retention sweep against real Redis (database 13): finished jobs older than the
 * retention period are removed, younger ones and waiting ones stay, and a second worker holding
 * the lock skips the round.
 */
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATE_QUEUE, QUEUE_PREFIX } from '../../../shared/jobs/generate-job';
import { sweepFinishedJobs } from './retention-sweep';

const URL = 'redis://127.0.0.1:6379/13';
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(URL, { maxRetriesPerRequest: null });
  await redis.flushdb();
});
afterAll(async () => {
  await redis.flushdb();
  await redis.quit();
});

describe('retention sweep', () => {
  it('removes finished jobs older than the retention period and keeps the rest', async () => {
    const queue = new Queue(GENERATE_QUEUE, { connection: new Redis(URL, { maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX });
    const worker = new Worker(GENERATE_QUEUE, async (job) => (job.data.fail ? Promise.reject(new Error('x')) : 'ok'), {
      connection: new Redis(URL, { maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX,
    });
    await queue.add('generate', { fail: false });
    await queue.add('generate', { fail: true });
    await new Promise<void>((resolve) => {
      let seen = 0;
      const done = () => ++seen === 2 && resolve();
      worker.on('completed', done);
      worker.on('failed', done);
    });
    await worker.close();
    await queue.add('generate', { fail: false }, { delay: 60_000 }); // not finished: must stay

    expect(await sweepFinishedJobs(redis, 24 * 3600_000)).toBe(0); // younger than a day: kept
    await new Promise((r) => setTimeout(r, 20));
    expect(await sweepFinishedJobs(redis, 10)).toBe(2);
    const counts = await queue.getJobCounts('completed', 'failed', 'delayed');
    expect(counts).toEqual({ completed: 0, failed: 0, delayed: 1 });
    await queue.close();
  });

  it('skips the round while another worker holds the lock', async () => {
    await redis.set('attune:{workers}:retention-sweep-lock', '1', 'PX', 5000);
    expect(await sweepFinishedJobs(redis, 0)).toBe(0);
    await redis.del('attune:{workers}:retention-sweep-lock');
  });
});
