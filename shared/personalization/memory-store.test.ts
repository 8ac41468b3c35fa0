/** @module shared/personalization/memory-store.test Budgeted memory: eviction, removal, ranked search, the POST body schema. */
import { describe, expect, it } from 'vitest';
import { validationError } from '../api/errors';
import { addMemory, contextualQuery, DEFAULT_MEMORY_BUDGET_BYTES, memoryBytes, memoryInputSchema, memoryItemSchema, type MemoryItem, type MemoryState, removeMemory, searchMemories } from './memory-store';
import { embedText } from './text-embedding';
import { toStoredEmbedding, updateInteractionMean } from './user-embedding';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 31);

function memory(id: string, text: string, kind: MemoryItem['kind'] = 'fact', ageDays = 0): MemoryItem {
  return { id, kind, text, createdAt: NOW - ageDays * DAY, embedding: toStoredEmbedding(embedText(text)) };
}

function build(items: MemoryItem[], budget?: number): MemoryState {
  return items.reduce<MemoryState>((state, item) => addMemory(state, item, budget).state, { items: [] });
}

describe('addMemory', () => {
  it('appends without changing the given state, and stays valid JSON for memoryItemSchema', () => {
    const before: MemoryState = { items: [] };
    const { state, evicted } = addMemory(before, memory('a', 'I am vegetarian'));
    expect(before.items).toHaveLength(0);
    expect(state.items.map((i) => i.id)).toEqual(['a']);
    expect(evicted).toEqual([]);
    expect(memoryItemSchema.parse(JSON.parse(JSON.stringify(state.items[0])))).toEqual(state.items[0]);
  });

  it('replaces an item with the same id instead of duplicating it', () => {
    const state = build([memory('a', 'I live in Leeds'), memory('b', 'I have a dog'), memory('a', 'I live in York')]);
    expect(state.items.map((i) => `${i.id}:${i.text}`)).toEqual(['b:I have a dog', 'a:I live in York']);
  });

  it('evicts the oldest interactions first, then the oldest facts, never the new item', () => {
    const items = [
      memory('fact-old', 'I am allergic to peanuts', 'fact', 9),
      memory('chat-old', 'asked about pasta recipes', 'interaction', 8),
      memory('fact-new', 'I work as a nurse', 'fact', 3),
      memory('chat-new', 'asked about night shifts', 'interaction', 2),
    ];
    const budget = memoryBytes(items) + 10; // all four fit
    const full = build(items, budget);
    expect(full.items).toHaveLength(4);

    const first = addMemory(full, memory('fact-5', 'My partner is called Sam', 'fact', 0), budget);
    expect(first.evicted.map((i) => i.id)).toEqual(['chat-old']);
    const second = addMemory(first.state, memory('fact-6', 'I prefer metric units', 'fact', 0), budget);
    expect(second.evicted.map((i) => i.id)).toEqual(['chat-new']);
    const third = addMemory(second.state, memory('fact-7', 'I speak German and English', 'fact', 0), budget);
    expect(third.evicted.map((i) => i.id)).toEqual(['fact-old']);
    expect(third.state.items.map((i) => i.id)).toEqual(['fact-new', 'fact-5', 'fact-6', 'fact-7']);
    expect(memoryBytes(third.state.items)).toBeLessThanOrEqual(budget);

    // An old interaction arriving late is still kept: older ones make room for it.
    const late = addMemory(third.state, memory('chat-late', 'asked about trains', 'interaction', 30), budget);
    expect(late.state.items.map((i) => i.id)).toContain('chat-late');
  });

  it('measures the budget as UTF-8 bytes of the JSON, and holds 29 short items (~830 bytes each) in the default 24 KiB', () => {
    const ascii = memory('x', 'aaaa');
    const accented = memory('x', 'éééé');
    expect(memoryBytes([accented]) - memoryBytes([ascii])).toBe(4);
    expect(memoryBytes([ascii, ascii])).toBe(2 * memoryBytes([ascii]) - 1);
    let state: MemoryState = { items: [] };
    for (let i = 0; i < 60; i++) state = addMemory(state, memory(`m${i}`, `remembered thing number ${i}`, 'interaction', 60 - i)).state;
    expect(memoryBytes(state.items)).toBeLessThanOrEqual(DEFAULT_MEMORY_BUDGET_BYTES);
    expect(state.items.length).toBeGreaterThan(20);
    expect(state.items.at(-1)?.id).toBe('m59');
  });

  it('rejects text over 2000 characters and an item larger than the whole budget, naming text', () => {
    expect(() => addMemory({ items: [] }, memory('a', 'x'.repeat(2001)))).toThrow(/^text must be at most 2000 characters/);
    expect(() => addMemory({ items: [] }, memory('a', 'short text'), 500)).toThrow(/^text is too long for the memory budget/);
    expect(() => addMemory({ items: [] }, memory('a', 'short text'), 0)).toThrow(/^budget must be/);
  });
});

describe('removeMemory', () => {
  it('removes by id and reports what it removed, or null', () => {
    const state = build([memory('a', 'one'), memory('b', 'two')]);
    const { state: after, removed } = removeMemory(state, 'a');
    expect(removed?.text).toBe('one');
    expect(after.items.map((i) => i.id)).toEqual(['b']);
    expect(removeMemory(after, 'missing')).toEqual({ state: after, removed: null });
  });
});

