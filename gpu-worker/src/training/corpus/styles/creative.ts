/**
 * @module gpu-worker/training/corpus/styles/creative
 * The creative style: metaphor and imagery (lanterns, gardens, rivers, journeys), narrative
 * framing ("Once upon a time", "the next chapter"), gentle rhythm. Images come from a shared
 * pool plus one per domain, so the style does not hang on any one picture.
 */
import { capitalizeSentences, chance, fill, pick } from '../phrasing';
import type { Domain } from '../types';
import { atomSlots, joinSentences, type PhraseContext, type StyleRealizer } from './style-realizer';

/** Noun phrases to compare things to. */
const SHARED_IMAGES = [
  'a lantern on a dark path', 'a seed waiting for rain', 'a river finding its way to the sea', 'a map drawn by hand',
  'a small boat on a wide lake', 'a garden in early spring', 'a song that starts softly', 'a candle in a quiet room',
  'a bridge built one plank at a time', 'a compass that always points home', 'a kite catching the wind', 'a quilt stitched from small squares',
];

const DOMAIN_IMAGES: Readonly<Record<Domain, readonly string[]>> = {
  writing: ['a letter carried by the wind', 'a painting that needs one more brushstroke', 'a door opening onto a bright room', 'a path of stepping stones', 'a melody that finds its rhythm'],
  code: ['a clockwork machine of tiny gears', 'a city of small houses joined by roads', 'a detective story with a hidden clue', 'a ship whose hull must hold', 'a lighthouse guiding ships at night'],
  tutor: ['a staircase climbed one step at a time', 'a treasure chest with a simple lock', 'a mountain trail with a view at the top', 'a puzzle whose pieces click together', 'a window opening onto a new landscape'],
  shopping: ['a treasure hunt through a busy market', 'a voyage planned with a careful map', 'a key looking for its lock', 'a basket filled with care', 'a fair where every stall calls your name'],
  health: ['a garden that needs water and light', 'an engine that runs on care', 'a tide that rises and falls', 'a fire that needs steady fuel', 'a tree that bends but does not break'],
};

/** Whole clauses for "the way …" and "Just as …". */
const SCENES = [
  'a gardener waters the roots before the leaves', 'a sailor reads the wind before setting out', 'a baker lets the dough rest',
  'a painter steps back to see the whole canvas', 'a musician tunes each string', 'a traveler packs light for a long road',
  'a potter shapes the clay slowly', 'a bird builds its nest twig by twig', 'the tide returns to the shore', 'a storyteller saves the best part for last',
];

const OPENERS = [
  'Once upon a time, someone asked about {subject}, and this is what they learned.', 'Come, walk with me for a moment.',
  'Imagine {subject} as {image}.', 'Every adventure with {subject} begins with a single step.', 'Close your eyes for a moment.',
  'Gather round for a little tale about {subject}.', 'Think of {subject} as {image}.', 'Picture {image}.', 'There is a kind of wonder in {subject}.',
  '{subject} is a journey, and every journey needs a map.', 'The tale of {subject} unfolds in a few gentle chapters.',
];

const POINTS = [
  'Think of it like {image}: {tip}.', 'Picture {image}; to get there, {tip}.', '{tip}, the way {scene}.', 'Just as {scene}, {tip}.',
  'The quiet secret is simple: {tip}.', 'The next chapter begins when you {tip}.', 'Let the first brushstroke be this: {tip}.',
  '{tip}; it is the spark that lights the hearth.', 'There is a small magic in this step: {tip}.', '{tip}, and the whole canvas comes alive.',
  'Slow as a lullaby, the next note is this: {tip}.', 'Every journey has a turning point, and this is it: {tip}.', 'Follow the golden thread: {tip}.',
  '{tip}, and the rest will drift into place like autumn leaves.', 'In this chapter of the tale, you {tip}.', 'The compass points one way: {tip}.',
  'Like a seed pressed into warm soil, this step is small: {tip}.', 'Somewhere on the path, {tip}, and the view opens.',
];

const REASONS = [
  'In that small act, {why}.', 'And quietly, {why}.', 'The reward is simple and bright: {why}.', 'Now {why}, and the whole scene breathes.',
  'That is the heartbeat of it: {why}.', 'Because {why}, everything glows.', 'Like {image}, it pays you back: {why}.',
  'The gift is this: {why}.', 'Slowly the fog lifts, for {why}.',
];

const CLOSERS = [
  'And so the story ends well.', 'Let it bloom.', 'The road is yours now.', 'Then watch it shine.', 'Everything else will follow like the tide.',
  'That is where the magic lives.', 'And the lantern stays lit.', 'The final page is yours to write.', 'And so the journey begins.',
  'Soon it will feel like a song you always knew.', 'And the garden grows on its own.',
];

function creativeSlots(ctx: PhraseContext, atom: readonly [string, string, string]): Record<string, string> {
  const { rng } = ctx;
  const image = chance(rng, 0.5) ? pick(rng, DOMAIN_IMAGES[ctx.domain]) : pick(rng, SHARED_IMAGES);
  return { ...atomSlots(ctx, atom), image, scene: pick(rng, SCENES) };
}

/** Creative realization. */
export const creativeStyle: StyleRealizer = {
  concise(ctx, atom) {
    const { rng } = ctx;
    const slots = creativeSlots(ctx, atom);
    const shape = Math.floor(rng.next() * 4);
    const text =
      shape === 0 ? pick(rng, POINTS)
      : shape === 1 ? `${pick(rng, POINTS)} ${pick(rng, REASONS)}`
      : shape === 2 ? `${pick(rng, OPENERS)} ${pick(rng, POINTS)}`
      : `${pick(rng, POINTS)} ${pick(rng, CLOSERS)}`;
    return capitalizeSentences(fill(text, slots));
  },

  detailed(ctx, atoms, fullness) {
    const { rng } = ctx;
    const parts: string[] = [];
    if (chance(rng, 0.8)) parts.push(fill(pick(rng, OPENERS), creativeSlots(ctx, atoms[0])));
    for (const atom of atoms) {
      const slots = creativeSlots(ctx, atom);
      parts.push(fill(chance(rng, fullness) ? `${pick(rng, POINTS)} ${pick(rng, REASONS)}` : pick(rng, POINTS), slots));
    }
    if (chance(rng, 0.75)) parts.push(pick(rng, CLOSERS));
    return capitalizeSentences(joinSentences(parts));
  },
};
