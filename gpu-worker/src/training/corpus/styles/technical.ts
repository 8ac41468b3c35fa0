/**
 * @module gpu-worker/training/corpus/styles/technical
 * The technical style: numbered steps, exact parameters with numbers and units (the atom's
 * `spec`), labels such as "Note:", "Target:", "Threshold:", terse imperative sentences.
 */
import type { SeededRng } from '../../../../../shared/random/seeded-rng';
import { capitalizeSentences, chance, fill, pick } from '../phrasing';
import { atomSlots, joinSentences, type StyleRealizer } from './style-realizer';

const OPENERS = [
  'Procedure for {subject}, {k} steps.', 'Overview of {subject}, {k} key parameters.', 'Technical summary, {k} items.',
  'Scope: {subject}. Method: stepwise.', 'Specification for {subject} follows.', 'Configuration notes for {subject}, {k} points.',
  'Checklist for {subject}, {k} items.', 'Protocol for {subject}, revision {r}.', 'Requirements for {subject} are listed below.',
  'Input: {subject}. Output: a {k}-step plan.', 'Reference procedure ({k} steps) for {subject}.',
];

/** Step labels; one numbering scheme per response. */
const NUMBERINGS = ['Step {n}: ', '{n}) ', '({n}) ', '[{n}] ', 'Item {n}: ', 'Phase {n}: ', '#{n} ', ''];

/** Labels that introduce a spec. */
const SPEC_LABELS = [
  'Note', 'Spec', 'Target', 'Parameter', 'Reference', 'Threshold', 'Metric', 'Config', 'Baseline', 'Standard',
  'Benchmark', 'Rule of thumb', 'Recommended value', 'Constraint', 'Setting', 'Tolerance window', 'Default',
];

/** A tip followed by its spec, in one or two sentences. */
const STEPS = [
  '{Tip}. {label}: {spec}.', '{Tip} ({spec}).', '{Tip}; {lowerLabel}: {spec}.', '{Tip} [{spec}].', '{Tip} - {lowerLabel}: {spec}.',
  'Action: {tip}. Value: {spec}.', '{Tip}. Quantified: {spec}.',
];

const LIST_INTROS = ['Sequence', 'Steps', 'Checklist', 'Order of operations', 'Pipeline', 'Workflow'];

const CLOSERS = [
  'Verify each parameter before proceeding.', 'Validate the result after {m} days.', 'Expected outcome: a measurable gain within {m} iterations.',
  'End of procedure.', 'Log the results and iterate.', 'Tolerance: +/- {p}%.', 'Re-measure after {m} weeks and adjust.',
  'Repeat the cycle until the metrics are stable.', 'Record a baseline first for comparison.', 'Review the output at {m}-day intervals.',
  'Failure mode: skipping step 1 degrades results by about {p}%.', 'Status: ready for execution.',
];

function labelSlots(rng: SeededRng): Record<string, string> {
  const label = pick(rng, SPEC_LABELS);
  return { label, lowerLabel: label.toLowerCase() };
}

function numbers(rng: SeededRng, k: number): Record<string, string> {
  return { k: String(k), m: String(pick(rng, [2, 3, 4, 5, 7, 10, 14])), p: String(pick(rng, [5, 10, 15, 20, 25])), r: pick(rng, ['1.0', '1.2', '2.0', '2.1', '3.0']) };
}

/** Technical realization. */
export const technicalStyle: StyleRealizer = {
  concise(ctx, atom) {
    const { rng } = ctx;
    const slots = { ...atomSlots(ctx, atom), ...labelSlots(rng) };
    const shape = Math.floor(rng.next() * 3);
    const text =
      shape === 0 ? pick(rng, STEPS)
      : shape === 1 ? `${pick(rng, ['Key step', 'Primary action', 'Core rule', 'Main lever', 'Step 1'])}: {tip} ({spec}).`
      : '{label}: {spec}. Action: {tip}.';
    return capitalizeSentences(fill(text, slots));
  },

  detailed(ctx, atoms, fullness) {
    const { rng } = ctx;
    const nums = numbers(rng, atoms.length);
    const parts: string[] = [];
    if (chance(rng, 0.85)) parts.push(fill(pick(rng, OPENERS), { ...nums, subject: ctx.topic.subject }));
    if (chance(rng, 0.25)) {
      // Enumerated list in one sentence, then one labelled spec per item.
      const items = atoms.map((atom, i) => `(${i + 1}) ${atom[0]}`).join('; ');
      parts.push(`${pick(rng, LIST_INTROS)}: ${items}.`);
      atoms.forEach((atom, i) => parts.push(fill('{label} {n}: {spec}.', { ...labelSlots(rng), n: String(i + 1), spec: atom[2] })));
    } else {
      const numbering = pick(rng, NUMBERINGS);
      atoms.forEach((atom, i) => {
        // A step without its spec now and then keeps short topics from running long.
        const step = fill(chance(rng, 0.5 + fullness / 2) ? pick(rng, STEPS) : '{Tip}.', { ...atomSlots(ctx, atom), ...labelSlots(rng) });
        parts.push(fill(numbering, { n: String(i + 1) }) + step);
      });
    }
    if (chance(rng, 0.7)) parts.push(fill(pick(rng, CLOSERS), nums));
    return capitalizeSentences(joinSentences(parts));
  },
};
