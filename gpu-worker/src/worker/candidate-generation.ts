/**
 * @module gpu-worker/worker/candidate-generation
 * Best-of-N generation for one job: N responses to the same prompt submitted to the engine at
 * once, so the continuous batcher decodes them as N rows of the shared batch. Candidate i samples
 * with seed `seed + i` when the job gives a seed (the whole set is reproducible), and unseeded
 * otherwise. Nothing is streamed: the content filter must see a candidate before any of it
 * reaches the client (see candidate-selection.ts).
 */
import type { LoraAdapter } from '../adapters/adapter';
import type { SamplingParams } from '../generation/sampling-params';
import type { GenerationEvent } from '../generation/sequence';
import type { GenerationInput } from '../generation/text-generator';
import type { GenerationSource } from './generate-processor';

/** The last event of one generation. */
export type GenerationDone = Extract<GenerationEvent, { type: 'done' }>;

/**
 * The seed of candidate `index`: `seed + index`, or `seed - index` where the sum would leave the
 * safe integers (the sampler rejects those).
 */
export function candidateSeed(seed: number, index: number): number {
  return Number.isSafeInteger(seed + index) ? seed + index : seed - index;
}

/** Runs one generation to its end and returns the final event; text deltas are dropped. */
async function finish(events: AsyncIterable<GenerationEvent>): Promise<GenerationDone> {
  for await (const event of events) if (event.type === 'done') return event;
  throw new Error('generation ended without a result');
}

/**
 * Submits `count` candidates and resolves with their final events, in candidate order.
 * Aborting `signal` ends every candidate with `finishReason: 'aborted'` and the text so far.
 *
 * @throws synchronously, like {@link GenerationSource.stream}, when the engine rejects the input
 *   (the candidates already submitted are stopped). The promise rejects with the first candidate's
 *   failure, after stopping the others and waiting for them to end, so no row outlives the job.
 * @example
 * const dones = await generateCandidates(generator, { messages }, params, adapter, 4, abort);
 * dones.map((d) => d.text); // four responses, seeds params.seed … params.seed + 3
 */
export function generateCandidates(
  generator: GenerationSource,
  input: GenerationInput,
  params: SamplingParams,
  adapter: LoraAdapter | null,
  count: number,
  signal: AbortSignal,
): Promise<GenerationDone[]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`candidates must be a positive integer, got ${count}`);
  const stopOthers = new AbortController();
  const rowSignal = AbortSignal.any([signal, stopOthers.signal]);
  const streams: AsyncIterable<GenerationEvent>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const seeded = params.seed === undefined ? params : { ...params, seed: candidateSeed(params.seed, i) };
      streams.push(generator.stream(input, seeded, adapter, rowSignal));
    }
  } catch (error) {
    stopOthers.abort();
    throw error;
  }
  const runs = streams.map((events) =>
    finish(events).catch((error: unknown) => {
      stopOthers.abort();
      throw error;
    }),
  );
  return Promise.allSettled(runs).then((settled) => {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<GenerationDone>).value);
  });
}
