/**
 * @module gpu-worker/training/corpus/styled-prompt tests: the style and length instruction is
 * worded many ways and always names the right style.
 */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../../shared/random/seeded-rng';
import { composeStyledPrompt } from './styled-prompt';
import { LENGTHS, STYLES } from './types';

const PROMPT = 'How do I {task} x?';

describe('composeStyledPrompt', () => {
  it('words each style × length instruction in at least 40 different ways over 300 draws', () => {
    for (const style of STYLES) {
      for (const length of LENGTHS) {
        const rng = createSeededRng(9);
        const instructions = new Set(Array.from({ length: 300 }, () => composeStyledPrompt(rng, PROMPT, style, length).replace(PROMPT, '<P>')));
        expect(instructions.size, `${style}/${length}`).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it('keeps the request verbatim, braces included', () => {
    const text = composeStyledPrompt(createSeededRng(1), PROMPT, 'formal', 'detailed');
    expect(text).toContain(PROMPT);
  });

  it('uses "an" before vowels and never names another style', () => {
    const rng = createSeededRng(2);
    for (let i = 0; i < 500; i++) {
      const text = composeStyledPrompt(rng, 'Q?', 'technical', 'detailed');
      expect(text).not.toMatch(/\ba (in-depth|exact|engineering)\b/);
      expect(text).not.toMatch(/casual|formal|creative|brief|short/i);
    }
  });
});
