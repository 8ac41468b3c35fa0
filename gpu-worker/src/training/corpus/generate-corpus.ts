/**
 * @module gpu-worker/training/corpus/generate-corpus
 * The synthetic style corpus: prompt → response pairs balanced over domain × style × length,
 * reproducible from a seed.
 *
 * Determinism: example `i` depends only on (seed, split, i), so a larger `count` extends a
 * smaller one. Balance: examples are dealt in blocks of 40, one per domain × style × length cell
 * in a seeded order, so every cell's count is within one of `count / 40`.
 * Splits: per domain, {@link HELD_OUT_TOPICS_PER_DOMAIN} topics chosen by the seed are held out;
 * `train` and `validation` draw from the rest (from independent streams), `held-out` only from
 * those, so held-out prompts are about topics the training split never shows.
 */
import { createSeededRng, type SeededRng } from '../../../../shared/random/seeded-rng';
import { composeResponse } from './compose-response';
import { pick, shuffled } from './phrasing';
import { composeStyledPrompt } from './styled-prompt';
import { composeRequest, TOPICS_BY_DOMAIN } from './topic-bank';
import { DOMAINS, LENGTHS, SPLITS, STYLES, type CorpusExample, type CorpusSplit, type Domain, type Length, type Style, type Topic } from './types';

export { DOMAINS, LENGTHS, SPLITS, STYLES } from './types';
export type { CorpusExample, CorpusSplit, Domain, Length, Style } from './types';

/** Topics per domain kept out of `train` and `validation`. */
export const HELD_OUT_TOPICS_PER_DOMAIN = 4;

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  /** Seed of everything random: topic split, cell order, topics, atoms and wording. */
  readonly seed: number;
  /** Number of examples, a positive integer. */
  readonly count: number;
  /** Which split to draw. @default 'train' */
  readonly split?: CorpusSplit;
}

interface Cell {
  readonly domain: Domain;
  readonly style: Style;
  readonly length: Length;
}

const CELLS: readonly Cell[] = DOMAINS.flatMap((domain) => STYLES.flatMap((style) => LENGTHS.map((length) => ({ domain, style, length }))));

// Fork labels: fixed, distinct streams per purpose.
const TOPIC_SPLIT_STREAM = 1;
const CELL_ORDER_STREAM = 2;
const EXAMPLE_STREAM = 3;

/**
 * The topic ids of each split for `seed`, per domain: `held-out` has
 * {@link HELD_OUT_TOPICS_PER_DOMAIN} per domain, `train` (and `validation`) the rest.
 *
 * @example
 * const { heldOut } = splitTopics(7); // heldOut.code: four code topic ids
 */
export function splitTopics(seed: number): { train: Record<Domain, string[]>; heldOut: Record<Domain, string[]> } {
  const rng = createSeededRng(seed).fork(TOPIC_SPLIT_STREAM);
  const train = {} as Record<Domain, string[]>;
  const heldOut = {} as Record<Domain, string[]>;
  DOMAINS.forEach((domain, d) => {
    const ids = shuffled(rng.fork(d), TOPICS_BY_DOMAIN[domain].map((t) => t.id));
    heldOut[domain] = ids.slice(0, HELD_OUT_TOPICS_PER_DOMAIN).sort();
    train[domain] = ids.slice(HELD_OUT_TOPICS_PER_DOMAIN).sort();
  });
  return { train, heldOut };
}

/**
 * Generates `count` examples of `split`, deterministically from `seed`.
 *
 * @throws RangeError when `count` is not a positive integer, `seed` not a safe integer, or `split` unknown.
 * @example
 * const train = generateCorpus({ seed: 1, count: 20_000 });
 * const unseen = generateCorpus({ seed: 1, count: 400, split: 'held-out' });
 */
export function generateCorpus(options: CorpusOptions): CorpusExample[] {
  const { seed, count, split = 'train' } = options;
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const splitIndex = SPLITS.indexOf(split);
  if (splitIndex < 0) throw new RangeError(`split must be one of ${SPLITS.join(', ')}, got "${split}"`);

  const partition = splitTopics(seed);
  const poolIds = split === 'held-out' ? partition.heldOut : partition.train;
  const pools = Object.fromEntries(
    DOMAINS.map((domain) => [domain, TOPICS_BY_DOMAIN[domain].filter((t) => poolIds[domain].includes(t.id))]),
  ) as Record<Domain, Topic[]>;

  const root = createSeededRng(seed).fork(100 + splitIndex);
  const cellOrder = root.fork(CELL_ORDER_STREAM);
  const exampleStreams = root.fork(EXAMPLE_STREAM);
  const examples: CorpusExample[] = [];
  let block: Cell[] = [];
  for (let i = 0; i < count; i++) {
    if (i % CELLS.length === 0) block = shuffled(cellOrder.fork(i / CELLS.length), CELLS);
    const cell = block[i % CELLS.length];
    examples.push(makeExample(exampleStreams.fork(i), `${split}-${seed}-${i}`, cell, pools[cell.domain]));
  }
  return examples;
}

function makeExample(rng: SeededRng, id: string, cell: Cell, pool: readonly Topic[]): CorpusExample {
  const { domain, style, length } = cell;
  const topic = pick(rng, pool);
  const prompt = composeRequest(rng.fork(1), domain, topic);
  const styledPrompt = composeStyledPrompt(rng.fork(2), prompt, style, length);
  const response = composeResponse(rng.fork(3), domain, topic, style, length);
  return { id, domain, style, length, topic: topic.id, prompt, styledPrompt, response };
}
