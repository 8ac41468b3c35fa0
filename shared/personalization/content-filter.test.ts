/** @module shared/personalization/content-filter.test Excluded topics, profanity modes and choosing among kept candidates. */
import { describe, expect, it } from 'vitest';
import { validationError } from '../api/errors';
import { containsProfanity, contentPreferencesSchema, filterCandidates, maskProfanity, pickBest, topicPattern } from './content-filter';

describe('topicPattern', () => {
  it('matches whole words, any case, and simple plurals', () => {
    const cat = topicPattern('cat');
    expect(cat.test('My CAT sleeps')).toBe(true);
    expect(cat.test('two cats')).toBe(true);
    expect(cat.test("the cat's bowl")).toBe(true);
    expect(cat.test('a catalogue of concatenated categories')).toBe(false);
    expect(topicPattern('puppy').test('Puppies are cute')).toBe(true);
    expect(topicPattern('box').test('three boxes')).toBe(true);
    expect(topicPattern('café').test('Cafés in Paris')).toBe(true);
    expect(topicPattern('café').test('cafétéria')).toBe(false);
  });

  it('matches multi-word topics across spaces and hyphens, with the last word plural', () => {
    const p = topicPattern('climate  change');
    expect(p.test('Climate change is real')).toBe(true);
    expect(p.test('climate-changes ahead')).toBe(true);
    expect(p.test('the climate will change')).toBe(false);
  });

  it('treats regex characters in a topic literally', () => {
    expect(topicPattern('c++').test('I write C++ daily')).toBe(true);
    expect(topicPattern('c++').test('I write ccc daily')).toBe(false);
    expect(topicPattern('u.s.').test('the uxsx')).toBe(false);
  });

  it('refuses a topic without letters or digits, which would match everywhere', () => {
    expect(() => topicPattern('  ')).toThrow(/^excluded_topics entries must contain a letter or digit/);
  });
});

describe('profanity', () => {
  it('finds listed words only as whole words', () => {
    expect(containsProfanity('Well, shit.')).toBe(true);
    expect(containsProfanity('Shitake mushrooms in Scunthorpe, a classic assessment')).toBe(false);
    expect(containsProfanity('A perfectly polite sentence.')).toBe(false);
  });

  it('masks every occurrence keeping the first letter and its case', () => {
    expect(maskProfanity('What the Fuck? This is bullshit, damn it.')).toBe('What the F***? This is b*******, d*** it.');
  });
});

describe('filterCandidates', () => {
  const candidates = [
    'You could try a chicken curry tonight.', // 0: excluded topic
    'A lentil soup is quick and cheap.', // 1: clean
    'Honestly, this damn recipe never fails.', // 2: profanity
    'Roast two chickens and some shitty potatoes.', // 3: both; the topic wins
  ];

  it('keeps everything unchanged with no preferences', () => {
    expect(filterCandidates(candidates)).toEqual({ kept: candidates.map((text, index) => ({ index, text })), removed: [] });
  });

  it('removes candidates mentioning an excluded topic, plural included', () => {
    const result = filterCandidates(candidates, { excluded_topics: ['Chicken'] });
    expect(result.removed).toEqual([
      { index: 0, reason: 'excluded_topic', topic: 'Chicken' },
      { index: 3, reason: 'excluded_topic', topic: 'Chicken' },
    ]);
    expect(result.kept.map((k) => k.index)).toEqual([1, 2]);
  });

  it('masks profanity in kept candidates when asked', () => {
    const result = filterCandidates(candidates, { excluded_topics: ['chicken'], profanity: 'mask' });
    expect(result.kept).toEqual([
      { index: 1, text: 'A lentil soup is quick and cheap.' },
      { index: 2, text: 'Honestly, this d*** recipe never fails.' },
    ]);
  });

  it('removes profane candidates when blocking, and names the reason', () => {
    const result = filterCandidates(candidates, { excluded_topics: ['chicken'], profanity: 'block' });
    expect(result.kept).toEqual([{ index: 1, text: 'A lentil soup is quick and cheap.' }]);
    expect(result.removed).toEqual([
      { index: 0, reason: 'excluded_topic', topic: 'chicken' },
      { index: 2, reason: 'profanity' },
      { index: 3, reason: 'excluded_topic', topic: 'chicken' },
    ]);
  });

  it('leaves profanity alone when allowed', () => {
    expect(filterCandidates(['damn good'], { profanity: 'allow' }).kept).toEqual([{ index: 0, text: 'damn good' }]);
  });
});

describe('pickBest', () => {
  const texts = ['Chicken is great', 'Lentils are great', 'Beans are great', 'Tofu is great'];

  it('picks the highest-scoring kept candidate by its original index', () => {
    const filtered = filterCandidates(texts, { excluded_topics: ['chicken'] });
    expect(pickBest(filtered, [0.99, 0.2, 0.7, 0.5])).toBe(2);
  });

  it('breaks ties toward the lowest index', () => {
    expect(pickBest(filterCandidates(texts), [0.1, 0.8, 0.8, 0.8])).toBe(1);
    expect(pickBest(filterCandidates(texts), [-Infinity, -Infinity, -Infinity, -Infinity])).toBe(0);
  });

  it('returns null when every candidate was removed', () => {
    expect(pickBest(filterCandidates(['chicken soup', 'chicken pie'], { excluded_topics: ['chicken'] }), [1, 2])).toBeNull();
    expect(pickBest(filterCandidates([]), [])).toBeNull();
  });

  it('rejects a missing or NaN score for a kept candidate', () => {
    expect(() => pickBest(filterCandidates(texts), [1, 2, 3])).toThrow(/^scores\[3\] must be a number/);
    expect(() => pickBest(filterCandidates(texts), [1, Number.NaN, 3, 4])).toThrow(RangeError);
  });
});

describe('contentPreferencesSchema', () => {
  it('accepts valid settings and trims topics', () => {
    expect(contentPreferencesSchema.parse({ excluded_topics: [' politics '], profanity: 'mask' })).toEqual({ excluded_topics: ['politics'], profanity: 'mask' });
    expect(contentPreferencesSchema.parse({})).toEqual({});
  });

  it('names the field in each error', () => {
    const cases: Array<[unknown, string]> = [
      [{ excluded_topics: Array.from({ length: 21 }, (_, i) => `topic${i}`) }, 'excluded_topics'],
      [{ excluded_topics: ['ok', 'x'.repeat(41)] }, 'excluded_topics.1'],
      [{ excluded_topics: ['   '] }, 'excluded_topics.0'],
      [{ excluded_topics: ['!!!'] }, 'excluded_topics.0'],
      [{ profanity: 'censor' }, 'profanity'],
      [{ swearing: 'mask' }, 'swearing'],
    ];
    for (const [body, field] of cases) {
      const result = contentPreferencesSchema.safeParse(body);
      expect(result.success).toBe(false);
      if (!result.success) expect(validationError(result.error.issues).error.field).toBe(field);
    }
  });
});
