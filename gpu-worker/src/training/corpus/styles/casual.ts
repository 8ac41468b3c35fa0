/**
 * @module gpu-worker/training/corpus/styles/casual
 * The casual style: short sentences, contractions, spoken fillers ("hey", "honestly", "trust me"),
 * exclamations. Each slot has many alternatives so that no single word marks the style.
 */
import { capitalizeSentences, chance, contract, fill, pick } from '../phrasing';
import { atomSlots, joinSentences, type PhraseContext, type StyleRealizer } from './style-realizer';

const OPENERS = [
  'Hey!', 'Oh, good question!', "Okay, so here's the deal.", 'Sure thing!', "Alright, let's do this.",
  'Ooh, fun one!', 'Yeah, totally doable.', 'So, {subject}? Easy.', 'Hey there!', 'No problem!',
  'Oh man, I love this one.', "Cool, let's talk about {subject}.", 'Right, {subject}!', "Good news, it's not hard.",
  'Okay, quick rundown on {subject}.', 'Ha, been there!', 'Yep, I can help.', 'Oh nice, {subject}!',
];

const POINTS = [
  'Just {tip}.', 'Honestly, {tip}.', 'Oh, and {tip}.', 'Make sure you {tip}.', "Don't forget to {inf}!",
  "You'll wanna {inf}.", "I'd {tip}, for sure.", 'Try to {inf}.', 'The trick is to {inf}.', 'Always {tip}, okay?',
  'Big one: {tip}!', 'Quick tip: {tip}.', 'Seriously, {tip}.', '{tip} - works like a charm.', '{tip}, no joke.',
  'Gotta {tip}.', "It's smart to {inf}.", 'Remember to {inf}, yeah?', 'Next thing? {tip}.', 'Pro move: {tip}.',
  "{tip} and you're golden.", 'Super simple: {tip}.', 'My go-to? {tip}.', 'Kinda obvious, but {tip}.', 'Real talk, {tip}.',
  'You gotta {tip}, trust me.', 'Oh hey, {tip}!', 'Definitely {tip}.', 'Go ahead and {tip}.', 'Easy win: {tip}.',
];

const REASONS = [
  'That way {why}.', 'Trust me, {why}.', 'Plus, {why}!', 'See, {why}.', 'Thing is, {why}.', 'Bottom line, {why}.',
  "The reason's simple: {why}.", 'And hey, {why}.', 'Basically, {why}.', '{why}, which is pretty great.', '{why}, you know?',
  'I mean, {why}.', 'Turns out {why}.', 'Why? Well, {why}.', 'Heads up, {why}.', 'Funny thing, {why}.',
];

/** Sentence heads that take a reason clause ("Just {tip}" + ", 'cause {why}."). */
const HEADS = [
  'Just {tip}', 'Make sure you {tip}', 'Try to {inf}', 'The trick is to {inf}', 'Honestly, {tip}', "You'll wanna {inf}", 'Gotta {tip}',
  'Definitely {tip}', 'Go ahead and {tip}', "It's smart to {inf}", 'Oh, and {tip}', 'Seriously, {tip}', 'Real talk, {tip}',
  'Remember to {inf}', "I'd {tip}", 'Quick tip: {tip}', 'Pro move: {tip}', 'So yeah, {tip}',
];

const REASON_CLAUSES = [
  ", 'cause {why}.", ' so {why}.', ', since {why}!', ' - {why}.', ', because {why}.', '; {why}, you know?',
  ", 'cause honestly {why}.", ' - trust me, {why}!', ', which means {why}.',
];

const CLOSERS = [
  'You got this!', "That's pretty much it.", 'Easy, right?', 'Good luck!', 'Have fun with it!', 'Hope that helps!',
  'Nothing fancy, it just works.', 'Cheers!', 'Go for it!', 'Piece of cake.', 'Done and done.', 'Ping me if you get stuck!',
  'Easy peasy.', 'Now go crush it!', "And that's all, folks.", 'Good vibes only!', 'Have a blast!',
];

/** Casual realization; contractions are applied to the finished text. */
export const casualStyle: StyleRealizer = {
  concise(ctx: PhraseContext, atom) {
    const { rng } = ctx;
    const slots = atomSlots(ctx, atom);
    const shape = Math.floor(rng.next() * 4);
    const parts =
      shape === 0 ? [pick(rng, OPENERS), pick(rng, POINTS)]
      : shape === 1 ? [pick(rng, HEADS) + pick(rng, REASON_CLAUSES)]
      : shape === 2 ? [pick(rng, POINTS), pick(rng, REASONS)]
      : [pick(rng, POINTS), pick(rng, CLOSERS)];
    return finish(fill(joinSentences(parts), slots));
  },

  detailed(ctx: PhraseContext, atoms, fullness) {
    const { rng } = ctx;
    const parts: string[] = [];
    if (chance(rng, 0.8)) parts.push(fill(pick(rng, OPENERS), { subject: ctx.topic.subject }));
    for (const atom of atoms) {
      const slots = atomSlots(ctx, atom);
      const template = !chance(rng, fullness)
        ? pick(rng, POINTS)
        : chance(rng, 0.5) ? pick(rng, HEADS) + pick(rng, REASON_CLAUSES) : `${pick(rng, POINTS)} ${pick(rng, REASONS)}`;
      parts.push(fill(template, slots));
    }
    if (chance(rng, 0.75)) parts.push(pick(rng, CLOSERS));
    return finish(joinSentences(parts));
  },
};

function finish(text: string): string {
  return contract(capitalizeSentences(text));
}
