/**
 * @module gpu-worker/training/corpus/topic-bank
 * All topic banks by domain, and the user requests built from a topic (no style instruction).
 */
import type { SeededRng } from '../../../../shared/random/seeded-rng';
import { pick } from './phrasing';
import { CODE_TOPICS } from './topics/code-topics';
import { HEALTH_TOPICS } from './topics/health-topics';
import { SHOPPING_TOPICS } from './topics/shopping-topics';
import { TUTOR_TOPICS } from './topics/tutor-topics';
import { WRITING_TOPICS } from './topics/writing-topics';
import type { Domain, Topic } from './types';

/** Every domain's topics. */
export const TOPICS_BY_DOMAIN: Readonly<Record<Domain, readonly Topic[]>> = {
  writing: WRITING_TOPICS,
  code: CODE_TOPICS,
  tutor: TUTOR_TOPICS,
  shopping: SHOPPING_TOPICS,
  health: HEALTH_TOPICS,
};

/** Requests that fit any task ("How do I {task}?"). */
const SHARED_REQUESTS = [
  'How do I {task}?', 'Can you help me {task}?', 'Any tips to {task}?', 'What is the best way to {task}?',
  'I need to {task}. Where do I start?', 'How should I {task}?', 'I want to {task}. What should I do?', 'Tell me how to {task}.',
  'What should I know to {task}?', 'Help me {task}, please.', 'What are the main steps to {task}?', 'I am trying to {task}. Any advice?',
];

/** Requests in each domain's own voice. */
const DOMAIN_REQUESTS: Readonly<Record<Domain, readonly string[]>> = {
  writing: ['I have to {task} this week. Any advice?', 'Could you give me pointers to {task}?'],
  code: ['I am stuck. How can I {task}?', 'What is a good approach if I want to {task}?'],
  tutor: ['Can you teach me to {task}?', 'I have a test soon and need to {task}. Can you help?'],
  shopping: ['I am about to {task}. What should I look for?', 'What matters most when I {task}?'],
  health: ['What can I do to {task}?', 'Is there a simple way to {task}?'],
};

/** A user request about `topic`, in one of many wordings. */
export function composeRequest(rng: SeededRng, domain: Domain, topic: Topic): string {
  const template = rng.next() < 0.8 ? pick(rng, SHARED_REQUESTS) : pick(rng, DOMAIN_REQUESTS[domain]);
  return template.replace('{task}', topic.task);
}
