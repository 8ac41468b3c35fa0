/**
 * @module gpu-worker/tokenizer/random-model-tokenizer
 * The tokenizer of Attune's randomly initialised test models: a 512-token byte-level BPE with the
 * ChatML specials (`chatml-bpe-tokenizer.ts`), trained deterministically on a short English text kept in this file, emitted as
 * the `tokenizer.json` and `tokenizer_config.json` objects a Hugging Face model folder holds.
 */
import { buildChatMlTokenizerFiles, CHATML_SPECIAL_TOKENS, type ChatMlTokenizerFiles } from './chatml-bpe-tokenizer';

/** Special tokens in id order: `<|endoftext|>` (0, padding), `<|im_start|>` (1), `<|im_end|>` (2, EOS). */
export const TEST_MODEL_SPECIAL_TOKENS = CHATML_SPECIAL_TOKENS;

/** Vocabulary size of the test-model tokenizer: 3 specials + 256 bytes + 253 merge results. */
export const TEST_MODEL_VOCAB_SIZE = 512;

/** Training text: plain English prose, so frequent words and suffixes become single tokens. */
const TRAINING_TEXT = `The garden behind the old library was quiet in the morning. A few students sat on the low stone wall, reading their notes before the first lecture, and the gardener moved slowly between the rows of tomatoes and beans. Nobody spoke much. The only sounds were the birds in the hedge and the water running from the hose into the thirsty ground.

When the bell rang, the students gathered their books and walked toward the main building. One of them, a tall young woman with a green scarf, stopped to ask the gardener about the roses. He told her that the roses were older than the library itself, planted by the first librarian more than a hundred years ago. She thanked him and hurried after the others, and he went back to his work with a small smile.

Learning a new language takes time. You read a sentence, you look up the words you don't know, and you read the sentence again. At first the grammar seems strange, but after a while the patterns begin to feel natural. It's the same with music and with mathematics: the more you practise, the more the structure becomes part of the way you think. Teachers often say that there is no shortcut, and they are right.

The weather changed in the afternoon. Dark clouds came in from the west, the wind turned cold, and the first drops of rain fell on the windows of the reading room. Inside, the lamps were lit and the readers bent over their tables. Someone was writing a letter; someone else was copying numbers from an old report into a notebook: 12, 47, 365, 2048. The clock on the wall said it was a quarter past four.

Good software is written for people as much as for machines. A clear name tells the reader what a thing is for; a short comment tells the reader why the code is the way it is. Tests describe what the program should do, and they fail when it does something else. When you change the code, the tests tell you whether you have broken anything, and that is why we write them before we need them.

In the evening the rain stopped and the sky cleared. The gardener locked the gate, the librarian turned off the lights, and the students walked home through the wet streets, talking about the lecture, the weather, and the long summer that was still ahead of them. The city was calm, the air smelled of rain and cut grass, and for a moment everything seemed simple and right.`;

/** The files of the test-model tokenizer, as objects ready for `JSON.stringify`. */
export type TestModelTokenizerFiles = ChatMlTokenizerFiles;

/**
 * Builds the test-model tokenizer files. Deterministic: every call returns equal (fresh) objects,
 * so a test model's folder is byte-identical wherever it is generated.
 *
 * @example
 * const { tokenizerJson, tokenizerConfigJson } = buildTestModelTokenizerFiles();
 * await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
 */
export function buildTestModelTokenizerFiles(): TestModelTokenizerFiles {
  return buildChatMlTokenizerFiles({ texts: [TRAINING_TEXT], vocabSize: TEST_MODEL_VOCAB_SIZE, minFrequency: 1 });
}
