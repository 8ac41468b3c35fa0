/**
 * @module gpu-worker/training/pretrain/style-pairs
 * Preference pairs of a simulated user who likes one style: for a plain request (no style
 * instruction), the chosen response is written in that style and the rejected one in another
 * style, both on the same topic and length. This is what a user's "I prefer this answer"
 * feedback looks like once it reaches the `train-adapter` job.
 */
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import type { TextTokenizer } from '../../tokenizer/load';
import { composeResponse } from '../corpus/compose-response';
import { generateCorpus } from '../corpus/generate-corpus';
import { TOPICS_BY_DOMAIN } from '../corpus/topic-bank';
import { STYLES, type CorpusSplit, type Style } from '../corpus/types';
import type { PreferencePair } from '../lora-trainer';

/** A pair as text, before tokenization. */
export interface StyleTextPair {
  prompt: string;
  chosen: string;
  rejected: string;
  rejectedStyle: Style;
}

/**
 * `count` text pairs preferring `style`, on prompts of `split` (rejected styles cycle through the
 * other three). Deterministic in (seed, style, split).
 */
export function styleTextPairs(seed: number, style: Style, count: number, split: CorpusSplit = 'train'): StyleTextPair[] {
  const others = STYLES.filter((s) => s !== style);
  const rng = createSeededRng(seed).fork(STYLES.indexOf(style) + 1);
  // Keep the examples already in the liked style (a quarter of the corpus, every domain and length);
  // the corpus is dealt in blocks of 40 with 10 per style, so 4·count + 40 draws always hold count.
  const examples = generateCorpus({ seed: seed + 17, count: count * 4 + 40, split }).filter((ex) => ex.style === style).slice(0, count);
  if (examples.length < count) throw new Error(`only ${examples.length} ${style} examples for ${count} pairs`);
  return examples.map((ex, i) => {
    const topic = TOPICS_BY_DOMAIN[ex.domain].find((t) => t.id === ex.topic)!;
    const rejectedStyle = others[i % others.length];
    return { prompt: ex.prompt, chosen: ex.response, rejected: composeResponse(rng.fork(i), ex.domain, topic, rejectedStyle, ex.length), rejectedStyle };
  });
}

/** Tokenizes text pairs with the chat template (user turn only, as the user asked it). */
export function tokenizePairs(tokenizer: TextTokenizer, pairs: StyleTextPair[]): PreferencePair[] {
  const eos = tokenizer.eosTokenIds[0];
  return pairs.map((p) => ({
    promptIds: tokenizer.encode(tokenizer.applyChatTemplate([{ role: 'user', content: p.prompt }], { addGenerationPrompt: true })),
    chosenIds: [...tokenizer.encode(p.chosen), eos],
    rejectedIds: [...tokenizer.encode(p.rejected), eos],
  }));
}