describe('searchMemories', () => {
  const state = build([
    memory('veg', 'I am vegetarian and do not eat meat', 'fact', 1),
    memory('dog', 'I have a golden retriever called Max', 'fact', 1),
    memory('ts', 'asked how to write generic functions in TypeScript', 'interaction', 1),
  ]);

  it('ranks by similarity to the query and drops weak matches', () => {
    const hits = searchMemories(state, embedText('vegetarian dinner without meat'), { now: NOW });
    expect(hits[0].item.id).toBe('veg');
    expect(hits.every((h) => h.score >= 0.1)).toBe(true);
    expect(hits.map((h) => h.item.id)).not.toContain('dog');
    const code = searchMemories(state, embedText('TypeScript generic functions'), { now: NOW, k: 1 });
    expect(code.map((h) => h.item.id)).toEqual(['ts']);
  });

  it('returns scores sorted descending, at most k', () => {
    const hits = searchMemories(state, embedText('I am a vegetarian with a dog, writing TypeScript'), { now: NOW, k: 2, minScore: 0 });
    expect(hits).toHaveLength(2);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[1].score);
    for (const h of hits) expect(h.score).toBeCloseTo(h.similarity * h.recency, 12);
  });

  it('ranks the newer of two equally similar items first, and halves an interaction each half-life', () => {
    const twins = build([memory('old', 'I enjoy jazz music', 'interaction', 30), memory('new', 'I enjoy jazz music', 'interaction', 0)]);
    const hits = searchMemories(twins, embedText('I enjoy jazz music'), { now: NOW, minScore: 0 });
    expect(hits.map((h) => h.item.id)).toEqual(['new', 'old']);
    expect(hits[1].recency).toBeCloseTo(0.5, 12);
    expect(hits[1].score / hits[0].score).toBeCloseTo(0.5, 12);
    const same = build([memory('a', 'I enjoy jazz music', 'interaction', 5), memory('b', 'I enjoy jazz music', 'interaction', 5)]);
    expect(searchMemories(same, embedText('jazz'), { now: NOW, minScore: 0 }).map((h) => h.item.id)).toEqual(['a', 'b']);
  });

  it('lets facts decay at half the rate of interactions', () => {
    const mixed = build([memory('f', 'I enjoy jazz music', 'fact', 30), memory('i', 'I enjoy jazz music', 'interaction', 30)]);
    const hits = searchMemories(mixed, embedText('I enjoy jazz music'), { now: NOW, minScore: 0 });
    expect(hits.map((h) => h.item.id)).toEqual(['f', 'i']);
    expect(hits[0].recency).toBeCloseTo(Math.SQRT1_2, 12);
    const shortLife = searchMemories(mixed, embedText('I enjoy jazz music'), { now: NOW, minScore: 0, halfLifeDays: 15 });
    expect(shortLife[1].recency).toBeCloseTo(0.25, 12);
  });

  it('gives nothing for an empty query and checks its options', () => {
    expect(searchMemories(state, embedText(''), { now: NOW })).toEqual([]);
    expect(() => searchMemories(state, embedText('x'), { now: NOW, k: 0 })).toThrow(/^k must be/);
    expect(() => searchMemories(state, embedText('x'), { now: NOW, halfLifeDays: 0 })).toThrow(/^halfLifeDays must be/);
  });
});

describe('memoryInputSchema', () => {
  it('accepts text and defaults kind to fact', () => {
    expect(memoryInputSchema.parse({ text: 'I am vegetarian' })).toEqual({ text: 'I am vegetarian', kind: 'fact' });
  });

  it('names the field in each error', () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(2001) }, 'text'],
      [{ text: 'ok', kind: 'interaction' }, 'kind'],
      [{ text: 'ok', pinned: true }, 'pinned'],
    ];
    for (const [body, field] of cases) {
      const result = memoryInputSchema.safeParse(body);
      expect(result.success).toBe(false);
      if (!result.success) expect(validationError(result.error.issues).error.field).toBe(field);
    }
  });
});

describe('contextualQuery', () => {
  const state = build([memory('run', 'I am training for the Berlin marathon in April, running four times a week'), memory('cat', 'My cat is called Tom and hates the vacuum')]);
  const interests = updateInteractionMean(updateInteractionMean(null, embedText('How long should my marathon training long run be?')), embedText('Is running four times a week too much before a marathon?')).mean;

  it('finds what the conversation was about for a vague follow-up, which the prompt alone does not', () => {
    const vague = embedText('What should I change this week?');
    expect(searchMemories(state, vague, { now: NOW, minScore: 0.25 })).toEqual([]);
    const hits = searchMemories(state, contextualQuery(vague, interests), { now: NOW, minScore: 0.25 });
    expect(hits.map((h) => h.item.id)).toEqual(['run']);
  });

  it('keeps a clear prompt\'s own match first, and uses the prompt alone without a history', () => {
    const clear = embedText('What is my cat called?');
    expect(searchMemories(state, contextualQuery(clear, interests), { now: NOW, minScore: 0.1 })[0].item.id).toBe('cat');
    expect(contextualQuery(clear, null)).toBe(clear);
    const mixed = contextualQuery(clear, interests);
    expect(Math.hypot(...mixed)).toBeCloseTo(1, 5);
  });
});
