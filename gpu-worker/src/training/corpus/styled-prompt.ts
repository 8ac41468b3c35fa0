/**
 * @module gpu-worker/training/corpus/styled-prompt
 * States a style and a length in front of (or after) a request, in many wordings, so that a model
 * learns the instruction's meaning rather than one fixed phrase.
 */
import type { SeededRng } from '../../../../shared/random/seeded-rng';
import { article, pick } from './phrasing';
import type { Length, Style } from './types';

/** How to say the style as an adverbial ("casually") and as an adjective ("casual"). */
const STYLE_WORDS: Readonly<Record<Style, { adverbs: readonly string[]; adjectives: readonly string[] }>> = {
  casual: {
    adverbs: ['casually', 'in a casual tone', 'in a relaxed, friendly way', 'like you are talking to a friend', 'informally', 'in a chatty style', 'in a laid-back way'],
    adjectives: ['casual', 'relaxed', 'chatty', 'informal', 'friendly', 'laid-back'],
  },
  formal: {
    adverbs: ['formally', 'in a formal tone', 'in a polished, professional register', 'politely and formally', 'in formal language', 'in a businesslike manner'],
    adjectives: ['formal', 'polished', 'professional', 'courteous', 'businesslike'],
  },
  technical: {
    adverbs: ['technically', 'in a technical style', 'with precise technical detail', 'like a technical manual', 'with exact numbers and terms', 'in an engineering tone'],
    adjectives: ['technical', 'precise', 'exact', 'spec-style', 'engineering'],
  },
  creative: {
    adverbs: ['creatively', 'in a creative, vivid way', 'with imagery and metaphor', 'like a storyteller', 'in a poetic style', 'imaginatively'],
    adjectives: ['creative', 'vivid', 'imaginative', 'poetic', 'story-like'],
  },
};

const LENGTH_WORDS: Readonly<Record<Length, { adverbs: readonly string[]; adjectives: readonly string[] }>> = {
  concise: {
    adverbs: ['briefly', 'in one or two sentences', 'in a few words', 'concisely', 'in short', 'without going on too long'],
    adjectives: ['short', 'brief', 'concise', 'quick', 'compact'],
  },
  detailed: {
    adverbs: ['in detail', 'thoroughly', 'at some length', 'in several sentences', 'step by step and in depth', 'fully'],
    adjectives: ['detailed', 'thorough', 'in-depth', 'long', 'complete'],
  },
};

/** Placements of the instruction: S/L = adverbs, s/l = adjectives, P = the request. */
const FRAMES = [
  'Answer {S} and {L}: {P}', '{P} Answer {S}, {L}.', 'Please reply {L}, {S}. {P}', '{P} (Keep it {s} and {l}.)',
  'Write {al} {l}, {s} answer: {P}', 'In {as} {s} tone, give {al} {l} answer: {P}', '{P} I would like {al} {l} reply in {as} {s} style.',
  'Respond {S}, {L}. Question: {P}', 'Style: {s}. Length: {l}. {P}', '{P} Please be {s} and keep the answer {l}.',
  'Be {s} and {l}. {P}', '{P} Reply {L} and {S}.', 'Give me {al} {l} and {s} answer. {P}', 'Speak {S} and answer {L}: {P}',
];

/** The request with its style and length stated. */
export function composeStyledPrompt(rng: SeededRng, prompt: string, style: Style, length: Length): string {
  const s = pick(rng, STYLE_WORDS[style].adjectives);
  const l = pick(rng, LENGTH_WORDS[length].adjectives);
  const slots: Record<string, string> = {
    S: pick(rng, STYLE_WORDS[style].adverbs),
    L: pick(rng, LENGTH_WORDS[length].adverbs),
    s,
    l,
    as: article(s),
    al: article(l),
    P: prompt,
  };
  // Slot values are inserted once; a request's own braces are never re-read as slots.
  const text = pick(rng, FRAMES).replace(/\{(\w+)\}/g, (_, name: string) => slots[name]);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
