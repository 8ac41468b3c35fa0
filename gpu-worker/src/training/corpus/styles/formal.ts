/**
 * @module gpu-worker/training/corpus/styles/formal
 * The formal style: complete sentences, no contractions, measured advice ("It is advisable to",
 * "One should"), connectives ("Furthermore", "In addition") and courteous openers and closers.
 */
import { capitalizeSentences, chance, fill, pick } from '../phrasing';
import { atomSlots, joinSentences, type PhraseContext, type StyleRealizer } from './style-realizer';

const OPENERS = [
  'Certainly.', 'Thank you for your question.', 'The following considerations apply to {subject}.',
  'With regard to {subject}, several points deserve attention.', 'I am pleased to assist with {subject}.',
  'There are several matters to consider regarding {subject}.', 'Allow me to outline the principal points.',
  'This is an excellent question.', 'Careful preparation is the foundation of success with {subject}.',
  'Please find my recommendations below.', 'I am glad to offer some guidance on {subject}.',
  'The matter of {subject} merits a structured approach.',
];

const POINTS = [
  'It is advisable to {inf}.', 'You should {tip}.', 'One ought to {inf}.', 'It is recommended that you {tip}.',
  'It would be prudent to {inf}.', 'Please ensure that you {tip}.', 'A sound approach is to {inf}.',
  'It is essential to {inf}.', 'One is well advised to {inf}.', 'I recommend that you {tip}.',
  'It is generally wise to {inf}.', 'It is important to {inf}.', 'Experience indicates that it is best to {inf}.',
  'You may wish to {inf}.', 'A prudent course of action is to {inf}.', 'It is worthwhile to {inf}.',
  'The most reliable course is to {inf}.', 'It is sensible to {inf}.',
];

/** Connectives placed before a later point ("Furthermore, it is advisable to …"). */
const CONNECTIVES = [
  'Furthermore', 'In addition', 'Moreover', 'Additionally', 'Likewise', 'Equally', 'Beyond this', 'Subsequently',
  'Secondly', 'Further', 'Similarly', 'Next',
];

const REASONS = [
  'This is important because {why}.', 'Consequently, {why}.', 'In this manner, {why}.', 'The reason is that {why}.',
  'As a result, {why}.', 'This matters, since {why}.', 'Doing so ensures that {why}.',
  'The rationale is straightforward: {why}.', 'This approach is valuable, as {why}.', 'It is worth noting that {why}.',
  'Accordingly, {why}.', 'The benefit is clear: {why}.', 'This is advisable because {why}.', 'In practice, {why}.',
];

/** Endings that attach a reason to the point's own sentence. */
const REASON_CLAUSES = [', as {why}.', ', since {why}.', ', given that {why}.', ', because {why}.', ', for {why}.', ', inasmuch as {why}.'];

const CLOSERS = [
  'In summary, attention to these points will serve you well.', 'Should you require further assistance, please do not hesitate to ask.',
  'I trust this information proves useful.', 'Taken together, these measures will produce a satisfactory result.',
  'I hope this guidance is of assistance.', 'With these principles in mind, you may proceed with confidence.',
  'I wish you every success.', 'Kindly let me know if any point requires clarification.',
  'The above recommendations provide a reliable foundation.', 'Thank you for your attention to this matter.',
];

/** One point: its sentence, optionally preceded by a connective and followed by its reason. */
function point(ctx: PhraseContext, slots: Record<string, string>, later: boolean, reason: 'none' | 'clause' | 'sentence'): string {
  const { rng } = ctx;
  let sentence = pick(rng, POINTS);
  if (later && chance(rng, 0.45)) sentence = `${pick(rng, CONNECTIVES)}, ${sentence[0].toLowerCase()}${sentence.slice(1)}`;
  if (reason === 'clause') sentence = sentence.slice(0, -1) + pick(rng, REASON_CLAUSES);
  if (reason === 'sentence') sentence += ` ${pick(rng, REASONS)}`;
  return fill(sentence, slots);
}

/** Formal realization. */
export const formalStyle: StyleRealizer = {
  concise(ctx, atom) {
    const { rng } = ctx;
    const slots = atomSlots(ctx, atom);
    const shape = Math.floor(rng.next() * 4);
    const text =
      shape === 0 ? point(ctx, slots, false, 'clause')
      : shape === 1 ? point(ctx, slots, false, 'sentence')
      : shape === 2 ? joinSentences([fill(pick(rng, OPENERS), slots), point(ctx, slots, false, 'none')])
      : joinSentences([point(ctx, slots, false, 'none'), pick(rng, CLOSERS)]);
    return capitalizeSentences(text);
  },

  detailed(ctx, atoms, fullness) {
    const { rng } = ctx;
    const parts: string[] = [];
    if (chance(rng, 0.8)) parts.push(fill(pick(rng, OPENERS), { subject: ctx.topic.subject }));
    atoms.forEach((atom, i) => {
      const reason = !chance(rng, fullness) ? 'none' : chance(rng, 0.5) ? 'clause' : 'sentence';
      parts.push(point(ctx, atomSlots(ctx, atom), i > 0, reason));
    });
    if (chance(rng, 0.75)) parts.push(pick(rng, CLOSERS));
    return capitalizeSentences(joinSentences(parts));
  },
};
