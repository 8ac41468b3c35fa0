/**
 * @module shared/personalization/domain-classifier tests: accuracy on held-out prompts (none of
 * them in the training examples), the flat answer for unknown words, and a proper distribution.
 */
import { describe, expect, it } from 'vitest';
import { DOMAINS, type Domain } from '../api/profile';
import { classifyDomain, DOMAIN_EXAMPLES, domainTokens } from './domain-classifier';

/** Held-out prompts, written separately from the training examples. */
const HELD_OUT: Record<Domain, string[]> = {
  writing: [
    'Can you tighten up the wording of my abstract', 'Write a limerick about a cat who loves cheese', 'Draft a resignation letter that stays polite',
    'Help me make my essay conclusion stronger', 'Proofread this short story for spelling mistakes', 'Rewrite my bio in a more playful tone',
    'Write a eulogy for my grandmother', 'Suggest better wording for this slogan', 'Edit this blog post so it reads smoothly',
    'Compose a birthday poem for my sister',
  ],
  code: [
    'My Python script crashes with an IndexError in the loop', 'Write a JavaScript function to debounce input events',
    'How do I join two tables in SQL', 'Explain what this TypeScript generic does', 'Why does npm install fail with a permission error',
    'Refactor this Java class into smaller methods', 'How do I write a unit test with mocks', 'Fix the memory leak in my C code',
    'Create a Python class for a bank account with deposit and withdraw', 'My git merge has conflicts, how do I resolve them',
  ],
  tutoring: [
    'Explain the causes of the Great Depression for my history class', 'Help me practise solving linear equations',
    'Quiz me on the planets of the solar system', 'What is the difference between speed and velocity in physics',
    'Teach me how to calculate percentages', 'Explain how plant cells differ from animal cells for my biology homework',
    'Help me study German grammar for the exam', 'Walk me through simplifying fractions step by step',
    'Explain the theory of evolution simply for a student', 'Give me practice questions on chemical reactions',
  ],
  shopping: [
    'Which budget phone has the best battery life', 'Recommend a gift for my mom under 50 dollars', 'Is this air fryer worth buying',
    'Compare the prices of these two washing machines', 'Where can I find a good deal on a sofa',
    'Which espresso machine should I buy for home', 'Are refurbished laptops a good buy', 'Best cheap monitor for gaming',
    'Help me choose hiking boots that are affordable', 'Which brand of kids car seat has the best reviews',
  ],
  health: [
    'What are early symptoms of diabetes', 'How can I sleep better at night', 'Is it normal to feel dizzy after exercise',
    'What should I eat to lower cholesterol', 'How do I treat a mild burn at home', 'Can stress cause stomach pain',
    'How often should I do cardio to stay healthy', 'What are the side effects of antibiotics', 'Is a fever of 38 degrees dangerous for a child',
    'Tips to ease neck pain from sitting all day',
  ],
  general: [
    'What is the tallest mountain in the world', 'Tell me a funny joke about penguins', 'Suggest a movie to watch with friends tonight',
    'How far is London from Paris', 'What is a good recipe for pancakes', 'Who invented the telephone',
    'Plan a day trip to the beach', 'What is the weather forecast for tomorrow in Berlin', 'Give me a fun fact about space',
    'Recommend a book series for the summer',
  ],
};

describe('classifyDomain', () => {
  it('keeps the held-out prompts out of the training examples', () => {
    const training = new Set(Object.values(DOMAIN_EXAMPLES).flat().map((s) => s.toLowerCase()));
    for (const prompts of Object.values(HELD_OUT)) for (const p of prompts) expect(training.has(p.toLowerCase())).toBe(false);
    for (const domain of DOMAINS) {
      expect(HELD_OUT[domain].length).toBeGreaterThanOrEqual(8);
      expect(DOMAIN_EXAMPLES[domain].length).toBeGreaterThanOrEqual(25);
    }
  });

  it('labels at least 80% of held-out prompts correctly', () => {
    let correct = 0;
    let total = 0;
    const misses: string[] = [];
    const perDomain: string[] = [];
    for (const domain of DOMAINS) {
      let hits = 0;
      for (const prompt of HELD_OUT[domain]) {
        const got = classifyDomain(prompt).domain;
        if (got === domain) hits += 1;
        else misses.push(`${domain} → ${got}: ${prompt}`);
      }
      perDomain.push(`${domain} ${hits}/${HELD_OUT[domain].length}`);
      correct += hits;
      total += HELD_OUT[domain].length;
    }
    const accuracy = correct / total;
    console.log(`domain classifier held-out accuracy ${(100 * accuracy).toFixed(1)}% (${correct}/${total}; ${perDomain.join(', ')})`);
    if (misses.length) console.log(`misclassified:\n  ${misses.join('\n  ')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('returns general with a flat distribution when no word is known', () => {
    for (const text of ['', 'zxqv blorf', 'the and of it', '!!! ???']) {
      const { domain, probabilities } = classifyDomain(text);
      expect(domain).toBe('general');
      for (const d of DOMAINS) expect(probabilities[d]).toBeCloseTo(1 / DOMAINS.length, 12);
    }
  });

  it('returns a probability for every domain, summing to 1, with the domain the most probable', () => {
    const { domain, probabilities } = classifyDomain('Why does my Python script raise a KeyError?');
    expect(domain).toBe('code');
    expect(Object.keys(probabilities).sort()).toEqual([...DOMAINS].sort());
    expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const d of DOMAINS) expect(probabilities[d]).toBeLessThanOrEqual(probabilities.code);
    expect(probabilities.code).toBeGreaterThan(0.5);
  });

  it('tokenizes case-insensitively, keeps c++ and c#, drops stop words and folds plurals', () => {
    expect(domainTokens('How do I fix the Bugs in my C++ and C# code?')).toEqual(['fix', 'bug', 'c++', 'c#', 'code']);
  });
});
